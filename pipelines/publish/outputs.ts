// The contract's output files, gathered from the entities (publish/entities/): same columns every
// run, one row per entity and year, text cells defused against spreadsheet formulas (by copyCsv).
import path from "node:path";
import type { Db } from "../lib/db.ts";
import { takeVerified } from "../lib/hash.ts";
import type { Previous } from "../lib/previous.ts";
import { MEMO_TABLE, modelFingerprint, TABLE_PRINTS, tableFingerprint } from "../models/memo.ts";
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

/** The table where a warehouse records the print and sha256 of each output its run wrote. */
export const OUTPUT_PRINTS = "_output_prints";

/** An output as the previous run wrote it: what its rows were a function of, and the file's sha256. */
export interface Published {
  print: string;
  sha256: string;
}

/** What the previous warehouse records of the outputs its run wrote (none before this table). */
export async function publishedBefore(db: Db, previous: Previous): Promise<Map<string, Published>> {
  if (!previous.has(OUTPUT_PRINTS)) return new Map();
  const rows = await db.all<{ file: string; print: string; sha256: string }>(`SELECT file, print, sha256 FROM ${previous.ref(OUTPUT_PRINTS)}`);
  return new Map(rows.map((r) => [r.file, { print: r.print, sha256: r.sha256 }]));
}

/**
 * Every output written into `dir`, or taken from the previous results folder `before.folder` where
 * its rows are what they were: where its print (outputPrint: equal prints, equal rows) is the one
 * the previous run recorded. A file taken is the previous file linked and checked against the sha256
 * that run wrote (a file changed since is written again). Nationally a month's attendance leaves
 * the training hours as they were: their 21 MB by teacher took 0.6 s to write again.
 */
export async function publishOutputs(db: Db, dir: string, policy: Policy, before?: { folder: string; published: Map<string, Published> }): Promise<{ written: string[]; taken: string[] }> {
  const written: string[] = [];
  const taken: string[] = [];
  const prints = await relationPrints(db);
  await db.run(`CREATE OR REPLACE TABLE ${OUTPUT_PRINTS} (file VARCHAR, print VARCHAR, sha256 VARCHAR)`);
  for (const [file, sql] of Object.entries({ ...OUTPUTS, ...RESTRICTED_OUTPUTS })) {
    const params = csvParams(sql, policy);
    const print = await outputPrint(db, file, sql, params, policy, prints);
    const was = before?.published.get(file);
    let sha256: string;
    if (before && was && was.print === print && (await takeVerified(path.join(before.folder, file), path.join(dir, file), was))) {
      sha256 = was.sha256;
      taken.push(file);
    } else sha256 = await copyCsv(db, sql, path.join(dir, file), params);
    await db.run(`INSERT INTO ${OUTPUT_PRINTS} VALUES ($file, $print, $sha256)`, { file, print, sha256 });
    written.push(file);
  }
  return { written, taken };
}

/** Every relation of the warehouse, with its fingerprint where the models left one (a model's, a loaded table's), else null. */
async function relationPrints(db: Db): Promise<Map<string, string | null>> {
  const rows = await db.all<{ name: string; print: string | null }>(
    `WITH relations AS (
       SELECT table_name AS name FROM duckdb_tables() WHERE database_name = current_database()
       UNION SELECT view_name FROM duckdb_views() WHERE database_name = current_database() AND NOT internal),
     prints AS (SELECT model AS name, fingerprint AS print FROM ${MEMO_TABLE} UNION ALL SELECT "table", print FROM ${TABLE_PRINTS})
     SELECT name, min(print) AS print FROM relations LEFT JOIN prints USING (name) GROUP BY name`,
  );
  return new Map(rows.map((r) => [r.name, r.print]));
}

/**
 * What an output's rows are a function of, printed as a model's are (memo.ts): its SELECT and
 * parameters, and every relation its SELECT names (a word of it that names one counts as read; a
 * column of the same name only adds an input). A loaded table no model read is printed here as the
 * models' inputs are (the institutions' names beside their rankings).
 */
async function outputPrint(db: Db, file: string, sql: string, params: unknown, policy: Policy, prints: Map<string, string | null>): Promise<string> {
  const printOf = async (name: string): Promise<string> => {
    let print = prints.get(name);
    if (print == null) prints.set(name, (print = await tableFingerprint(db, name, printOf)));
    return print;
  };
  const inputs: [string, string][] = [];
  for (const word of [...new Set(sql.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [])].sort()) if (prints.has(word)) inputs.push([word, await printOf(word)]);
  return modelFingerprint(file, policy, { sql, params: params ?? null }, inputs);
}
