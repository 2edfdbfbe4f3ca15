// CSV cells for people, shared by the pipeline's outputs and the site's download buttons:
// RFC 4180 quoting, and text a spreadsheet would run as a formula defused with an apostrophe.
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let s = typeof value === "number" ? (Number.isFinite(value) ? String(value) : "") : String(value);
  if (typeof value === "string" && FORMULA_START.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function csvLine(values: unknown[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}

/**
 * A whole CSV document, by default with a BOM so that Excel reads the Chinese text as UTF-8
 * (the pipeline's own outputs are written by DuckDB with the same cell rule, publish/copy.ts).
 */
export function csvText(columns: string[], rows: unknown[][], { bom = true } = {}): string {
  return (bom ? "\uFEFF" : "") + csvLine(columns) + rows.map(csvLine).join("");
}
