// Large CSV outputs are written by DuckDB's COPY (streaming, vectorised), then given the BOM
// that makes Excel read UTF-8, and moved into place atomically.
import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import type { DuckDBValue } from "@duckdb/node-api";
import { literal, type Db } from "../lib/db.ts";

export async function copyCsv(db: Db, selectSql: string, file: string, params?: Record<string, DuckDBValue>): Promise<void> {
  const raw = `${file}.raw-${process.pid}`;
  const tmp = `${file}.tmp-${process.pid}`;
  await db.run(`COPY (${selectSql}) TO ${literal(raw)} (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"')`, params);
  const out = createWriteStream(tmp);
  out.write("\uFEFF");
  await pipeline(createReadStream(raw), out);
  await rm(raw, { force: true });
  await rename(tmp, file);
}
