// The models layer: one file per warehouse table, declaring its name, grain, dependencies and
// columns (type, meaning, checks), and how it is built (a SQL file beside it, or TypeScript that
// returns rows as objects keyed by column). The runner orders the models by their dependencies,
// builds each one, and checks the table against its declaration on every run: a table that lacks a
// declared column, has one more, or breaks a check stops the run, naming table, column and rows.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { DuckDBValue } from "@duckdb/node-api";
import { ident, literal, relationNames, type Db } from "../lib/db.ts";
import type { Policy } from "../lib/policy.ts";
import { writeTable, type ColumnType } from "../lib/table.ts";
import { collectGarbage } from "../lib/gc.ts";
import { appendedFingerprint, createMemoTable, modelFingerprint, remember, rememberedModels, TABLE_PRINTS, tableFingerprint, takePrevious } from "./memo.ts";
import { attachPrevious, type Previous } from "../lib/previous.ts";

/** Column types as families: what a reader can rely on, whatever width DuckDB chose. */
export type Family = "text" | "integer" | "number" | "boolean" | "date" | "timestamp";

export interface ColumnSpec {
  type: Family;
  /** What the column means, for the data dictionary (docs/data-dictionary.md). */
  doc: string;
  notNull?: boolean;
  /** Every non-null value is one of these. */
  accepted?: readonly string[];
  /** Every non-null value lies within [min, max]. */
  min?: number;
  max?: number;
}

/** What the models of one run share: the database, the policy, and notes for the manifest. */
export interface RunContext {
  db: Db;
  policy: Policy;
  /** Facts a model reports for the manifest, by model name. */
  notes: Record<string, unknown>;
  /** Results computed in TypeScript that a later model reuses (declared in its dependsOn). */
  memo: Map<string, unknown>;
  /** Of each partitioned model built, its parts and how many were taken from the previous warehouse. */
  parts?: Record<string, { parts: number; taken: number }>;
}

export interface Model {
  name: string;
  /** One row per …: in words, and as the columns that are unique together. */
  grain: string;
  key: readonly string[];
  /** Tables read: input tables, or other models (built first). */
  dependsOn: readonly string[];
  columns: Readonly<Record<string, ColumnSpec>>;
  /** Teacher-level or otherwise personal: never published. */
  restricted?: boolean;
  /**
   * Build the table. A SQL model runs `<name>.sql` beside its declaration with the parameters
   * `sql` returns, after making the temporary views `views` returns (SQL written from the data, as
   * one expression over an item column each: analytics/answers.ts; dropped after); a TypeScript
   * model returns its rows, objects keyed by column; `run` is SQL that TypeScript writes (a fitted
   * model applied in DuckDB to millions of rows).
   */
  build:
    | {
        sql: (ctx: RunContext) => Record<string, DuckDBValue> | Promise<Record<string, DuckDBValue>>;
        views?: (ctx: RunContext) => Promise<Record<string, string>>;
      }
    | { rows: (ctx: RunContext) => Promise<Record<string, unknown>[]> }
    | { run: (ctx: RunContext) => Promise<void> };
  /**
   * Later models read what this one leaves in the run's memo (RunContext.memo): when one of them is
   * built, this one is built too rather than copied from the previous warehouse.
   */
  sharesMemo?: boolean;
  /** Run after the table is written and checked (notes for the manifest). */
  after?: (ctx: RunContext) => Promise<void>;
  /**
   * A SQL model rebuilt part by part (one part per value of `column`, a column of its key). Its
   * `<name>.parts.sql` runs first and leaves TEMP TABLE _parts (part VARCHAR, h VARCHAR): for each
   * part, a hash of everything the part's rows are a function of, beyond the code, the policy and
   * the parameters not named in `covered` (their effect on a part is in its hash). `<name>.sql` then
   * writes the rows of the parts listed in TEMP TABLE _parts_build only: every part on a first run;
   * on a rerun, the parts whose hash the previous warehouse does not hold for the same code, policy
   * and parameters. The rows of the other parts are taken from the previous table.
   */
  partitioned?: { column: string; covered?: readonly string[] };
  /**
   * The models that read this one judge it by its rows (their count and the sum of their hashes, as
   * a loaded table is judged), not by what it was made from: one that reads it is taken from the
   * previous warehouse when these rows are what they were, though its own inputs changed (a small
   * table between a large changing one and an expensive step: the early warning's training sample).
   */
  printByContent?: boolean;
  /**
   * A SQL model of one loaded table (its only dependsOn) whose rows are sums over that table's
   * records (counts, minima, maxima, sums of hashes). When the table is the previous run's records
   * and new files' after them (ingest/load.ts appendedFiles) and the previous table was built from
   * those earlier records, `<name>.sql` runs on the new files' records alone (under the table's name)
   * and `<name>.merge.sql` merges its rows (`_<name>_added`) with the previous table's
   * (`_<name>_before`) into the model's table: the rows a build over every record gives (tested).
   */
  appendable?: boolean;
  /**
   * Loaded tables that only the parameters (build.sql's values) read, not the model's SQL: the
   * parameters are in the fingerprint themselves, so these are not (hours_compliance reads the
   * attendance for the as-of year alone, which a month of attendance leaves as it was). They must
   * exist when the model is built (test/models/depends.e2e.test.ts gives them).
   */
  paramsRead?: readonly string[];
}

