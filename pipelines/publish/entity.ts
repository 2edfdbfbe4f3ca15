// What the pipeline publishes about one entity (projects, institutions, counties …), in one file
// under publish/entities/: its CSV outputs (each one SELECT over the analytic tables) and the page
// data the site draws it from. outputs.ts writes the CSVs of every entity; site-data.ts the pages'.
import type { DuckDBValue } from "@duckdb/node-api";
import type { Db } from "../lib/db.ts";
import type { Policy } from "../lib/policy.ts";

export interface SiteContext {
  db: Db;
  policy: Policy;
  /** The restricted build (county offices): teacher-level data allowed. */
  restricted: boolean;
  /** The run's analysis summary (manifest.json). */
  analysis: unknown;
  /** The run's input files as the manifest lists them. */
  inputs: Record<string, unknown>[];
  /** Rows an entity hands to the reports without publishing them as one file (name → rows). */
  forReports: Record<string, Record<string, unknown>[]>;
}

export interface Entity {
  /** Public CSV outputs: file name → SELECT (its $parameters from the policy, `csvParams`). */
  csv?: Record<string, string>;
  /** Teacher-level or small-group outputs: for county offices and institutions, never the public site. */
  restrictedCsv?: Record<string, string>;
  /** Page data files: name → JSON value or CSV text. */
  site?: (ctx: SiteContext) => Promise<Record<string, unknown>>;
}

// Rounded for publication in two steps: first to 9 places, where two runs of the same data agree
// (sums computed in parallel differ in the last bits), so that a value exactly on a half (79.875)
// does not round up in one run and down in the next.
export const r = (col: string, digits = 2) => `round(round(${col}, 9), ${digits}) AS ${col.split(".").pop()}`;

/** DuckDB rows as plain JSON values (BIGINT counts become numbers). */
export const plain = <T = Record<string, unknown>>(rows: Record<string, unknown>[]): T[] =>
  rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v]))) as T[];

/** The policy figures an output's SELECT may name, bound when it names them. */
export function csvParams(sql: string, policy: Policy): Record<string, DuckDBValue> | undefined {
  const all: Record<string, DuckDBValue> = { policy_version: policy.version, min_group: policy.min_group_public, likert_min: policy.likert.min, likert_max: policy.likert.max };
  const used = Object.entries(all).filter(([k]) => new RegExp(`\\$${k}\\b`).test(sql));
  return used.length ? Object.fromEntries(used) : undefined;
}

/** One output's rows, its parameters bound from the policy. */
export async function select<T = Record<string, unknown>>(db: Db, sql: string, policy: Policy): Promise<T[]> {
  return plain<T>(await db.all(sql, csvParams(sql, policy)));
}
