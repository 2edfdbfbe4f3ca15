// `guopei run`: load every input file into a new DuckDB warehouse, check the row account,
// publish rejects and the manifest, and only then swap the new warehouse in.
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { version as duckdbVersion } from "@duckdb/node-api";
import { AccountError, loadWarehouse, type LoadResult } from "./ingest/load.ts";
import { guardSql } from "./lib/csv.ts";
import { buildThenSwap, removeStale, type Db } from "./lib/db.ts";
import { info } from "./lib/log.ts";
import { loadPolicy, type Policy } from "./lib/policy.ts";
import { copyCsv } from "./publish/copy.ts";
import { writeManifest } from "./publish/manifest.ts";
import { publishOutputs } from "./publish/outputs.ts";
import { analyse } from "./analytics/analyse.ts";

export interface RunOptions {
  input: string;
  out: string;
  policy?: string;
  db?: string;
}

export interface RunResult {
  exitCode: number;
  load: LoadResult;
  dbFile: string;
  policy: Policy;
}

/** Exit codes: 0 done (rejected rows are normal), 2 some input file was refused. */
export const EXIT = { ok: 0, failed: 1, fileRefused: 2, badPolicy: 3 } as const;

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
  const dbFile = path.resolve(opts.db ?? path.join(out, "guopei.duckdb"));
  await mkdir(out, { recursive: true });
  await removeStale(out, ".staging-");
  const staging = path.join(out, `.staging-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  const steps: Record<string, number> = {};
  const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const r = await f();
    steps[name] = Math.round(performance.now() - t0) / 1000;
    return r;
  };

  try {
    const { load, rejectsByReason, analysis, outputs } = await buildThenSwap(dbFile, async (db: Db, buildFile) => {
      const load = await timed("load", () => loadWarehouse(db, input, `${buildFile}.work`, policy));
      await rm(`${buildFile}.work`, { recursive: true, force: true });
      checkAccount(load);
      await timed("publish_rejects", () =>
        copyCsv(
          db,
          `SELECT ${guardSql("file")} AS file, line, ${guardSql('"column"')} AS "column", reason, ${guardSql("value")} AS value
           FROM rejects ORDER BY file, line, "column"`,
          path.join(staging, "rejects.csv"),
        ),
      );
      const analysis = await timed("analyse", () => analyse(db, policy));
      const outputs = await timed("publish", () => publishOutputs(db, staging, policy));
      const rows = await db.all<{ reason: string; c: bigint }>(`SELECT reason, count(*) AS c FROM rejects GROUP BY ALL ORDER BY c DESC`);
      const rejectsByReason = Object.fromEntries(rows.map((r) => [r.reason, Number(r.c)]));
      return { load, rejectsByReason, analysis, outputs };
    });
    const refused = load.outcomes.filter((o) => o.status === "refused");
    const exitCode = refused.length ? EXIT.fileRefused : EXIT.ok;
    for (const file of ["rejects.csv", ...outputs]) await rename(path.join(staging, file), path.join(out, file));
    await writeManifest(path.join(out, "manifest.json"), {
      startedAt,
      input,
      policy,
      policyFile: opts.policy ? path.resolve(opts.policy) : null,
      load,
      duckdb: duckdbVersion(),
      rejectsByReason,
      analysis,
      outputs: ["rejects.csv", ...outputs],
      exitCode,
      steps,
    });
    const loadedRows = load.parts.reduce((a, p) => a + p.rows_loaded, 0);
    const rejectedRows = load.parts.reduce((a, p) => a + p.rows_rejected, 0);
    info(`完成 done: ${loadedRows} rows loaded, ${rejectedRows} rejected (rejects.csv), ${refused.length} file(s) refused → ${out}`);
    for (const o of refused) info(`  拒收 refused: ${o.file.path} — ${o.message}`);
    return { exitCode, load, dbFile, policy };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
