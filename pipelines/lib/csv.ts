// CSV output for people: UTF-8 with BOM (Excel opens it without garbling), RFC 4180 quoting,
// and cells that a spreadsheet would run as a formula are defused with a leading apostrophe.
import { createWriteStream } from "node:fs";
import { rename } from "node:fs/promises";
import { finished } from "node:stream/promises";

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let s = typeof value === "number" ? (Number.isFinite(value) ? String(value) : "") : String(value);
  // A number like -3 is data, not a formula; only text is defused.
  if (typeof value === "string" && FORMULA_START.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function csvLine(values: unknown[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}

/** Write rows to `file` atomically (temp file, then rename). */
export async function writeCsv(file: string, columns: string[], rows: Iterable<unknown[]>): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  const out = createWriteStream(tmp, { encoding: "utf8" });
  out.write("\uFEFF");
  out.write(csvLine(columns));
  for (const row of rows) {
    if (!out.write(csvLine(row))) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  out.end();
  await finished(out);
  await rename(tmp, file);
}

/** SQL for one text cell with spreadsheet formulas defused (the same rule as `csvCell`). */
export function guardSql(expr: string): string {
  return `CASE WHEN regexp_matches(${expr}, '^[=+\\-@\\t\\r]') AND NOT regexp_matches(${expr}, '^-?[0-9]+(\\.[0-9]+)?$') THEN '''' || ${expr} ELSE ${expr} END`;
}
