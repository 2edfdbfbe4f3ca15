// The one loader of SQL files: pipelines/<dir>/sql/<name>.sql, one statement each, values bound.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

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
