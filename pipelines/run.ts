// `guopei run`: load every input file into a new DuckDB warehouse, check the row account,
// publish rejects and the manifest, and only then swap the new warehouse in.
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { version as duckdbVersion } from "@duckdb/node-api";
import { AccountError, firstPass, loadWarehouse, scansIn, unchangedTables, type LoadResult } from "./ingest/load.ts";
import { crashPoint } from "./lib/crash.ts";
import { buildThenSwap, isWarehouse, literal, type Db } from "./lib/db.ts";
import { checkApart, OutputError, replaceDir } from "./lib/outdir.ts";
import { info } from "./lib/log.ts";
import { loadPolicy, type Policy } from "./lib/policy.ts";
import { retire, seedFrom, type PreviousWarehouse } from "./lib/previous.ts";
import { Keeper, KEPT_FOLDER } from "./ingest/kept.ts";
import { keepPrepared } from "./ingest/prepare.ts";
import { copyCsv } from "./publish/copy.ts";
import { pkgVersion, writeManifest } from "./publish/manifest.ts";
import { publishedBefore, publishOutputs, type Published } from "./publish/outputs.ts";
import { analyse } from "./models/analyse.ts";

export interface RunOptions {
  input: string;
  out: string;
  policy?: string;
  db?: string;
  /** Type every file again instead of taking unchanged ones from the previous warehouse. */
  full?: boolean;
}

export interface RunResult {
  exitCode: number;
  load: LoadResult;
  dbFile: string;
  policy: Policy;
}

/** Exit codes: 0 done (rejected rows are normal), 2 some input file was refused, 4 nothing loaded. */
export const EXIT = { ok: 0, failed: 1, fileRefused: 2, badPolicy: 3, noRows: 4 } as const;

/** A run that loaded no row at all: the previous results are kept. */
export class NoRowsError extends Error {}

function checkAccount(load: LoadResult): void {
  const broken = load.parts.filter((p) => p.rows_read !== p.rows_loaded + p.rows_rejected);
  if (broken.length) {
    throw new AccountError(
      `row account does not balance (read ≠ loaded + rejected) for: ${broken.map((p) => `${p.label} ${p.rows_read} ≠ ${p.rows_loaded} + ${p.rows_rejected}`).join("; ")}`,
    );
  }
}

