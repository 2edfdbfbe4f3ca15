// Every CSV the pipeline writes from DuckDB goes through here: COPY (streaming, vectorised), every
// text cell defused against spreadsheet formulas, a BOM so that Excel reads UTF-8, then moved into
// place atomically.
import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import type { DuckDBValue } from "@duckdb/node-api";
import { guardSql } from "../lib/csv.ts";
import { ident, literal, type Db } from "../lib/db.ts";

/** The column copyCsv numbers a query's rows in (not written). */
const ROW = "__guopei_row";

export async function copyCsv(db: Db, selectSql: string, file: string, params?: Record<string, DuckDBValue>): Promise<void> {
  const columns = await db.all<{ column_name: string; column_type: string }>(`DESCRIBE (${selectSql})`, params);
  const guarded = columns.map(({ column_name: c, column_type: t }) => (t === "VARCHAR" ? `${guardSql(ident(c))} AS ${ident(c)}` : ident(c)));
  const raw = `${file}.raw-${process.pid}`;
  const tmp = `${file}.tmp-${process.pid}`;
  // In the query's order: DuckDB keeps a COPY's order only for an ORDER BY at its top level (with the
  // guard's regular expression over an ordered query, 300,000 rows came out in blocks in the order
  // the threads finished them). The rows are numbered as the query gives them, before the guard,
  // and the COPY is ordered by that number.
  const numbered = `SELECT *, row_number() OVER () AS ${ident(ROW)} FROM (${selectSql})`;
  await db.run(`COPY (SELECT ${guarded.join(", ")} FROM (${numbered}) ORDER BY ${ident(ROW)}) TO ${literal(raw)} (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"')`, params);
  const out = createWriteStream(tmp);
  out.write("\uFEFF");
  await pipeline(createReadStream(raw), out);
  await rm(raw, { force: true });
  await rename(tmp, file);
}
