// One place owns DuckDB's lifecycle: open, run, close; build-then-swap for atomic runs.
import { DuckDBConnection, DuckDBInstance, quotedIdentifier, quotedString, type DuckDBDataChunk, type DuckDBResultReader, type DuckDBValue } from "@duckdb/node-api";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { alive } from "./process.ts";

export interface Db {
  conn: DuckDBConnection;
  /** Run one statement with `$name` parameters bound. */
  run(sql: string, params?: Record<string, DuckDBValue>): Promise<void>;
  /** Rows as plain objects; BIGINT arrives as bigint, convert explicitly where needed. */
  all<T = Record<string, unknown>>(sql: string, params?: Record<string, DuckDBValue>): Promise<T[]>;
  /**
   * The result by column (names deduplicated as rowsOf does), values as `all` gives them: for many
   * rows of which only a few columns become objects (a fit's features go into typed arrays).
   */
  columns(sql: string, params?: Record<string, DuckDBValue>): Promise<Record<string, unknown[]>>;
  /**
   * The result by column as numbers, each column a Float64Array, null as NaN (numeric and boolean
   * columns: true 1, false 0). Read from DuckDB's vectors item by item, without the conversion of
   * `columns` (the early warning's 300,000 training rows: about a third of its time).
   */
  numbers(sql: string, params?: Record<string, DuckDBValue>): Promise<Record<string, Float64Array>>;
  /**
   * Run a script of several statements in order (split by DuckDB's own parser), binding each one
   * only the `$name` parameters it uses; an error names the script (`label`) and the statement.
   */
  script(sql: string, params?: Record<string, DuckDBValue>, label?: string): Promise<void>;
  /** Another connection to the same database, for statements run side by side; close it after use. */
  connect(): Promise<Db>;
  /** Close this connection (and the database, for the connection openDb returned). */
  close(): void;
}

export interface OpenOptions {
  readOnly?: boolean;
  memoryLimit?: string;
  threads?: number;
  tempDir?: string;
}

/**
 * DuckDB's memory by default: 1500 MB, whatever the machine (GUOPEI_MEMORY_LIMIT sets another).
 * A national year (2 M evaluations, 20 M attendance rows) runs in it in the same time as with 14 GB
 * (134 s against 135 s, measured on 2 cores), DuckDB spilling what does not fit to a folder beside
 * the warehouse, and the whole process stays under 3 GiB (2,957 MiB measured): an office PC can run
 * it beside other work.
 */
export const DEFAULT_MEMORY_LIMIT = "1500MB";

export async function openDb(file: string, opts: OpenOptions = {}): Promise<Db> {
  const config: Record<string, string> = {};
  if (opts.readOnly) config.access_mode = "READ_ONLY";
  config.memory_limit = opts.memoryLimit ?? process.env.GUOPEI_MEMORY_LIMIT ?? DEFAULT_MEMORY_LIMIT;
  if (opts.threads) config.threads = String(opts.threads);
  if (opts.tempDir) config.temp_directory = opts.tempDir;
  // No vacuum at a checkpoint: it merges the row groups a parallel write leaves part-filled, which
  // costs a national load 2 s for nothing a warehouse built once needs (a national assessments
  // file's checkpoint: 0.8 s → 0.02 s).
  config.max_vacuum_tasks = "0";
  const instance = await DuckDBInstance.create(file, config);
  return wrap(instance, await instance.connect(), () => instance.closeSync());
}

// GUOPEI_TRACE_SQL=1: every statement's first line, milliseconds and end (seconds since the process
// started) on stderr, to find slow SQL and the time between statements; GUOPEI_TRACE_SQL=full: the
// whole statement (to time it again alone, or EXPLAIN ANALYZE it).
const trace = process.env.GUOPEI_TRACE_SQL ? (sql: string, t0: number) => traceNote(`sql ${(performance.now() - t0).toFixed(0)} ms`, (process.env.GUOPEI_TRACE_SQL === "full" ? sql : headOf(sql)) ?? "") : undefined;

/** One line of the GUOPEI_TRACE_SQL trace on stderr (a statement's time, a read's fallback …), with when it was written. */
export function traceNote(what: string, detail: string): void {
  if (process.env.GUOPEI_TRACE_SQL) process.stderr.write(`[${what} @${(performance.now() / 1000).toFixed(2)}] ${detail}\n`);
}

