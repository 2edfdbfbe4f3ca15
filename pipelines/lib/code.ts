// The code a warehouse was built by, as one fingerprint: what incremental runs compare (models/memo.ts,
// ingest/load.ts) before they take anything from the previous warehouse.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { version as duckdbVersion } from "@duckdb/node-api";

const PIPELINES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PACKAGE = path.resolve(PIPELINES, "..", "package.json");

let codeFingerprint: string | undefined;

/** sha256 of every .ts and .sql file under pipelines/ (path and bytes, in path order), the package's version and DuckDB's. */
export function pipelineCode(): string {
  if (codeFingerprint) return codeFingerprint;
  const hash = createHash("sha256");
  const files = (readdirSync(PIPELINES, { recursive: true, encoding: "utf8" }) as string[]).filter((f) => /\.(ts|sql)$/.test(f)).sort();
  for (const f of files) hash.update(`${f}\0`).update(readFileSync(path.join(PIPELINES, f))).update("\0");
  hash.update((JSON.parse(readFileSync(PACKAGE, "utf8")) as { version: string }).version).update("\0").update(duckdbVersion());
  codeFingerprint = hash.digest("hex");
  return codeFingerprint;
}