/** Where a partitioned model keeps its parts' hashes for the next run. */
export const partsTable = (model: string) => `_${model}_parts`;

export const defineModel = <M extends Model>(m: M): M => m;

/** A table that does not match its declaration, or a dependency that cannot be met. */
export class ModelError extends Error {
  constructor(
    readonly table: string,
    readonly problems: string[],
  ) {
    super(`table ${table} does not meet its declaration (pipelines/models/${table}.ts):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

const MODELS_DIR = path.dirname(fileURLToPath(import.meta.url));

/** The SQL of a model: pipelines/models/<name>.sql. */
export function modelSql(name: string): string {
  return readFileSync(path.join(MODELS_DIR, `${name}.sql`), "utf8");
}

/** Models in an order where each comes after what it depends on (stable: ties keep list order). */
export function ordered(models: readonly Model[]): Model[] {
  const byName = new Map(models.map((m) => [m.name, m]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: Model[] = [];
  const visit = (m: Model, trail: string[]) => {
    if (done.has(m.name)) return;
    if (visiting.has(m.name)) throw new ModelError(m.name, [`dependency cycle: ${[...trail, m.name].join(" → ")}`]);
    visiting.add(m.name);
    for (const d of m.dependsOn) {
      const dep = byName.get(d);
      if (dep) visit(dep, [...trail, m.name]);
    }
    visiting.delete(m.name);
    done.add(m.name);
    out.push(m);
  };
  for (const m of models) visit(m, []);
  return out;
}

/** The DuckDB type each family is stored as. */
export const SQL_TYPES = { text: "VARCHAR", integer: "BIGINT", number: "DOUBLE", boolean: "BOOLEAN", date: "DATE", timestamp: "TIMESTAMP" } as const satisfies Record<Family, string>;
/** Families the Appender writes from TypeScript (dates are built in SQL). */
const STORAGE: Partial<Record<Family, ColumnType>> = { text: SQL_TYPES.text, integer: SQL_TYPES.integer, number: SQL_TYPES.number, boolean: SQL_TYPES.boolean };

function familyOf(duckType: string): Family | null {
  const t = duckType.toUpperCase();
  if (t === "VARCHAR") return "text";
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/.test(t)) return "integer";
  if (/^(DOUBLE|FLOAT|DECIMAL)/.test(t)) return "number";
  if (t === "BOOLEAN") return "boolean";
  if (t === "DATE") return "date";
  if (t.startsWith("TIMESTAMP")) return "timestamp";
  return null;
}

const fits = (declared: Family, actual: Family | null) => actual === declared || (declared === "number" && actual === "integer");

/** Write rows computed in TypeScript: each row must carry exactly the declared columns. */
export async function writeRows(db: Db, model: Model, rows: Record<string, unknown>[]): Promise<void> {
  const names = Object.keys(model.columns);
  const declared = new Set(names);
  const unwritable = names.filter((n) => !STORAGE[model.columns[n]!.type]);
  if (unwritable.length) throw new ModelError(model.name, [`column(s) ${unwritable.join(", ")}: dates are built in SQL, not written from TypeScript`]);
  rows.forEach((row, i) => {
    const keys = Object.keys(row);
    const extra = keys.filter((k) => !declared.has(k));
    const missing = names.filter((n) => !(n in row));
    if (extra.length || missing.length)
      throw new ModelError(model.name, [
        `row ${i + 1} ${[extra.length ? `has undeclared column(s) ${extra.join(", ")}` : "", missing.length ? `lacks declared column(s) ${missing.join(", ")}` : ""].filter(Boolean).join(" and ")}`,
      ]);
  });
  await writeTable(
    db,
    model.name,
    names.map((name) => ({ name, type: STORAGE[model.columns[name]!.type]! })),
    rows,
  );
}

/** Check a built table against its declaration; the problems found, each with example rows. */
export async function checkModel(db: Db, model: Model): Promise<string[]> {
  const table = ident(model.name);
  const actual = await db.all<{ column_name: string; column_type: string }>(`DESCRIBE ${table}`);
  const problems: string[] = [];
  const declared = Object.entries(model.columns);
  const have = new Map(actual.map((c) => [c.column_name, c.column_type]));
  for (const [name, spec] of declared) {
    const t = have.get(name);
    if (t === undefined) problems.push(`column ${name}: declared but not produced`);
    else if (!fits(spec.type, familyOf(t))) problems.push(`column ${name}: declared ${spec.type}, produced ${t}`);
    // A sum of integers is a 128-bit integer, a sum of decimals a 38-digit decimal (128 bits too):
    // stored so, reading back was about 25 times slower than 64 bits (2.6 s against 0.1 s for 7 M
    // values, measured): the model casts it.
    else if (/^U?HUGEINT$/i.test(t)) problems.push(`column ${name}: produced ${t}, a 128-bit integer; cast it to BIGINT`);
    else if (Number(/^DECIMAL\((\d+)/i.exec(t)?.[1] ?? 0) > 18) problems.push(`column ${name}: produced ${t}, a 128-bit decimal; cast it to DECIMAL(18, s) or DOUBLE`);
  }
  for (const c of actual) if (!(c.column_name in model.columns)) problems.push(`column ${c.column_name}: produced but not declared`);
  if (problems.length) return problems;

  // Value checks in one pass over the columns they read: a count of violations per check. A check
  // the table's statistics rule out is not run (provenBy).
  const tests: { what: string; where: string; column: string }[] = [];
  const proven = await provenBy(db, table, declared.filter(([, spec]) => spec.notNull || spec.accepted || spec.min !== undefined || spec.max !== undefined).map(([name]) => name), have);
  for (const [name, spec] of declared) {
    const col = ident(name);
    const known = proven.get(name) ?? {};
    if (spec.notNull && known.hasNull !== false) tests.push({ column: name, what: `column ${name}: null values (declared not null)`, where: `${col} IS NULL` });
    if (spec.accepted && !withinIntegers(known, spec.accepted)) tests.push({ column: name, what: `column ${name}: values outside ${spec.accepted.join("/")}`, where: `${col} IS NOT NULL AND CAST(${col} AS VARCHAR) NOT IN (${spec.accepted.map(literal).join(", ")})` });
    if (spec.min !== undefined && !(known.min !== undefined && known.min >= spec.min)) tests.push({ column: name, what: `column ${name}: values below ${spec.min}`, where: `${col} < ${spec.min}` });
    if (spec.max !== undefined && !(known.max !== undefined && known.max <= spec.max)) tests.push({ column: name, what: `column ${name}: values above ${spec.max}`, where: `${col} > ${spec.max}` });
  }
  if (tests.length) {
    const [counts] = await db.all<Record<string, bigint>>(`SELECT ${tests.map((t, i) => `count(*) FILTER (WHERE ${t.where}) AS c${i}`).join(", ")} FROM ${table}`);
    for (const [i, t] of tests.entries()) {
      const n = Number(counts?.[`c${i}`] ?? 0);
      if (n === 0) continue;
      const shown = [...new Set([...model.key, t.column])].map(ident).join(", ");
      const examples = await db.all(`SELECT ${shown} FROM ${table} WHERE ${t.where} LIMIT 3`);
      problems.push(`${t.what}: ${n} row(s), e.g. ${show(examples)}`);
    }
  }
  if (model.key.length) {
    const key = model.key.map(ident).join(", ");
    const dups = await db.all(`SELECT ${key}, count(*) AS copies FROM ${table} GROUP BY ${key} HAVING count(*) > 1 ORDER BY copies DESC LIMIT 3`);
    if (dups.length) problems.push(`key (${model.key.join(", ")}) not unique, e.g. ${show(dups)}`);
  }
  return problems;
}

/** What a table's statistics prove of a column: no null at all; every value at least `min`, at most `max`. */
interface Proven {
  hasNull?: boolean;
  /** An integer column: its bounds are exact integers. */
  integer?: boolean;
  min?: number;
  max?: number;
}

/**
 * What DuckDB's statistics of `table` prove of `columns` (stats(): kept as the table is written, and
 * sound, as the planner relies on them: a column said to hold no null holds none, its values lie
 * within its min and max). An integer column's bounds are taken as printed. A double's are printed
 * in full (0.30000000000000004) in this DuckDB, but that is no documented format, and a decimal's may
 * hold more digits than a double: both are widened by a relative 1e-12 (a bound at the limit of a
 * check, as a share's 1.0, then does not rule it out), 0 excepted. Dates, texts, NaN and infinities
 * prove no bound. A table with no row proves nothing (its checks cost nothing).
 */
async function provenBy(db: Db, table: string, columns: string[], types: Map<string, string>): Promise<Map<string, Proven>> {
  const out = new Map<string, Proven>();
  if (!columns.length) return out;
  const [row] = await db.all<Record<string, string>>(`SELECT ${columns.map((c, i) => `stats(${ident(c)}) AS s${i}`).join(", ")} FROM ${table} LIMIT 1`);
  if (!row) return out;
  columns.forEach((c, i) => {
    const text = String(row[`s${i}`] ?? "");
    const family = familyOf(types.get(c) ?? "");
    const known: Proven = {};
    const nulls = text.match(/\[Has Null: (true|false),/);
    if (nulls) known.hasNull = nulls[1] === "true";
    const bounds = text.match(/^\[Min: ([^,\]]*), Max: ([^,\]]*)[,\]]/);
    if (bounds && (family === "integer" || family === "number")) {
      const integer = (t: string) => /^-?\d+$/.test(t) && Math.abs(Number(t)) < 2 ** 53;
      const float = (t: string) => /^-?\d+(\.\d+)?(e[+-]?\d+)?$/.test(t);
      const [lo, hi] = [bounds[1]!, bounds[2]!];
      if (family === "integer" && integer(lo) && integer(hi)) Object.assign(known, { min: Number(lo), max: Number(hi), integer: true });
      else if (float(lo) && float(hi)) {
        // (A decimal's digits may be more than a double holds: widened as a double's are.)
        const widen = (x: number, dir: 1 | -1) => x + dir * Math.abs(x) * 1e-12;
        Object.assign(known, { min: widen(Number(lo), -1), max: widen(Number(hi), 1) });
      }
    }
    out.set(c, known);
  });
  return out;
}

/** Whether every integer between the proven bounds is an accepted value (so no value is outside them). */
function withinIntegers(known: Proven, accepted: readonly string[]): boolean {
  if (!known.integer || known.min === undefined || known.max === undefined || known.max - known.min > 100) return false;
  for (let v = known.min; v <= known.max; v++) if (!accepted.includes(String(v))) return false;
  return true;
}

const show = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === "bigint" ? Number(v) : v))).join("; ");

/** A SQL model's parameters (computed once: they are part of its fingerprint too). */
async function paramsOf(ctx: RunContext, m: Model): Promise<Record<string, DuckDBValue> | null> {
  return "sql" in m.build ? await m.build.sql(ctx) : null;
}

/**
 * Build one model and check it against its declaration (its dependencies must be built); the check's
 * seconds. A partitioned model takes from `previous` the parts whose inputs are unchanged.
 */
export async function buildModel(ctx: RunContext, m: Model, params?: Record<string, DuckDBValue> | null, previous?: Previous, appended?: readonly string[]): Promise<number> {
  let kept: string | undefined;
  if ("sql" in m.build) {
    const values = params ?? (await m.build.sql(ctx));
    await ctx.db.run(`DROP TABLE IF EXISTS ${ident(m.name)}`);
    const views = Object.entries((await m.build.views?.(ctx)) ?? {});
    for (const [name, sql] of views) await ctx.db.run(`CREATE OR REPLACE TEMP VIEW ${ident(name)} AS ${sql}`);
    try {
      if (m.partitioned) kept = await buildParts(ctx, m, values, previous);
      else if (appended && previous) await buildAppended(ctx, m, values, previous, appended);
      else await ctx.db.script(modelSql(m.name), values, `models/${m.name}.sql`);
    } finally {
      for (const [name] of views) await ctx.db.run(`DROP VIEW IF EXISTS ${ident(name)}`);
    }
  } else if ("rows" in m.build) await writeRows(ctx.db, m, await m.build.rows(ctx));
  else await m.build.run(ctx);
  const t0 = performance.now();
  // (Of a partitioned model, the rows built now: those taken were checked by the run that built them,
  // with the same code; its parts are disjoint and its key holds the part's column.)
  const problems = await checkModel(ctx.db, m);
  if (kept && !problems.length) await mergeKept(ctx.db, m, kept);
  const checked = (performance.now() - t0) / 1000;
  if (problems.length) throw new ModelError(m.name, problems);
  await m.after?.(ctx);
  return checked;
}

/**
 * An appendable model (Model.appendable) from the previous warehouse's table and the records of the
 * new files `files` of its input: its SQL over those records alone (a temporary view of them under
 * the input's name, found before the warehouse's own), then `<name>.merge.sql`.
 */
async function buildAppended(ctx: RunContext, m: Model, values: Record<string, DuckDBValue>, previous: Previous, files: readonly string[]): Promise<void> {
  const db = ctx.db;
  const input = m.dependsOn[0]!;
  const before = `_${m.name}_before`;
  const added = `_${m.name}_added`;
  await db.run(`DROP TABLE IF EXISTS ${ident(before)}; DROP TABLE IF EXISTS ${ident(added)}`);
  await previous.take(db, m.name, before);
  // (Named with its database: the temporary objects are a database of their own, whose schema is main too.)
  const [{ d } = { d: "" }] = await db.all<{ d: string }>(`SELECT current_database() AS d`);
  await db.run(`CREATE OR REPLACE TEMP VIEW ${ident(input)} AS SELECT * FROM ${ident(d)}.main.${ident(input)} WHERE _file IN (${files.map(literal).join(", ")})`);
  try {
    await db.script(modelSql(m.name), values, `models/${m.name}.sql (the new files' records)`);
  } finally {
    await db.run(`DROP VIEW temp.${ident(input)}`);
  }
  await db.run(`ALTER TABLE ${ident(m.name)} RENAME TO ${ident(added)}`);
  await db.script(modelSql(`${m.name}.merge`), {}, `models/${m.name}.merge.sql`);
  await db.run(`DROP TABLE ${ident(before)}; DROP TABLE ${ident(added)}`);
}

/**
 * The parts of a partitioned model: hashed (`<name>.parts.sql`), those unchanged since the previous
 * warehouse taken from its table into a table of their own, the others built (`<name>.sql`). Returns
 * the table of the parts taken, if any, to be merged once the new rows are checked.
 */
async function buildParts(ctx: RunContext, m: Model, values: Record<string, DuckDBValue>, previous: Previous | undefined): Promise<string | undefined> {
  const { column, covered = [] } = m.partitioned!;
  const db = ctx.db;
  // What every part's rows depend on beyond its hash: the code, the policy, the other parameters.
  const scope = modelFingerprint(m.name, ctx.policy, Object.fromEntries(Object.entries(values).filter(([k]) => !covered.includes(k))), []);
  await db.script(modelSql(`${m.name}.parts`), values, `models/${m.name}.parts.sql`);
  await db.run(`CREATE OR REPLACE TEMP TABLE _parts_prev (part VARCHAR, h VARCHAR)`);
  const parts = ident(partsTable(m.name));
  if (previous?.has(m.name) && previous.has(partsTable(m.name))) {
    await db.run(`INSERT INTO _parts_prev SELECT part, h FROM ${previous.ref(partsTable(m.name))} WHERE scope = $scope`, { scope });
  }
  await db.run(`CREATE OR REPLACE TEMP TABLE _parts_build AS SELECT part FROM _parts ANTI JOIN _parts_prev USING (part, h)`);
  const [{ all, build } = { all: 0n, build: 0n }] = await db.all<{ all: bigint; build: bigint }>(`SELECT (SELECT count(*) FROM _parts) AS "all", (SELECT count(*) FROM _parts_build) AS build`);
  let kept: string | undefined;
  if (Number(all) > Number(build)) {
    kept = `_${m.name}_kept`;
    await db.run(`DROP TABLE IF EXISTS ${ident(kept)}`);
    await previous!.take(db, m.name, kept);
    await db.run(`DELETE FROM ${ident(kept)} WHERE ${ident(column)} NOT IN (SELECT part FROM _parts SEMI JOIN _parts_prev USING (part, h))`);
  }
  await db.script(modelSql(m.name), values, `models/${m.name}.sql`);
  await db.run(`CREATE OR REPLACE TABLE ${parts} AS SELECT part, h, $scope AS scope FROM _parts ORDER BY part`, { scope });
  (ctx.parts ??= {})[m.name] = { parts: Number(all), taken: Number(all) - Number(build) };
  await db.run(`DROP TABLE _parts; DROP TABLE _parts_prev; DROP TABLE _parts_build`);
  return kept;
}

/** The parts taken and the parts built, as one table. */
async function mergeKept(db: Db, m: Model, kept: string): Promise<void> {
  await db.run(`INSERT INTO ${ident(kept)} BY NAME SELECT * FROM ${ident(m.name)}`);
  await db.run(`DROP TABLE ${ident(m.name)}`);
  await db.run(`ALTER TABLE ${ident(kept)} RENAME TO ${ident(m.name)}`);
}

/**
 * Connections lent one model at a time: `with` waits for a free one (in the order asked), and the
 * connections opened for the lanes (all but the first, the caller's) are closed by `close`.
 */
class Lanes {
  private free: Db[];
  private waiting: ((db: Db) => void)[] = [];
  constructor(private readonly all: Db[]) {
    this.free = [...all];
  }
  async with<T>(f: (db: Db) => Promise<T>): Promise<T> {
    const db = this.free.shift() ?? (await new Promise<Db>((resolve) => this.waiting.push(resolve)));
    try {
      return await f(db);
    } finally {
      const next = this.waiting.shift();
      if (next) next(db);
      else this.free.push(db);
    }
  }
  async close(): Promise<void> {
    for (const db of this.all.slice(1)) db.close();
  }
}

/** The shared measures (models/measures.sql): macros stored in the warehouse, created before any model. */
export async function createMeasures(db: Db): Promise<void> {
  await db.script(modelSql("measures"), {}, "models/measures.sql");
}

export interface RunModelsOptions {
  /**
   * The previous warehouse (its file, or one retired into this warehouse: lib/previous.ts): a model
   * whose fingerprint it remembers is taken from it, not built (memo.ts).
   */
  previous?: string | Previous;
  onBuilt?: (m: Model, seconds: number, reused: boolean) => void;
  /**
   * Loaded tables the load took whole from the previous warehouse (the same files under the same
   * checks: ingest/load.ts): their fingerprints are the previous run's, not computed again.
   */
  unchanged?: readonly string[];
  /**
   * Loaded tables that are the previous run's rows and the rows of these files after them (ingest/load.ts:
   * appendedFiles): their fingerprints are the previous run's plus the new rows' (memo.ts).
   */
  appended?: Readonly<Record<string, readonly string[]>>;
}

export interface ModelsRun {
  /** Seconds per model (its checks included), and under `checks` the seconds all the tables' checks took together. */
  seconds: Record<string, number>;
  /** Models copied from the previous warehouse, their inputs unchanged (in build order). */
  reused: string[];
  /** Appendable models built from the previous warehouse's table and the new files' records (Model.appendable). */
  appended: string[];
}

/**
 * Build every model in dependency order, checking each table as it is written; with a previous
 * warehouse, copy instead each model whose fingerprint (code, policy, parameters, inputs) it
 * remembers, with the notes it left for the manifest. A model that leaves results in `memo` for
 * later ones (`sharesMemo`) is built, not copied, when a model that depends on it is built.
 */
export async function runModels(models: readonly Model[], ctx: RunContext, opts: RunModelsOptions = {}): Promise<ModelsRun> {
  const names = new Set(models.map((m) => m.name));
  const seconds: Record<string, number> = {};
  const reused: string[] = [];
  const appended: string[] = [];
  let checks = 0;
  await createMeasures(ctx.db);
  await createMemoTable(ctx.db);
  const order = ordered(models);
  const source = typeof opts.previous === "string" ? await attachPrevious(ctx.db, opts.previous, "prev_models") : opts.previous;
  const previous = await rememberedModels(ctx.db, source);
  await ctx.db.run(`CREATE OR REPLACE TABLE ${TABLE_PRINTS} ("table" VARCHAR, print VARCHAR)`);
  const printsBefore = new Map<string, string>();
  if (source?.has(TABLE_PRINTS)) {
    for (const r of await ctx.db.all<{ table: string; print: string }>(`SELECT "table", print FROM ${source.ref(TABLE_PRINTS)}`)) printsBefore.set(r.table, r.print);
  }
  try {
    // (The database's tables and views listed once: a lookup per input took 0.25 s of a run.)
    const loaded = await relationNames(ctx.db);
    for (const m of order) {
      for (const d of m.dependsOn) if (!names.has(d) && !loaded.has(d)) throw new ModelError(m.name, [`depends on ${d}, which is neither a model nor a loaded table`]);
    }
    // Every model's fingerprint, from its inputs' (loaded tables hashed once each) and its parameters
    // (which read only loaded tables and the policy), recorded in this warehouse for the next run.
    // A model printed by content is known only once written: until then, what reads it counts as built.
    const prints = new Map<string, string>();
    const params = new Map<string, Record<string, DuckDBValue> | null>();
    const loadedPrint = async (d: string): Promise<string> => {
      if (!prints.has(d)) {
        // A loaded table the load took whole from the previous run has the fingerprint it had then.
        const before = opts.unchanged?.includes(d) ? printsBefore.get(d) : undefined;
        // One with files appended, the previous fingerprint and its new rows' (0.6 s less for the
        // national attendance after a month).
        const files = opts.appended?.[d];
        const grown = files && printsBefore.has(d) ? await appendedFingerprint(ctx.db, d, printsBefore.get(d)!, files) : undefined;
        prints.set(d, before ?? grown ?? (await tableFingerprint(ctx.db, d, loadedPrint)));
        await ctx.db.run(`INSERT INTO ${TABLE_PRINTS} VALUES ($table, $print)`, { table: d, print: prints.get(d)! });
      }
      return prints.get(d)!;
    };
    const fingerprintOf = async (m: Model): Promise<string> => {
      const inputs: [string, string][] = [];
      for (const d of m.dependsOn) inputs.push([d, prints.get(d) ?? (await loadedPrint(d))]);
      return modelFingerprint(m.name, ctx.policy, params.get(m.name), inputs);
    };
    // The models that would be copied as far as can be told before any is built.
    const copied = new Set<string>();
    for (const m of order) {
      params.set(m.name, await paramsOf(ctx, m));
      const planned = await fingerprintOf(m);
      if (previous.get(m.name)?.fingerprint === planned) copied.add(m.name);
      prints.set(m.name, m.printByContent ? `rows of ${m.name}: not yet written` : planned);
    }
    // A model that may be built (not copied as planned) and reads what another leaves in memo: that
    // one is built too, whatever its own fingerprint says (latest first, so it cascades).
    const mustBuild = new Set<string>();
    for (const m of [...order].reverse()) {
      if (copied.has(m.name)) continue;
      for (const d of m.dependsOn) {
        if (models.find((x) => x.name === d)?.sharesMemo) {
          copied.delete(d);
          mustBuild.add(d);
        }
      }
    }
    // What a model leaves in memo is let go once every model that reads it is built (at five years
    // the scored projects, 291 k objects, were held to the end of the run, under the peaks).
    const readersLeft = new Map(order.map((m) => [m.name, 1 + order.filter((x) => x.dependsOn.includes(m.name)).length]));
    // What each build found, gathered in build order below whatever the order of finishing.
    const remembered = new Map<string, [string, Record<string, unknown>]>();
    const took = new Map<string, number>();
    const copiedNow = new Set<string>();
    const appendedNow = new Set<string>();
    // Two models at once, each on a connection of its own, a model as soon as the models it reads are
    // built: the early warning's SQL runs while the project scores are computed in JavaScript (the
    // JavaScript yields to the event loop as it goes: lib/table.ts). What each leaves in the notes is
    // its own (a copy of the notes as its inputs left them, merged when it is built).
    ctx.parts ??= {};
    const lanes = new Lanes([ctx.db, await ctx.db.connect()]);
    const built = new Map<string, Promise<void>>();
    const buildOne = async (m: Model): Promise<void> => {
      await Promise.all(m.dependsOn.filter((d) => names.has(d)).map((d) => built.get(d)));
      await lanes.with(async (db) => {
        const t0 = performance.now();
        const before = { ...ctx.notes };
        const mctx: RunContext = { ...ctx, db, notes: { ...before } };
        // (Again: the rows of the models printed by content before it are known now.)
        const print = await fingerprintOf(m);
        const copy = !mustBuild.has(m.name) && previous.get(m.name)?.fingerprint === print;
        if (copy) {
          await takePrevious(db, source!, m.name);
          // (With its parts' hashes, for the run after this one.)
          if (m.partitioned && source!.has(partsTable(m.name))) await takePrevious(db, source!, partsTable(m.name));
          Object.assign(mctx.notes, previous.get(m.name)!.notes);
          copiedNow.add(m.name);
        } else {
          // An appendable model whose input has new files after the records the previous table was built from.
          const input = m.dependsOn[0]!;
          const files = m.appendable && m.dependsOn.length === 1 ? opts.appended?.[input] : undefined;
          const earlier = files && printsBefore.get(input);
          const append = earlier !== undefined && source?.has(m.name) && previous.get(m.name)?.fingerprint === modelFingerprint(m.name, ctx.policy, params.get(m.name), [[input, earlier]]);
          if (append) appendedNow.add(m.name);
          checks += await buildModel(mctx, m, params.get(m.name), source, append ? files : undefined);
        }
        const left = Object.fromEntries(Object.entries(mctx.notes).filter(([k, v]) => before[k] !== v));
        Object.assign(ctx.notes, left);
        remembered.set(m.name, [print, left]);
        prints.set(m.name, m.printByContent ? `rows ${await tableFingerprint(db, m.name)}` : print);
        took.set(m.name, Math.round(performance.now() - t0) / 1000);
        opts.onBuilt?.(m, took.get(m.name)!, copy);
      });
      let released = false;
      for (const name of [m.name, ...m.dependsOn]) {
        const n = readersLeft.get(name);
        if (n === undefined) continue;
        readersLeft.set(name, n - 1);
        if (n === 1) released = ctx.memo.delete(name) || released;
      }
      // (Collected now, not when V8 would get to it: lib/gc.ts.)
      if (released) collectGarbage();
    };
    try {
      for (const m of order) built.set(m.name, buildOne(m));
      // (Every model settled before any failure is reported: none is left writing.)
      const settled = await Promise.allSettled(built.values());
      const failed = settled.find((r) => r.status === "rejected");
      if (failed) throw failed.reason;
    } finally {
      await lanes.close();
    }
    // (The same memo rows, lists and seconds in the same order every run.)
    for (const m of order) {
      await remember(ctx.db, m.name, ...remembered.get(m.name)!);
      seconds[m.name] = took.get(m.name)!;
      if (copiedNow.has(m.name)) reused.push(m.name);
      if (appendedNow.has(m.name)) appended.push(m.name);
    }
  } finally {
    // (One retired into this warehouse is the caller's to release.)
    if (typeof opts.previous === "string") await source?.release(ctx.db);
  }
  seconds.checks = Math.round(checks * 1000) / 1000;
  return { seconds, reused, appended };
}