export async function run(opts: RunOptions): Promise<RunResult> {
  const startedAt = new Date();
  const input = path.resolve(opts.input);
  const out = path.resolve(opts.out);
  const policy = await loadPolicy(opts.policy);
  if (!existsSync(input)) throw new OutputError(`--input ${input} does not exist`);
  checkApart(out, "--out", input, "--input");
  if (opts.db) {
    checkApart(opts.db, "--db", input, "--input");
    if (existsSync(opts.db) && !(await isWarehouse(path.resolve(opts.db)))) {
      throw new OutputError(`--db ${path.resolve(opts.db)} exists and is not a guopei warehouse: guopei will not overwrite it. Name a new file.`);
    }
  }
  const steps: Record<string, number> = {};
  const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const r = await f();
    steps[name] = Math.round(performance.now() - t0) / 1000;
    crashPoint(`run:${name}`);
    return r;
  };

  // Everything is built in a new folder beside --out and put in place by one commit at the end.
  return replaceDir(out, "results", "--out", async (work) => {
    const dbFile = opts.db ? path.resolve(opts.db) : path.join(work, "guopei.duckdb");
    // The previous warehouse (this folder's, or --db's): unchanged files and models are taken from
    // it, not built again. The new warehouse starts as its copy where it was closed cleanly
    // (lib/previous.ts); else it is attached.
    const before = opts.db ? path.resolve(opts.db) : path.join(out, "guopei.duckdb");
    const prior = !opts.full && existsSync(before) && (await isWarehouse(before)) ? before : undefined;
    const seed = prior ? (buildFile: string) => seedFrom(prior, buildFile) : undefined;
    // The load's first pass over the input reads no warehouse but the previous run's scans: it runs
    // while the previous warehouse is copied and opened (0.6 s of a national rerun), in its own
    // folder of this one, removed before anything is published. (Its failure is the load's.)
    const firstWork = path.join(work, ".first-pass");
    const firstStart = performance.now();
    // Workbooks and GB18030 files the same as in the previous run are not decoded again: what was
    // written from them is taken from the previous results folder (ingest/kept.ts), not with --full.
    const keeper = new Keeper(opts.full ? undefined : path.join(out, KEPT_FOLDER));
    // (Started, not awaited: the copy of the previous warehouse, below, starts while its scans are read.)
    const started = (async () => firstPass(input, firstWork, policy, prior ? await scansIn(prior) : undefined, keeper))();
    started.then(() => (steps.first_pass = Math.round(performance.now() - firstStart) / 1000)).catch(() => undefined);
    const built = buildThenSwap(dbFile, async (db: Db, buildFile, seeded) => {
      const reached: PreviousWarehouse = seeded ? "copied" : prior ? "attached" : null;
      const previous = seeded ? await retire(db) : prior;
      const load = await timed("load", () => loadWarehouse(db, input, `${buildFile}.work`, policy, { previous, firstPass: started }));
      await rm(`${buildFile}.work`, { recursive: true, force: true });
      await keepPrepared(load.outcomes, keeper, path.join(work, KEPT_FOLDER));
      await rm(firstWork, { recursive: true, force: true });
      const taken = load.parts.filter((p) => p.read === "reused").length;
      if (taken || load.scansTaken) info(`  沿用 taken from the previous run: the scans of ${load.scansTaken} of ${load.outcomes.length} files (the same on disk), ${load.preparedTaken ? `the CSVs written from ${load.preparedTaken} workbook(s) or GB18030 file(s), ` : ""}${taken} of ${load.parts.length} typed files, the checks across files of ${load.checksTaken.length} kind(s)${load.checksAppended.length ? ` (and of the earlier files of ${load.checksAppended.join(", ")})` : ""} (--full to build all again)`);
      checkAccount(load);
      const loadedRows = load.parts.reduce((a, p) => a + p.rows_loaded, 0);
      if (loadedRows === 0) {
        throw new NoRowsError(`no row was loaded from ${input} (${load.outcomes.length} file(s) seen): the previous results in ${out} are kept`);
      }
      await db.run(`CREATE TABLE guopei_meta AS SELECT 'guopei' AS tool, ${literal(pkgVersion)} AS version`);
      await timed("publish_rejects", () =>
        copyCsv(db, `SELECT file, line, "column", reason, value FROM rejects ORDER BY file, line, "column", reason, value`, path.join(work, "rejects.csv")),
      );
      const analysis = await timed("analyse", () => analyse(db, policy, previous, unchangedTables(load), load.appendedFiles));
      // The outputs the previous run wrote, for those whose rows are what they were (publish/outputs.ts).
      const published = typeof previous === "object" ? await publishedBefore(db, previous) : new Map<string, Published>();
      // What this run did not take from the previous warehouse goes (before anything is published from this one).
      if (typeof previous === "object") await previous.release(db);
      const outputs = await timed("publish", () => publishOutputs(db, work, policy, { folder: out, published }));
      const rows = await db.all<{ reason: string; c: bigint }>(`SELECT reason, count(*) AS c FROM rejects GROUP BY ALL ORDER BY c DESC, reason`);
      const rejectsByReason = Object.fromEntries(rows.map((r) => [r.reason, Number(r.c)]));
      return { load, rejectsByReason, analysis, outputs, reached };
    }, { seed });
    // (A run that fails before its load waits for the first pass all the same: nothing of it is left
    // writing in a folder being removed.)
    const { load, rejectsByReason, analysis, outputs, reached } = await built.finally(() => started.then(() => undefined, () => undefined));
    const refused = load.outcomes.filter((o) => o.status === "refused");
    const exitCode = refused.length ? EXIT.fileRefused : EXIT.ok;
    await writeManifest(path.join(work, "manifest.json"), {
      startedAt,
      input,
      policy,
      policyFile: opts.policy ? path.resolve(opts.policy) : null,
      load,
      duckdb: duckdbVersion(),
      rejectsByReason,
      analysis,
      outputs: ["rejects.csv", ...outputs.written],
      outputsTaken: outputs.taken,
      exitCode,
      steps,
      previous: reached,
    });
    crashPoint("run:manifest");
    const loadedRows = load.parts.reduce((a, p) => a + p.rows_loaded, 0);
    const rejectedRows = load.parts.reduce((a, p) => a + p.rows_rejected, 0);
    info(`完成 done: ${loadedRows} rows loaded, ${rejectedRows} rejected (rejects.csv), ${refused.length} file(s) refused → ${out}`);
    for (const o of refused) info(`  拒收 refused: ${o.file.path} — ${o.message}`);
    return { exitCode, load, dbFile: opts.db ? dbFile : path.join(out, "guopei.duckdb"), policy };
  });
}