function wrap(instance: DuckDBInstance, conn: DuckDBConnection, closeInstance?: () => void): Db {
  const read = async (sql: string, params?: Record<string, DuckDBValue>): Promise<DuckDBResultReader> => {
    const t0 = performance.now();
    try {
      const reader = params ? await conn.runAndReadAll(sql, params) : await conn.runAndReadAll(sql);
      trace?.(sql, t0);
      return reader;
    } catch (e) {
      throw withStatement(e, sql);
    }
  };
  return {
    conn,
    async run(sql, params) {
      const t0 = performance.now();
      try {
        if (params) await conn.run(sql, params);
        else await conn.run(sql);
      } catch (e) {
        throw withStatement(e, sql);
      }
      trace?.(sql, t0);
    },
    async all<T>(sql: string, params?: Record<string, DuckDBValue>) {
      return rowsOf(await read(sql, params)) as T[];
    },
    async numbers(sql, params) {
      const t0 = performance.now();
      try {
        const result = params ? await conn.run(sql, params) : await conn.run(sql);
        const chunks: DuckDBDataChunk[] = [];
        let rows = 0;
        for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
          chunks.push(chunk);
          rows += chunk.rowCount;
        }
        const names = result.deduplicatedColumnNames();
        const columns = names.map(() => new Float64Array(rows));
        let at = 0;
        for (const chunk of chunks) {
          // (A chunk's row count is read from DuckDB at every call: once here, not per value.)
          const n = chunk.rowCount;
          for (let c = 0; c < names.length; c++) {
            const vector = chunk.getColumnVector(c);
            const out = columns[c]!;
            for (let i = 0; i < n; i++) {
              const v = vector.getItem(i);
              out[at + i] = v === null ? NaN : typeof v === "number" ? v : typeof v === "bigint" || typeof v === "boolean" ? Number(v) : numberOf(v, names[c]!);
            }
          }
          at += n;
        }
        trace?.(sql, t0);
        return Object.fromEntries(names.map((name, c) => [name, columns[c]!]));
      } catch (e) {
        throw withStatement(e, sql);
      }
    },
    async columns(sql, params) {
      const { names, columns } = columnsIn(await read(sql, params));
      return Object.fromEntries(names.map((name, c) => [name, columns[c] ?? []]));
    },
    async script(sql, params = {}, label = "script") {
      const extracted = await conn.extractStatements(sql);
      for (let i = 0; i < extracted.count; i++) {
        const t0 = performance.now();
        const text = `${label}, statement ${i + 1} of ${extracted.count}`;
        try {
          const prepared = await extracted.prepare(i);
          try {
            const names = Array.from({ length: prepared.parameterCount }, (_, j) => prepared.parameterName(j + 1));
            const missing = names.filter((n) => !(n in params));
            if (missing.length) throw new Error(`no value for $${missing.join(", $")}`);
            if (names.length) prepared.bind(Object.fromEntries(names.map((n) => [n, params[n]!])));
            await prepared.run();
          } finally {
            // Destroyed now, not when JavaScript collects it: until then DuckDB keeps the
            // statement's operator memory (a national join's 890 MiB hash table, measured), which
            // counts against the memory limit of every statement after it.
            prepared.destroySync();
          }
        } catch (e) {
          throw withStatement(e, text);
        }
        trace?.(text, t0);
      }
    },
    async connect() {
      return wrap(instance, await instance.connect());
    },
    close() {
      conn.closeSync();
      closeInstance?.();
    },
  };
}

/**
 * The rows of a result as plain objects, as DuckDB's getRowObjectsJS makes them (the same values;
 * two columns of one name told apart as it does: name, name:1), made from its columns: DuckDB's row
 * by row conversion visits every vector once per row, and took 2.3 s where this takes 1.0 s for
 * 300,000 rows of 19 columns (measured). Each row is one object literal of the result's columns (a
 * function made for them), so every row has one shape from the start: set key by key, 58 k rows of
 * 29 columns took 0.14 s more.
 */
function rowsOf(reader: DuckDBResultReader): Record<string, unknown>[] {
  const { names, columns } = columnsIn(reader);
  const n = columns[0]?.length ?? 0;
  const rows = new Array<Record<string, unknown>>(n);
  const make = rowMaker(names);
  for (let i = 0; i < n; i++) rows[i] = make(columns, i);
  return rows;
}

/** A value `numbers` cannot take: not a number, a bigint or a boolean (a decimal, a date, text). */
function numberOf(v: unknown, column: string): never {
  throw new Error(`column ${column}: ${typeof v} values, not numbers (cast it to DOUBLE)`);
}

/** A result's column names (two of one name told apart: name, name:1) and its values by column. */
function columnsIn(reader: DuckDBResultReader): { names: string[]; columns: unknown[][] } {
  return { names: reader.deduplicatedColumnNames(), columns: reader.getColumnsJS() };
}

/** A function making the row object of names from columns at row i (names as quoted keys: any name is safe but __proto__, set key by key). */
function rowMaker(names: readonly string[]): (columns: unknown[][], i: number) => Record<string, unknown> {
  if (names.includes("__proto__")) {
    return (columns, i) => {
      const row: Record<string, unknown> = {};
      for (let c = 0; c < names.length; c++) Object.defineProperty(row, names[c]!, { value: columns[c]![i], enumerable: true, writable: true, configurable: true });
      return row;
    };
  }
  return new Function("c", "i", `return { ${names.map((name, c) => `${JSON.stringify(name)}: c[${c}][i]`).join(", ")} };`) as (columns: unknown[][], i: number) => Record<string, unknown>;
}

