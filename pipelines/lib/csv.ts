// CSV output for people: UTF-8 with BOM (Excel opens it without garbling). The cell rule (quoting,
// formulas defused) lives with the site's components, which ship it to the browser too.
import { createWriteStream } from "node:fs";
import { rename } from "node:fs/promises";
import { finished } from "node:stream/promises";

import { csvCell, csvLine } from "../../dashboards/components/csv.ts";

export { csvCell, csvLine };

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
