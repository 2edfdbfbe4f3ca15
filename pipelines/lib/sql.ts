// The one loader of SQL files: pipelines/<dir>/sql/<name>.sql, values bound by `$name`.
// A file may hold several statements, each ending with `;` at the end of a line: a large query
// is staged through tables so that DuckDB plans each stage with exact row counts.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { DuckDBValue } from "@duckdb/node-api";
import type { Db } from "./db.ts";

const PIPELINES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cache = new Map<string, string>();

export function sqlFile(dir: string, name: string): string {
  const file = path.join(PIPELINES, dir, "sql", `${name}.sql`);
  let text = cache.get(file);
  if (text === undefined) {
    text = readFileSync(file, "utf8");
    cache.set(file, text);
  }
  return text;
}

/** The statements of a SQL text: split where a line ends with `;`, comment-only pieces dropped. */
export function statements(text: string): string[] {
  return text
    .split(/;[ \t]*(?:\r?\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.split("\n").some((l) => l.trim() && !l.trim().startsWith("--")));
}

/** Run every statement of pipelines/<dir>/sql/<name>.sql in order, each with the parameters it names. */
export async function runSqlFile(db: Db, dir: string, name: string, params: Record<string, DuckDBValue> = {}): Promise<void> {
  for (const sql of statements(sqlFile(dir, name))) {
    const used = Object.fromEntries(Object.entries(params).filter(([k]) => new RegExp(`\\$${k}\\b`).test(sql)));
    await db.run(sql, Object.keys(used).length ? used : undefined);
  }
}
