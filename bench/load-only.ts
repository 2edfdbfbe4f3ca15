// Time the load step alone (no analysis, no publishing) on a folder: `node --import tsx bench/load-only.ts <input> <db>`.
// For A/B measurements of the ingest; prints seconds and peak RSS as JSON.
import { rm } from "node:fs/promises";
import { loadWarehouse } from "../pipelines/ingest/load.ts";
import { openDb } from "../pipelines/lib/db.ts";
import { setQuiet } from "../pipelines/lib/log.ts";
import { loadPolicy } from "../pipelines/lib/policy.ts";

const [input, file] = process.argv.slice(2) as [string, string];
setQuiet(true);
await rm(file, { force: true });
await rm(`${file}.work`, { recursive: true, force: true });
const db = await openDb(file);
const t0 = performance.now();
await loadWarehouse(db, input, `${file}.work`, await loadPolicy());
await db.run("CHECKPOINT");
const seconds = (performance.now() - t0) / 1000;
db.close();
await rm(`${file}.work`, { recursive: true, force: true });
process.stdout.write(JSON.stringify({ seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024 }) + "\n");
