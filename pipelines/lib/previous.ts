// The previous warehouse of an incremental run, whose unchanged typed files and models are taken
// instead of built again. Two ways to reach it:
// - retired: the new warehouse starts as a copy of the previous file (one file copy, at disk speed),
//   every table in it renamed `_prev_<name>` and every view and macro dropped; taking a table is a
//   rename (no row is read or written), and what nobody took is dropped at the end of the run
//   (`dropRetired`), so the warehouse holds only what this run made. At national size the copies of
//   the typed files alone took 30 s of a 48 s load (measured 2026-12-06).
// - attached: the previous file attached read-only (a warehouse with a write-ahead log left beside
//   it, or a load run on its own); taking a table copies its rows.
import { constants, copyFile, open } from "node:fs/promises";
import { existsSync } from "node:fs";
import { ident, literal, type Db } from "./db.ts";

export const RETIRED_PREFIX = "_prev_";

/** How a run reached the previous warehouse: copied (and retired), attached, or not at all. */
export type PreviousWarehouse = "copied" | "attached" | null;

export interface Previous {
  /** The SQL name of one of the previous warehouse's tables. */
  ref(table: string): string;
  /** Whether the previous warehouse has this table. */
  has(table: string): boolean;
  /** Make the previous table `from` this warehouse's table `to`, rows in their order (row ids too). */
  take(db: Db, from: string, to: string): Promise<void>;
  /** Let go of the previous warehouse: detach it, or drop what was retired and not taken. */
  release(db: Db): Promise<void>;
  /**
   * Commit the renames and drops of retiring (retire): the load does it after its first pass, which
   * only reads, so that the first commit's flush of the copied file (started by seedFrom) overlaps
   * that pass instead of stalling the run. Taking and releasing settle first. (On the connection
   * retire was given: the transaction is that connection's, whichever one takes.)
   */
  settle?(): Promise<void>;
}

/**
 * Start the build file as a copy of the previous warehouse, when it was closed cleanly (no
 * write-ahead log beside it: its file alone is the whole of it). Returns whether it did.
 */
export async function seedFrom(previous: string, buildFile: string): Promise<boolean> {
  if (existsSync(`${previous}.wal`)) return false;
  // (A copy-on-write clone where the file system has one, else a plain copy.)
  await copyFile(previous, buildFile, constants.COPYFILE_FICLONE);
  // The copy's pages are written out now, in the background: DuckDB's first commit syncs its log,
  // which on ext4 waited for all 915 MB of them (0.9 s nationally) with nothing else to do. A failed
  // flush only leaves that wait to the commit. (Not on Windows, where a file open here while DuckDB
  // opens it could be refused to DuckDB, and a handle opened to read cannot be flushed.)
  if (process.platform !== "win32") {
    void open(buildFile, "r")
      .then((fh) => fh.datasync().finally(() => fh.close()))
      .catch(() => undefined);
  }
  return true;
}

/**
 * Rename every table of a warehouse seeded from the previous one `_prev_…`, and drop its views and
 * macros, in one transaction left open until `settle` (what is read meanwhile sees it done).
 */
export async function retire(db: Db): Promise<Previous> {
  await db.run("BEGIN TRANSACTION");
  let pending = true;
  const settle = async () => {
    if (!pending) return;
    pending = false;
    await db.run("COMMIT");
  };
  for (const v of await db.all<{ name: string }>(`SELECT view_name AS name FROM duckdb_views() WHERE database_name = current_database() AND NOT internal AND NOT temporary`)) {
    await db.run(`DROP VIEW ${ident(v.name)}`);
  }
  for (const m of await db.all<{ name: string; table: boolean }>(
    `SELECT DISTINCT function_name AS name, function_type = 'table_macro' AS "table" FROM duckdb_functions() WHERE database_name = current_database() AND NOT internal AND function_type IN ('macro', 'table_macro')`,
  )) {
    await db.run(`DROP ${m.table ? "MACRO TABLE" : "MACRO"} ${ident(m.name)}`);
  }
  const tables = (await db.all<{ name: string }>(`SELECT table_name AS name FROM duckdb_tables() WHERE database_name = current_database() AND NOT temporary ORDER BY 1`)).map((r) => r.name);
  for (const t of tables) await db.run(`ALTER TABLE ${ident(t)} RENAME TO ${ident(RETIRED_PREFIX + t)}`);
  const have = new Set(tables);
  const taken = new Map<string, string>();
  return {
    ref: (t) => ident(RETIRED_PREFIX + t),
    has: (t) => have.has(t),
    async take(w, from, to) {
      await settle();
      const already = taken.get(from);
      if (already !== undefined) {
        await w.run(`CREATE TABLE ${ident(to)} AS SELECT * FROM ${ident(already)}`);
        return;
      }
      taken.set(from, to);
      await w.run(`ALTER TABLE ${ident(RETIRED_PREFIX + from)} RENAME TO ${ident(to)}`);
    },
    async release(w) {
      await settle();
      await dropRetired(w);
    },
    settle,
  };
}

/** Drop every retired table nobody took. */
async function dropRetired(db: Db): Promise<void> {
  const left = await db.all<{ name: string }>(
    `SELECT table_name AS name FROM duckdb_tables() WHERE database_name = current_database() AND NOT temporary AND starts_with(table_name, ${literal(RETIRED_PREFIX)})`,
  );
  for (const t of left) await db.run(`DROP TABLE ${ident(t.name)}`);
}

/** The previous warehouse attached read-only as `alias`; undefined when it cannot be opened. */
export async function attachPrevious(db: Db, file: string, alias: string): Promise<Previous | undefined> {
  try {
    await db.run(`ATTACH ${literal(file)} AS ${ident(alias)} (READ_ONLY)`);
  } catch {
    return undefined;
  }
  const have = new Set(
    (await db.all<{ name: string }>(`SELECT table_name AS name FROM duckdb_tables() WHERE database_name = ${literal(alias)} AND schema_name = 'main'`)).map((r) => r.name),
  );
  return {
    ref: (t) => `${ident(alias)}.${ident(t)}`,
    has: (t) => have.has(t),
    async take(w, from, to) {
      await w.run(`CREATE TABLE ${ident(to)} AS SELECT * FROM ${ident(alias)}.${ident(from)}`);
    },
    async release(w) {
      if ((await w.all(`SELECT 1 FROM duckdb_databases() WHERE database_name = ${literal(alias)}`)).length) await w.run(`DETACH ${ident(alias)}`);
    },
  };
}
