// The contract's output files, gathered from the entities (publish/entities/): same columns every
// run, one row per entity and year, text cells defused against spreadsheet formulas (by copyCsv).
import path from "node:path";
import type { Db } from "../lib/db.ts";
import type { Policy } from "../lib/policy.ts";
import { copyCsv } from "./copy.ts";
import { csvParams, type Entity } from "./entity.ts";
import { ENTITIES } from "./entities/index.ts";

/** The files of all entities in one map; a file two entities claim is an error, not an overwrite. */
export function collectOutputs(entities: Record<string, Entity>, part: "csv" | "restrictedCsv", taken = new Map<string, string>()): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, entity] of Object.entries(entities))
    for (const [file, sql] of Object.entries(entity[part] ?? {})) {
      if (taken.has(file)) throw new Error(`${file} is published by both the ${taken.get(file)} and the ${name} entity (publish/entities/)`);
      taken.set(file, name);
      out[file] = sql;
    }
  return out;
}

const taken = new Map<string, string>();
/** Public outputs: file name → SELECT. */
export const OUTPUTS = collectOutputs(ENTITIES, "csv", taken);
/** Teacher-level outputs: for county officers and institutions, never for the public site. */
export const RESTRICTED_OUTPUTS = collectOutputs(ENTITIES, "restrictedCsv", taken);

export async function publishOutputs(db: Db, dir: string, policy: Policy): Promise<string[]> {
  const written: string[] = [];
  for (const [file, sql] of Object.entries({ ...OUTPUTS, ...RESTRICTED_OUTPUTS })) {
    await copyCsv(db, sql, path.join(dir, file), csvParams(sql, policy));
    written.push(file);
  }
  return written;
}
