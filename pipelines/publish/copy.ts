// Every CSV the pipeline writes from DuckDB goes through here: COPY (streaming, vectorised), every
// text cell defused against spreadsheet formulas, a BOM so that Excel reads UTF-8, then moved into
// place atomically.
import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import type { DuckDBValue } from "@duckdb/node-api";
import { guardSql } from "../lib/csv.ts";
import { ident, literal, type Db } from "../lib/db.ts";
import { sha256File } from "../lib/hash.ts";

/** The column copyCsv numbers a query's rows in (not written). */
const ROW = "__guopei_row";
const BOM = "\uFEFF";
/** A header name DuckDB writes as it is, unquoted (no delimiter, quote or line break in it). */
const UNQUOTED = /^[^,"\r\n]+$/;

/** Writes a query's rows to `file` as CSV; returns the file's sha256. */
export async function copyCsv(db: Db, selectSql: string, file: string, params?: Record<string, DuckDBValue>): Promise<string> {
  const columns = await db.all<{ column_name: string; column_type: string }>(`DESCRIBE (${selectSql})`, params);
  // The BOM is written by DuckDB as the first character of the header, the first column named with
  // it: the file in one pass, not written and then copied behind a BOM (0.1 s of the national
  // project tiers). A first name DuckDB would quote (the BOM would follow the quote) takes the copy.
  const bomInHeader = UNQUOTED.test(columns[0]?.column_name ?? "");
  const guarded = columns.map(({ column_name: c, column_type: t }, i) => `${t === "VARCHAR" ? guardSql(ident(c)) : ident(c)} AS ${ident(i === 0 && bomInHeader ? BOM + c : c)}`);
  const raw = `${file}.raw-${process.pid}`;
  const tmp = `${file}.tmp-${process.pid}`;
  // In the query's order: DuckDB keeps a COPY's order only for an ORDER BY at its top level (with the
  // guard's regular expression over an ordered query, 300,000 rows came out in blocks in the order
  // the threads finished them). The rows are numbered as the query gives them, before the guard,
  // and the COPY is ordered by that number.
  const numbered = `SELECT *, row_number() OVER () AS ${ident(ROW)} FROM (${selectSql})`;
  await db.run(`COPY (SELECT ${guarded.join(", ")} FROM (${numbered}) ORDER BY ${ident(ROW)}) TO ${literal(bomInHeader ? tmp : raw)} (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '"')`, params);
  if (!bomInHeader) {
    const out = createWriteStream(tmp);
    out.write(BOM);
    await pipeline(createReadStream(raw), out);
    await rm(raw, { force: true });
  }
  const sha256 = await sha256File(tmp);
  await rename(tmp, file);
  return sha256;
}
