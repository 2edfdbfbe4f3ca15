// One measured job in its own process, so peak memory (maxRSS) is that job's alone.
// Usage: child.ts ours <input> <out> | child.ts floor <input> <dbfile> | child.ts load <input> <dbfile>
// (`load`: the load step alone into a new warehouse, for A/B measurements of the ingest; with
// GUOPEI_TRACE_SQL=1 every statement's time, and why a native read stopped.)
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import { openDb, literal } from "../pipelines/lib/db.ts";
import { setQuiet } from "../pipelines/lib/log.ts";
import { run } from "../pipelines/run.ts";
import { loadWarehouse } from "../pipelines/ingest/load.ts";
import { loadPolicy } from "../pipelines/lib/policy.ts";

const [mode, input, target] = process.argv.slice(2) as [string, string, string];
setQuiet(true);
const t0 = performance.now();
if (mode === "ours") {
  await run({ input, out: target });
} else if (mode === "load") {
  await rm(target, { force: true });
  const db = await openDb(target);
  await loadWarehouse(db, input, `${target}.work`, await loadPolicy());
  await db.run("CHECKPOINT");
  db.close();
  await rm(`${target}.work`, { recursive: true, force: true });
} else {
  // The floor: DuckDB's own read_csv of every UTF-8 CSV into a table, types auto-detected,
  // bad rows skipped (ignore_errors): what loading costs with no checking and no account.
  await rm(target, { force: true });
  const db = await openDb(target);
  const files = (await readdir(input)).filter((f) => f.endsWith(".csv") && !f.startsWith("_") && !f.includes("gbk"));
  for (const [i, f] of files.entries()) {
    await db.run(`CREATE TABLE t${i} AS SELECT * FROM read_csv(${literal(path.join(input, f))}, ignore_errors = true)`);
  }
  await db.run("CHECKPOINT");
  db.close();
}
const seconds = (performance.now() - t0) / 1000;
process.stdout.write(JSON.stringify({ seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024 }) + "\n");
