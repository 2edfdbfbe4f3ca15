// The SQL of the per-province statistics and the national roll-up, as docs/scale.md shows it for a
// distributed engine (Spark SQL's `parquet.\`path\`` tables; `:min` a named parameter), generated
// from the statements guopei runs, so that the page cannot drift from the code.
import { PARTIAL_STATS, ROLLUP } from "./rollup.ts";

export const SCALE_SQL_BEGIN = "<!-- generated from pipelines/scale/rollup.ts by `npm run docs`: do not edit -->";
export const SCALE_SQL_END = "<!-- end of generated SQL -->";

const tidy = (sql: string) => sql.replace(/^\n+/, "").replace(/^ {4}/gm, "").trimEnd();

export function scaleSql(): string {
  const partsRoot = "/data/guopei/parts";
  const statsRoot = "/data/guopei/stats";
  const province = (table: string) => `(SELECT * FROM parquet.\`${partsRoot}/${table}\` WHERE province = 'x_e8b1abe58d97e79c81')`;
  const stat = (name: string) => `parquet.\`${statsRoot}/*/${name}.parquet\``;
  const out = [SCALE_SQL_BEGIN, "", "One province's statistics (`guopei stats`; the province's slug in the filter):", ""];
  for (const [name, sql] of Object.entries(PARTIAL_STATS)) out.push(`\`${name}\`:`, "", "```sql", tidy(sql(province)), "```", "");
  out.push("The national figures from every province's statistics (`guopei rollup`):", "");
  for (const [name, sql] of Object.entries(ROLLUP)) out.push(`\`${name}\`:`, "", "```sql", tidy(sql(stat).replace(/\$min\b/g, ":min")), "```", "");
  out.push(SCALE_SQL_END);
  return out.join("\n");
}

/** docs/scale.md with its generated block replaced by the SQL of today's code. */
export function withScaleSql(doc: string): string {
  const a = doc.indexOf(SCALE_SQL_BEGIN);
  const b = doc.indexOf(SCALE_SQL_END);
  if (a < 0 || b < a) throw new Error("docs/scale.md has lost its generated block's markers");
  return `${doc.slice(0, a)}${scaleSql()}${doc.slice(b + SCALE_SQL_END.length)}`;
}
