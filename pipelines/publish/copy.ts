// Every CSV the pipeline writes from DuckDB goes through here: COPY (streaming, vectorised), every
// text cell defused against spreadsheet formulas, a BOM so that Excel reads UTF-8, then moved into
// place atomically.
import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import type { DuckDBValue } from "@duckdb/node-api";
import { guardSql } from "../lib/csv.ts";
import { ident, literal, type Db } from "../lib/db.ts";

export async function copyCsv(db: Db, selectSql: string, file: string, params?: Record<string, DuckDBValue>): Promise<void> {
  const columns = await db.all<{ column_name: string; column_type: string }>(`DESCRIBE (${selectSql})`, params);
  const guarded = columns.map(({ column_name: c, column_type: t }) => (t === "VARCHAR" ? `${guardSql(ident(c))} AS ${ident(c)}` : ident(c)));
  const raw = `${file}.raw-${process.pid}`;
  const tmp = `${file}.tmp-${process.pid}`;
  await db.run(`COPY (SELECT ${guarded.join(", ")} FROM (${selectSql})) TO ${literal(raw)} (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"')`, params);
  const out = createWriteStream(tmp);
  out.write("\uFEFF");
  await pipeline(createReadStream(raw), out);
  await rm(raw, { force: true });
  await rename(tmp, file);
}