const headOf = (sql: string) => sql.trim().split("\n").find((l) => l.trim() && !l.trim().startsWith("--"))?.trim().slice(0, 100);

/** Name the statement that failed (its first line), so that a failure can be traced to its SQL. */
function withStatement(e: unknown, sql: string): Error {
  const err = e instanceof Error ? e : new Error(String(e));
  // The first line, for people; DuckDB's whole message (the column a CSV cast failed in, say) for code.
  Object.assign(err, { fullMessage: err.message });
  err.message = `${err.message.split("\n")[0]} (in: ${headOf(sql)})`;
  return err;
}

/** DuckDB's whole message of an error a statement threw (withStatement keeps only its first line in `message`). */
export function fullMessage(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const full = (e as Error & { fullMessage?: unknown }).fullMessage;
  return typeof full === "string" ? full : e.message;
}

/**
 * Build a database in a new file next to `target`, then swap it in with one rename.
 * A crash or error at any point leaves the previous `target` exactly as it was.
 */
export async function buildThenSwap<T>(
  target: string,
  build: (db: Db, buildFile: string, seeded: boolean) => Promise<T>,
  opts: { seed?: (buildFile: string) => Promise<boolean> } = {},
): Promise<T> {
  await mkdir(path.dirname(target), { recursive: true });
  await removeStale(path.dirname(target), `${path.basename(target)}.building-`);
  const buildFile = `${target}.building-${process.pid}`;
  const tempDir = `${buildFile}.tmp`;
  await rm(buildFile, { force: true });
  await rm(`${buildFile}.wal`, { force: true });
  // (The build may start as a copy of another warehouse: lib/previous.ts. Removed like the rest on failure.)
  let seeded: boolean;
  try {
    seeded = opts.seed ? await opts.seed(buildFile) : false;
  } catch (e) {
    await rm(buildFile, { force: true });
    throw e;
  }
  const db = await openDb(buildFile, { tempDir }).catch(async (e: unknown) => {
    await rm(buildFile, { force: true });
    await rm(`${buildFile}.wal`, { force: true });
    throw e;
  });
  let result: T;
  try {
    result = await build(db, buildFile, seeded);
    await db.run("CHECKPOINT");
  } catch (e) {
    db.close();
    await rm(buildFile, { force: true });
    await rm(`${buildFile}.wal`, { force: true });
    await rm(tempDir, { recursive: true, force: true });
    throw e;
  }
  db.close();
  await rm(tempDir, { recursive: true, force: true });
  await rename(buildFile, target);
  await rm(`${target}.wal`, { force: true });
  return result;
}

/** Leftovers of a killed run (`<prefix><pid>…` whose process is gone) are never used, only removed. */
export async function removeStale(dir: string, prefix: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number.parseInt(name.slice(prefix.length), 10);
    if (Number.isInteger(pid) && !alive(pid)) await rm(path.join(dir, name), { recursive: true, force: true });
  }
}

/** The tables and views of the database (not of one attached beside it, nor temporary ones). */
const RELATIONS = `SELECT table_name AS name FROM duckdb_tables() WHERE database_name = current_database() AND NOT temporary
  UNION ALL SELECT view_name FROM duckdb_views() WHERE database_name = current_database() AND NOT temporary AND NOT internal`;

/** Whether the database (not one attached beside it) holds a table or view of this name. */
export async function hasTable(db: Db, name: string): Promise<boolean> {
  return (await db.all(`SELECT 1 FROM (${RELATIONS}) WHERE name = $name`, { name })).length > 0;
}

/** The names of the database's tables and views (relationNames(db).has(x): hasTable for many names at once). */
export async function relationNames(db: Db): Promise<Set<string>> {
  return new Set((await db.all<{ name: string }>(RELATIONS)).map((r) => r.name));
}

/** Is `file` a warehouse guopei built (a DuckDB file with its meta table, or the rejects table of older versions)? */
export async function isWarehouse(file: string): Promise<boolean> {
  let db: Db;
  try {
    db = await openDb(file, { readOnly: true });
  } catch {
    return false;
  }
  try {
    const rows = await db.all<{ n: bigint }>(`SELECT count(*) AS n FROM information_schema.tables WHERE table_name IN ('guopei_meta', 'rejects')`);
    return Number(rows[0]?.n ?? 0) > 0;
  } finally {
    db.close();
  }
}

export async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

/** Quote an identifier for SQL text (identifiers cannot be bound as parameters). */
export function ident(name: string): string {
  return quotedIdentifier(name);
}

/** Quote a string literal, for the few places DuckDB accepts no parameter (e.g. COPY targets). */
export function literal(value: string): string {
  return quotedString(value);
}
