// The one rule for CSV cells people open in a spreadsheet: text starting with = + - @, tab or CR is
// defused with an apostrophe (numbers stay numbers). In JavaScript it is guardCell in lib/shared/csv.ts (also
// shipped to the browser for downloads); guardSql is the same rule in SQL, which copyCsv
// (publish/copy.ts) applies to every text column of every CSV the pipeline writes.
export { csvLine, csvText, guardCell } from "./shared/csv.ts";

/** SQL for one text cell with spreadsheet formulas defused (the same rule as `guardCell`). */
export function guardSql(expr: string): string {
  return `CASE WHEN regexp_matches(${expr}, '^[=+\\-@\\t\\r]') AND NOT regexp_matches(${expr}, '^-?[0-9]+(\\.[0-9]+)?$') THEN '''' || ${expr} ELSE ${expr} END`;
}
