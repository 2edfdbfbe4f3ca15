// The `guopei` command. Logs go to stderr; failures exit non-zero with a message a user can act on.
import { Command, InvalidArgumentError } from "commander";
import { generateDemo } from "../data/generator/demo.ts";
import { PolicyError } from "./lib/policy.ts";
import { PathError } from "./lib/paths.ts";
import { OutputError } from "./lib/outdir.ts";
import { EXIT, NoRowsError, run } from "./run.ts";
import { buildSite } from "./site/build.ts";
import { extract } from "./extract/extract.ts";
import { NoBrowserError } from "./lib/browser.ts";
import { report } from "./report/report.ts";

const positiveNumber = (v: string) => {
  const x = Number(v);
  if (!Number.isFinite(x) || x <= 0) throw new InvalidArgumentError("must be a positive number");
  return x;
};
const integer = (v: string) => {
  const x = Number(v);
  if (!Number.isInteger(x)) throw new InvalidArgumentError("must be an integer");
  return x;
};

const program = new Command()
  .name("guopei")
  .description("国培计划 training evaluation: load exports into DuckDB, score, rank, warn, publish")
  .showHelpAfterError();

program
  .command("demo")
  .description("write a synthetic province (every input kind of the contract, with planted effects and messy files)")
  .option("--out <dir>", "folder to write", "data/demo")
  .option("--scale <n>", "size multiplier (1 ≈ a small province)", positiveNumber, 1)
  .option("--seed <s>", "random seed", integer, 2026)
  .action(async (o: { out: string; scale: number; seed: number }) => {
    const summary = await generateDemo({ out: o.out, scale: o.scale, seed: o.seed });
    process.stderr.write(`演示数据 demo data → ${o.out}: ${Object.entries(summary.rows).map(([k, v]) => `${k} ${v}`).join(", ")}\n`);
  });

program
  .command("run")
  .description("load, validate and analyse a folder of exports; write the output folder")
  .requiredOption("--input <dir>", "folder of input files (csv, xlsx)")
  .requiredOption("--out <dir>", "output folder")
  .option("--policy <file>", "policy JSON (defaults from the programme documents)")
  .option("--db <file>", "DuckDB warehouse file (default: <out>/guopei.duckdb)")
  .action(async (o: { input: string; out: string; policy?: string; db?: string }) => {
    const result = await run(o);
    process.exitCode = result.exitCode;
  });

program
  .command("site")
  .description("build the static site (dashboards and annual report) from a results folder, offline")
  .requiredOption("--results <dir>", "output folder of `guopei run`")
  .requiredOption("--dist <dir>", "folder for the built site")
  .option("--restricted", "include teacher-level early warnings (never publish this build)", false)
  .action(async (o: { results: string; dist: string; restricted: boolean }) => {
    await buildSite(o);
  });

program
  .command("extract")
  .description("anonymised extracts for researchers (Parquet and CSV, k-anonymous trainee records, data dictionary)")
  .requiredOption("--results <dir>", "output folder of `guopei run`")
  .requiredOption("--out <dir>", "folder for the extract")
  .action(async (o: { results: string; out: string }) => {
    await extract(o);
  });

program
  .command("report")
  .description("the annual quality report as PDF and Word, and a PDF feedback report per institution (needs Chromium, Chrome or Edge)")
  .requiredOption("--results <dir>", "output folder of `guopei run`")
  .requiredOption("--out <dir>", "folder for the reports")
  .option("--year <year>", "report year (default: the latest year whose projects have all ended)", integer)
  .action(async (o: { results: string; out: string; year?: number }) => {
    await report(o);
  });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof PolicyError) {
    process.stderr.write(`错误 error: ${e.message}\n`);
    process.exitCode = EXIT.badPolicy;
  } else if (e instanceof NoRowsError) {
    process.stderr.write(`错误 error: ${e.message}\n`);
    process.exitCode = EXIT.noRows;
  } else if (e instanceof PathError || e instanceof OutputError || e instanceof NoBrowserError) {
    process.stderr.write(`错误 error: ${e.message}\n`);
    process.exitCode = EXIT.failed;
  } else {
    const err = e as NodeJS.ErrnoException;
    process.stderr.write(`错误 error: ${err.code === "ENOENT" ? `no such file or folder: ${err.path}` : err.message}\n`);
    if (process.env.GUOPEI_DEBUG) process.stderr.write(`${err.stack}\n`);
    process.exitCode = EXIT.failed;
  }
}
