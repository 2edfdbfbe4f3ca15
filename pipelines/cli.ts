// The `guopei` command (each command's heavier modules, exceljs, playwright-core, Framework, loaded by
// its action alone: 0.6 s at every start of `guopei run` otherwise). Logs go to stderr; failures exit non-zero with a message a user can act on.
import { Command, InvalidArgumentError } from "commander";
import { PolicyError } from "./lib/policy.ts";
import { PathError } from "./lib/paths.ts";
import { OutputError } from "./lib/outdir.ts";
import { EXIT, NoRowsError, run } from "./run.ts";
import { DEFAULT_PAGE_BUDGET_KB } from "./site/budget.ts";
import { NoBrowserError } from "./lib/browser.ts";

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
    const { generateDemo } = await import("../data/generator/demo.ts");
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
  .option("--full", "type every file again (by default a file unchanged since the previous run, same bytes and same checks, is copied from the previous warehouse)", false)
  .action(async (o: { input: string; out: string; policy?: string; db?: string; full: boolean }) => {
    const result = await run(o);
    process.exitCode = result.exitCode;
  });

program
  .command("site")
  .description("build the static site (dashboards and annual report) from a results folder, offline")
  .requiredOption("--results <dir>", "output folder of `guopei run`")
  .requiredOption("--dist <dir>", "folder for the built site")
  .option("--restricted", "include teacher-level early warnings (never publish this build)", false)
  .option("--page-budget-kb <kB>", "most data a page may open; a heavier page fails the build (0: no limit)", String(DEFAULT_PAGE_BUDGET_KB))
  .action(async (o: { results: string; dist: string; restricted: boolean; pageBudgetKb: string }) => {
    const pageBudgetKb = Number(o.pageBudgetKb);
    if (!Number.isFinite(pageBudgetKb) || pageBudgetKb < 0) throw new Error(`--page-budget-kb must be a number of kB ≥ 0, not "${o.pageBudgetKb}"`);
    const { buildSite } = await import("./site/build.ts");
    await buildSite({ ...o, pageBudgetKb });
  });

program
  .command("preview")
  .description("serve the site on a results folder while you edit dashboards/ (Framework preview, offline)")
  .requiredOption("--results <dir>", "output folder of `guopei run`")
  .option("--port <n>", "port", "3000")
  .option("--restricted", "include teacher-level early warnings", false)
  .action(async (o: { results: string; port: string; restricted: boolean }) => {
    const { preview } = await import("./site/preview.ts");
    const p = await preview({ results: o.results, port: Number(o.port), restricted: o.restricted });
    const stop = () => void p.stop().then(() => process.exit(0));
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });

program
  .command("extract")
  .description("anonymised extracts for researchers (Parquet and CSV, k-anonymous trainee records, data dictionary)")
  .requiredOption("--results <dir>", "output folder of `guopei run`")
  .requiredOption("--out <dir>", "folder for the extract")
  .action(async (o: { results: string; out: string }) => {
    const { extract } = await import("./extract/extract.ts");
    await extract(o);
  });

program
  .command("report")
  .description("the annual quality report as PDF and Word, and a PDF feedback report per institution (needs Chromium, Chrome or Edge)")
  .requiredOption("--results <dir>", "output folder of `guopei run`")
  .requiredOption("--out <dir>", "folder for the reports")
  .option("--year <year>", "report year (default: the latest year whose projects have all ended)", integer)
  .action(async (o: { results: string; out: string; year?: number }) => {
    const { report } = await import("./report/report.ts");
    await report(o);
  });

program
  .command("export")
  .description("the warehouse as hive-partitioned Parquet (year=/province=), for per-province work on other machines or engines; internal, not for publication")
  .requiredOption("--results <dir>", "output folder of `guopei run`")
  .requiredOption("--out <dir>", "folder for the partitions")
  .action(async (o: { results: string; out: string }) => {
    const { exportParts } = await import("./scale/rollup.ts");
    await exportParts(o.results, o.out);
  });

program
  .command("stats")
  .description("one province's sufficient statistics (counts, sums, sums of squares) from its partitions of an export; 省级汇总统计")
  .requiredOption("--parts <dir>", "folder written by `guopei export` (only this province's partitions are read)")
  .requiredOption("--province <name>", "the province, as named in the institutions file")
  .requiredOption("--out <dir>", "folder for the statistics")
  .action(async (o: { parts: string; province: string; out: string }) => {
    const { provinceStats } = await import("./scale/rollup.ts");
    await provinceStats(o.parts, o.province, o.out);
  });

program
  .command("rollup")
  .description("national item statistics and project ICC from every province's statistics; 全国汇总")
  .requiredOption("--stats <dirs...>", "folders written by `guopei stats`, one per province")
  .requiredOption("--out <dir>", "folder for the national figures (item_stats.csv, project_icc.csv)")
  .action(async (o: { stats: string[]; out: string }) => {
    const { rollup } = await import("./scale/rollup.ts");
    await rollup(o.stats, o.out);
  });

program
  .command("check")
  .description("validate a folder of exports without analysing them (fast: run it before sending files); 只校验不分析")
  .requiredOption("--input <dir>", "folder of input files (csv, xlsx)")
  .option("--out <dir>", "folder for rejects.csv and check.json (nothing is written into --input)")
  .option("--policy <file>", "policy JSON (its sources and labels help read unusual exports)")
  .action(async (o: { input: string; out?: string; policy?: string }) => {
    const { check } = await import("./check.ts");
    process.exitCode = (await check(o)).exitCode;
  });

program
  .command("templates")
  .description("write an .xlsx template per input kind: Chinese headers, instructions, dropdowns; 生成填报模板")
  .requiredOption("--out <dir>", "folder for the templates")
  .action(async (o: { out: string }) => {
    const { templates } = await import("./templates.ts");
    await templates(o);
  });

program.addHelpText(
  "after",
  `
示例 Examples:
  guopei demo --out data/demo                         演示数据 a synthetic province
  guopei check --input 河南省2025                     只校验 validate exports before sending them
  guopei run --input 河南省2025 --out results         载入并分析 load and analyse
  guopei site --results results --dist site           网站 the static site (offline)
  guopei report --results results --out reports       年度报告 PDF/Word and feedback reports
  guopei templates --out 模板                         填报模板 xlsx templates for institutions

退出码 Exit codes:
  0  完成 done (rejected rows are normal and listed in rejects.csv)
  1  失败 failed: a wrong path, an empty input folder, an output folder guopei did not make, a step that failed
  2  有文件被拒收 some input file was refused (the rest was loaded; see the manifest or the check table)
  3  政策文件有误 the policy file is wrong
  4  没有载入任何行 no row was loaded (the previous results are kept)

Input files, outputs and the policy file: docs/input.md and docs/contract.md.`,
);

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
