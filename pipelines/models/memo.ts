// Incremental analysis: a model whose inputs are what they were in the previous warehouse is copied
// from it, not built again. What a model's table is a function of, its fingerprint: the code of the
// whole pipeline (every .ts and .sql file under pipelines/, the package's and DuckDB's versions),
// the policy, the model's own parameters (a SQL model's, e.g. the early warning's as-of date), and
// the fingerprints of what it reads (its dependsOn): a model's, recursively; a loaded table's, the
// sum of the 64-bit hashes of its rows, each hashed with its rowid (so order counts), and its row
// count (a view: its rows alone; a kind's long answers, its kind's print and its own SQL; a kind
// with files appended since the previous run, that run's print plus the new files' rows'). Equal
// fingerprints, equal tables: the copy is what the build would write.
import { createHash } from "node:crypto";
import { SPECS } from "../ingest/contract.ts";
import { pipelineCode } from "../lib/code.ts";
import { ident, literal, type Db } from "../lib/db.ts";
import type { Previous } from "../lib/previous.ts";
import type { Policy } from "../lib/policy.ts";

/**
 * A loaded table's content: its row count and the sum of hash(rowid, row) over its rows, in one scan.
 * A view has no row ids and no order of its own (what reads it cannot rely on one): its rows are
 * hashed alone, the sum a fingerprint of the rows as a multiset.
 */
export async function tableFingerprint(db: Db, table: string, printOf?: (table: string) => Promise<string>): Promise<string> {
  const view = await viewSql(db, table);
  // The long form of a kind's answers (evaluation_answers: 40 M rows nationally, 1.0 s to hash) is a
  // view of its kind's table alone (ingest/load.ts): a function of that table's rows and of its own
  // SQL, so printed by them (`printOf`, the kind's print).
  const kind = Object.values(SPECS).find((k) => k.items?.answersTable === table)?.kind;
  if (view !== undefined && kind && printOf) return `answers of ${await printOf(kind)} by ${createHash("sha256").update(view).digest("hex")}`;
  return printText(await rowsPrint(db, table, view !== undefined));
}

/**
 * The fingerprint of a view of one table per file (a kind's table: ingest/load.ts) that holds the
 * rows it held in the previous run and those of `files` after them: the previous fingerprint's count
 * and sum plus those of the new files' rows, the same as tableFingerprint over every row (the sum of
 * the rows' hashes is a multiset's). Undefined when `before` or `table` is not a view's.
 */
export async function appendedFingerprint(db: Db, table: string, before: string, files: readonly string[]): Promise<string | undefined> {
  const m = /^(\d+):(\d+|-)$/.exec(before);
  if (!m || (await viewSql(db, table)) === undefined) return undefined;
  // (Each file's rows are a table of their own under the view: the others are skipped, not hashed.)
  const added = await rowsPrint(db, table, true, `_file IN (${files.map(literal).join(", ") || "NULL"})`);
  return printText({ n: BigInt(m[1]!) + added.n, h: (m[2] === "-" ? 0n : BigInt(m[2]!)) + added.h });
}

/** A view's SQL, undefined when `table` is not a view. */
async function viewSql(db: Db, table: string): Promise<string | undefined> {
  const [v] = await db.all<{ sql: string }>(`SELECT sql FROM duckdb_views() WHERE view_name = $table AND database_name = current_database() AND NOT internal`, { table });
  return v?.sql;
}

/** The count of a table's rows (those `where` keeps) and the sum of their hashes: with their row ids, but of a view. */
async function rowsPrint(db: Db, table: string, view: boolean, where = "true"): Promise<{ n: bigint; h: bigint }> {
  const [r] = await db.all<{ n: bigint; h: string | null }>(
    `SELECT count(*) AS n, CAST(sum(${view ? "hash(t)" : "hash(rowid, t)"}) AS VARCHAR) AS h FROM ${ident(table)} AS t WHERE ${where}`,
  );
  return { n: r!.n, h: BigInt(r!.h ?? 0) };
}

/** A fingerprint's text: `count:sum`, the sum `-` when there is no row. */
const printText = ({ n, h }: { n: bigint; h: bigint }) => `${n}:${n === 0n ? "-" : h}`;

/** A model's fingerprint from the code, the policy, its parameters and its inputs' fingerprints (in dependsOn order). */
export function modelFingerprint(name: string, policy: Policy, params: unknown, inputs: readonly (readonly [string, string])[]): string {
  return createHash("sha256")
    .update(JSON.stringify([pipelineCode(), name, canonical(policy), canonical(params ?? null), inputs]))
    .digest("hex");
}

/** JSON with object keys sorted, so that equal values give equal text whatever the key order. */
function canonical(v: unknown): unknown {
  if (typeof v === "bigint") return String(v);
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}

/** What the previous warehouse remembers of a model: its fingerprint and the notes it left for the manifest. */
export interface Remembered {
  fingerprint: string;
  notes: Record<string, unknown>;
}

/** The table every warehouse keeps of its models: one row per model built or copied. */
export const MEMO_TABLE = "_model_memo";
/** The table where a warehouse records the fingerprint of each loaded table its models read. */
export const TABLE_PRINTS = "_table_prints";

export async function createMemoTable(db: Db): Promise<void> {
  await db.run(`CREATE OR REPLACE TABLE ${MEMO_TABLE} (model VARCHAR, fingerprint VARCHAR, notes VARCHAR)`);
}

export async function remember(db: Db, model: string, fingerprint: string, notes: Record<string, unknown>): Promise<void> {
  await db.run(`INSERT INTO ${MEMO_TABLE} VALUES ($model, $fingerprint, $notes)`, { model, fingerprint, notes: JSON.stringify(notes) });
}

/** What the previous warehouse remembers of its models (an empty map when it predates the memo). */
export async function rememberedModels(db: Db, previous: Previous | undefined): Promise<Map<string, Remembered>> {
  const found = new Map<string, Remembered>();
  if (!previous?.has(MEMO_TABLE)) return found;
  for (const r of await db.all<{ model: string; fingerprint: string; notes: string }>(`SELECT model, fingerprint, notes FROM ${previous.ref(MEMO_TABLE)}`)) {
    if (previous.has(r.model)) found.set(r.model, { fingerprint: r.fingerprint, notes: JSON.parse(r.notes) as Record<string, unknown> });
  }
  return found;
}

/** Take a model's table from the previous warehouse, rows in their order. */
export async function takePrevious(db: Db, previous: Previous, model: string): Promise<void> {
  await db.run(`DROP TABLE IF EXISTS ${ident(model)}`);
  await previous.take(db, model, model);
}
