// CSV for people, shared by the pipeline and the site's download buttons: d3-dsv writes it
// (RFC 4180 quoting), and text a spreadsheet would run as a formula is defused with an apostrophe
// first (numbers stay numbers). The same rule in SQL is guardSql (lib/csv.ts).
import { csvFormatRows } from "d3-dsv";

const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER = /^-?\d+(\.\d+)?$/;

/** One cell as a spreadsheet should see it: empty for null, formulas defused. */
export function guardCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "bigint") return Number.isFinite(Number(value)) ? String(value) : "";
  const s = String(value);
  return typeof value === "string" && FORMULA_START.test(s) && !NUMBER.test(s) ? `'${s}` : s;
}

/** One row as a line of CSV (for writers that stream). */
export function csvLine(values: unknown[]): string {
  return `${csvFormatRows([values.map(guardCell)])}\n`;
}

/**
 * A whole CSV document, by default with a BOM so that Excel reads the Chinese text as UTF-8
 * (the pipeline's own outputs are written by DuckDB with the same cell rule, publish/copy.ts).
 */
export function csvText(columns: string[], rows: unknown[][], { bom = true } = {}): string {
  return `${bom ? "\uFEFF" : ""}${csvFormatRows([columns, ...rows].map((row) => row.map(guardCell)))}\n`;
}
