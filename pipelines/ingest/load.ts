// Step 2 of the load: every prepared file goes through one typed pass in DuckDB, then each kind
// is checked across files (keys, references) and published as a core table. Every row read is
// either in a core table or in `rejects`; the account is checked before the run may succeed.
import { createHash } from "node:crypto";
import { stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import { version as duckdbVersion } from "@duckdb/node-api";
import PQueue from "p-queue";
import { fullMessage, hasTable, ident, literal, openDb, traceNote, type Db } from "../lib/db.ts";
import { info, progress } from "../lib/log.ts";
import { attachPrevious, type Previous } from "../lib/previous.ts";
import { pipelineCode } from "../lib/code.ts";
import { collectGarbage } from "../lib/gc.ts";
import { cols, writeTable } from "../lib/table.ts";
import type { Policy } from "../lib/policy.ts";
import { KINDS, SPECS, SQL_TYPE, canonicalHeader, type Kind, type KindSpec } from "./contract.ts";
import { prepareInputs, type FileOutcome, type PreparedPart, type ScanMemo } from "./prepare.ts";
import type { Keeper } from "./kept.ts";
import { sha256File } from "../lib/hash.ts";
import type { ScanFacts } from "./scan.ts";
import { plainHeader, repeatedHeader } from "./header.ts";
import { IDENTITY_HEADER, identityColumn, normaliseHeader } from "./identity.ts";
import { LABELS } from "./survey.ts";
import { NORMALISATIONS, nativeHeaders, readCsv, stoppedColumn, typeCheckSql, type HeaderMap, type ItemScale } from "./validate.ts";

export interface PartAccount {
  /** As written in rejects.csv: the path inside the input folder (with `#sheet` for a workbook of several kinds). */
  label: string;
  kind: Kind;
  sheet?: string;
  rows_read: number;
  rows_loaded: number;
  rows_rejected: number;
  /** Date cells given as Excel serial day numbers, converted. */
  excel_dates: number;
  /** Cells normalised, by kind (full-width characters, inner spaces in codes, percentages, Chinese labels). */
  normalised: Record<string, number>;
  /**
   * How the typed pass read it: `native` (numbers and times typed by DuckDB's CSV reader), `text`
   * (every cell as text), or `reused`: the same bytes typed by the same statement in the previous
   * warehouse, whose typed rows were copied.
   */
  read: "native" | "text" | "reused";
  /** Of a native read, the columns read as text all the same (a cell in each needed the text read). */
  textColumns?: string[];
}

export interface LoadResult {
  outcomes: FileOutcome[];
  parts: PartAccount[];
  /** Cross-file checks that could not run because the referenced kind was not supplied. */
  skippedChecks: string[];
  /** Kinds whose checks across files were taken from the previous warehouse (same files, code and parents). */
  checksTaken: Kind[];
  /** Kinds whose files are the previous run's with new ones after them: only the new rows were checked across files. */
  checksAppended: Kind[];
  /**
   * Of those, the kinds whose table is the previous run's rows and the new files' (a view of one table
   * per file, of the contract's columns alone: no item columns a new file could add), with the new
   * files' labels: the models' fingerprint of such a table is the previous one plus its new rows'.
   */
  appendedFiles: Record<string, string[]>;
  /** Input files not read again: the same on disk as in the previous run, their scan taken from it (prepare.ts: ScanMemo). */
  scansTaken: number;
  /** Workbooks and CSVs made plain whose CSVs were taken from the previous run, not written again (kept.ts). */
  preparedTaken: number;
  tables: Record<string, number>;
  suppliedKinds: Kind[];
}

export class AccountError extends Error {}
/** An input folder without a single file: a wrong path, most likely (exit 1, not "done: 0 rows"). */
export class EmptyInputError extends Error {}
/** A header that maps to no valid shape of its kind: the file is refused, whoever read the header. */
class HeaderProblem extends Error {}

/**
 * Whether a failed typed pass says something about the file (it is refused, the rest loads) or about
 * the machine or the code (out of memory, a full disk, an interruption, a bug): those stop the run,
 * and the previous results stay as they were.
 */
export function isInputError(e: unknown): boolean {
  if (e instanceof HeaderProblem) return true;
  const message = e instanceof Error ? e.message : String(e);
  return /^(Invalid Input Error|Conversion Error|Parser Error)\b/.test(message);
}


function emptyTableSql(spec: KindSpec): string {
  const cols = spec.cols.map((c) => `${ident(c.name)} ${SQL_TYPE[c.type]}`);
  return `CREATE TABLE ${ident(spec.kind)} (${cols.join(", ")}, _extra JSON, _file VARCHAR, _line BIGINT)`;
}

function answersTableSql(table: string, key: string[]): string {
  return `CREATE TABLE ${ident(table)} (${key.map((k) => `${ident(k)} VARCHAR`).join(", ")}, item_id VARCHAR, value SMALLINT)`;
}

function mapHeaders(spec: KindSpec, headers: string[], hasLineColumn: boolean): { maps: HeaderMap[]; problem?: string } {
  const maps: HeaderMap[] = [];
  const seen = new Map<string, string>();
  for (const header of headers) {
    if (hasLineColumn && header === "__line") {
      maps.push({ header, target: { kind: "line" } });
      continue;
    }
    if (spec.forbidden?.test(header.trim()) || (spec.kind === "evaluations" && IDENTITY_HEADER.test(normaliseHeader(header)))) {
      return { maps, problem: `carries a teacher column "${header}": evaluations are anonymous, so the whole file is refused (remove the column and deliver it again)` };
    }
    const canonical = canonicalHeader(spec, header);
    if (canonical) {
      const before = seen.get(canonical);
      if (before !== undefined) return { maps, problem: `columns "${before}" and "${header}" both mean ${canonical}` };
      seen.set(canonical, header);
      const col = spec.cols.find((c) => c.name === canonical);
      maps.push({ header, target: col ? { kind: "col", col } : { kind: "item", id: canonical } });
    } else if (/^column\d+$/.test(header)) {
      maps.push({ header, target: { kind: "unnamed" } });
    } else {
      maps.push({ header, target: { kind: "extra" } });
    }
  }
  const missing = spec.cols.filter((c) => c.required && !seen.has(c.name)).map((c) => `${c.name} (${c.zh[0]})`);
  if (missing.length) return { maps, problem: `lacks required column(s) ${missing.join(", ")}` };
  if (spec.kind === "evaluations" && !maps.some((m) => m.target.kind === "item")) {
    return { maps, problem: "has no item columns (q01, q02, …): nothing to evaluate" };
  }
  return { maps };
}

async function itemScales(db: Db, policy: Policy): Promise<Map<string, ItemScale>> {
  const rows = await db.all<{ item_id: string; lo: number | null; hi: number | null }>(
    `SELECT lower(item_id) AS item_id, scale_min AS lo, scale_max AS hi FROM instrument`,
  );
  return new Map(rows.map((r) => [r.item_id, { min: Number(r.lo ?? policy.likert.min), max: Number(r.hi ?? policy.likert.max) }]));
}

const n = (x: unknown) => Number(x ?? 0);
/** Files of one kind beyond which its table is written out rather than kept as a view over them. */
export const MANY_FILES = 64;
/** Native reads of a file (each stop reads one more column as text) before it is read as text throughout. */
const NATIVE_TRIES = 3;
/** Files typed side by side, one connection each. */
const WORKERS = Math.min(4, availableParallelism());

/**
 * The kinds whose tables a kind's typed pass reads, loaded before it is typed: a survey's item
 * scales are the instrument's, and an evaluation's extra columns are judged against the trainees'
 * ids (identity.ts). Every other kind's files are typed from the start, side by side.
 */
export const TYPED_AFTER: Partial<Record<Kind, readonly Kind[]>> = { evaluations: ["instrument", "trainees"], followups: ["instrument"] };

/** A file's typed pass, done: its typed table and what the pass found. */
/**
 * What the load reports of a typed file and reads from it beside its rows, counted once when it is
 * typed and kept with its key (`_typed_parts`): a file taken by the next run is not counted again
 * (88 count queries, 0.5 s of a national rerun).
 */
interface TypedFacts {
  read: number;
  excelDates: number;
  normalised: Record<string, number>;
  /** Rows with a rejected cell (none: no rejects to copy from the table). */
  errors: number;
  /** Of a native read, the columns read as text all the same. */
  textColumns: string[];
}

interface Checked {
  facts: TypedFacts;
  table: string;
  label: string;
  part: PreparedPart;
  order: number;
  readPath: PartAccount["read"];
  hasExtra: boolean;
  keyed?: { key: string; read: "native" | "text" };
}

export interface LoadOptions {
  /**
   * A previous warehouse (its file, attached read-only for the load, or one retired into this
   * warehouse: lib/previous.ts): a file whose bytes and typed-pass statement (the statement's text,
   * with DuckDB's version) are those of a typed file there is taken from it instead of typed again.
   */
  previous?: string | Previous;
  /** Keys sorted at most this many rows at a time in the check for repeated keys (keysAtOnceFor the memory limit; fewer in tests). */
  keysAtOnce?: number;
  /**
   * The first pass over the input folder, already started (firstPass: run.ts starts it beside the
   * copy of the previous warehouse, as it reads no warehouse); else the load runs it.
   */
  firstPass?: Promise<FileOutcome[]>;
}

/**
 * The load's first pass (prepare.ts): every file of the input folder found, scanned (or its scan
 * taken from `scans`, the previous run's: scansIn) and made a CSV DuckDB can read, in `workDir`
 * (a workbook's or a GB18030 file's taken by `keeper` from the previous run where it can: kept.ts).
 */
export function firstPass(inputDir: string, workDir: string, policy: Policy, scans: ScanMemo = new Map(), keeper?: Keeper): Promise<FileOutcome[]> {
  return prepareInputs(inputDir, path.join(workDir, "prepared"), 4, undefined, { sources: policy.sources, labels: policy.labels, scale: policy.likert }, scans, keeper);
}

/**
 * Files typed side by side share DuckDB's threads: each connection's query runs on its own calling
 * thread besides DuckDB's, so two queries at two threads each keep three threads busy on two cores.
 * Two national attendance files typed side by side at one thread each took 6.0-7.4 s, against
 * 7.2-8.7 s at two threads each and 7.6-10.1 s one after the other at two (11.5-14.2 CPU
 * seconds against 13.8-19.3). Each query gets its share of the threads, then, where the files come in pairs of
 * like size: where the others together are at least two thirds of the largest, which would run on
 * its share alone after them (1.27 times the time on half the cores breaks even at 0.57). The
 * setting is restored after the kinds. Returns the setting before, or undefined where it was left alone.
 */
export async function threadsSideBySide(db: Db, connections: number, sizes: readonly number[]): Promise<{ before: number } | undefined> {
  if (connections < 2 || sizes.length < 2) return undefined;
  const largest = Math.max(...sizes);
  if (3 * (sizes.reduce((a, b) => a + b, 0) - largest) < 2 * largest) return undefined;
  const [row] = await db.all<{ t: bigint | number }>(`SELECT current_setting('threads') AS t`);
  const before = Number(row?.t ?? 1);
  const share = Math.max(1, Math.floor(before / connections));
  if (share === before) return undefined;
  await db.run(`SET threads = ${share}`);
  return { before };
}

/** The previous warehouse's typed files by key (see typedKey), with their facts where it kept them. */
async function typedParts(db: Db, previous: Previous | undefined): Promise<Map<string, { table: string; read: "native" | "text"; facts?: TypedFacts }>> {
  const found = new Map<string, { table: string; read: "native" | "text"; facts?: TypedFacts }>();
  if (!previous?.has("_typed_parts")) return found;
  // (A warehouse of older code has no facts column: its files are counted again.)
  const rows = await db.all<{ table_name: string; key: string; read: "native" | "text"; facts?: string | null }>(`SELECT * FROM ${previous.ref("_typed_parts")}`);
  for (const r of rows) {
    if (previous.has(r.table_name)) found.set(r.key, { table: r.table_name, read: r.read, ...(r.facts ? { facts: JSON.parse(r.facts) as TypedFacts } : {}) });
  }
  return found;
}

/** What a typed file's table holds beside its rows (TypedFacts), counted in one pass. */
async function typedFacts(w: Db, table: string, textColumns: string[]): Promise<TypedFacts> {
  const [counts] = await w.all<Record<string, bigint | null>>(
    `SELECT count(*) AS c, count(*) FILTER (WHERE _errors IS NOT NULL) AS e, sum(_notes.excel_dates) FILTER (WHERE _errors IS NULL) AS x, ${NORMALISATIONS.map((k) => `sum(_notes.${k}) AS ${k}`).join(", ")} FROM ${ident(table)}`,
  );
  const normalised = Object.fromEntries(NORMALISATIONS.map((k) => [k, n(counts?.[k])]).filter(([, v]) => Number(v) > 0));
  return { read: n(counts?.c), excelDates: n(counts?.x), normalised, errors: n(counts?.e), textColumns };
}

/**
 * What a typed file is a function of: the bytes DuckDB reads (the prepared CSV), the statements that
 * type them (native and text, which carry the header's mapping, the scales, the labels and every
 * rule), and DuckDB's version. Equal keys, equal tables.
 */
function typedKey(csvSha: string, statements: string[]): string {
  const hash = createHash("sha256").update(`duckdb ${duckdbVersion()}\0${csvSha}`);
  for (const s of statements) hash.update(`\0${s}`);
  return hash.digest("hex");
}

/**
 * The native read of a file into `table`: numbers, dates and times typed by DuckDB's CSV reader. A
 * cell it cannot judge stops it (validate.ts: a cell the text read would change or report with its
 * text, or one the reader cannot cast); the column named in the stop is then read as text and the
 * rest natively again (an item stopping: every item, as a survey's answers are written one way).
 * Each column is typed on its own, so any such mix gives the text read's table. Returns the columns
 * read as text, or undefined, leaving no table, when the whole file is to be read as text: nothing
 * to read natively, NATIVE_TRIES stops, or a stop that names no column (a row wider than the header).
 */
export async function nativeRead(w: Db, table: string, maps: HeaderMap[], statement: (textColumns: ReadonlySet<string>) => string, csv: string, label = csv): Promise<string[] | undefined> {
  const natives = nativeHeaders(maps);
  const textColumns = new Set<string>();
  for (let tries = 0; natives.length > textColumns.size && tries < NATIVE_TRIES; tries++) {
    try {
      await w.run(statement(textColumns), { csv });
      return natives.filter((h) => textColumns.has(h));
    } catch (e) {
      // Whatever stopped it (a cell for the text read, a cast the reader refused, a row wider than
      // the header) the text read judges again; only the machine's own limits stop the run.
      const message = fullMessage(e);
      if (/^Out of Memory Error/.test(message)) throw e;
      await w.run(`DROP TABLE IF EXISTS ${ident(table)}`);
      const stopped = stoppedColumn(message, natives.filter((h) => !textColumns.has(h)));
      // (Not the line DuckDB quotes: a comment in it is personal data, and a trace gets pasted.)
      traceNote(`native read of ${label} stopped: ${stopped ? `column ${stopped} as text` : "every column as text"}`, message.split("\n").slice(0, 3).filter((l) => !l.startsWith("Original Line")).join(" / "));
      if (stopped === undefined) return undefined;
      const item = maps.find((m) => m.header === stopped)?.target.kind === "item";
      for (const m of maps) if (m.header === stopped || (item && m.target.kind === "item")) textColumns.add(m.header);
    }
  }
  return undefined;
}

export async function loadWarehouse(db: Db, inputDir: string, workDir: string, policy: Policy, opts: LoadOptions = {}): Promise<LoadResult> {
  const source = typeof opts.previous === "string" ? await attachPrevious(db, opts.previous, "prev") : opts.previous;
  if (typeof opts.previous === "string" && !source) info(`  (the previous warehouse cannot be opened, every file is typed again)`);
  // The loaded files are written without FSST: DuckDB tries it on every segment of text and keeps
  // it for few (unique ids: a response's, some files' teacher ids), storing codes and labels by
  // dictionary. Trying it cost a national attendance file 0.6 s of its 6.2 s, the national load
  // 2.4 s; the warehouse is 5 % larger for it (842 MB against 801 MB). (The models' tables keep it.)
  await db.run(`SET disabled_compression_methods = 'fsst'`);
  try {
    return await loadFrom(db, inputDir, workDir, policy, source, opts.keysAtOnce, opts.firstPass);
  } finally {
    await db.run(`RESET disabled_compression_methods`);
    // (One retired into this warehouse is the caller's: the models take from it too.)
    if (typeof opts.previous === "string") await source?.release(db);
  }
}

async function loadFrom(db: Db, inputDir: string, workDir: string, policy: Policy, source: Previous | undefined, keysAtOnce?: number, started?: Promise<FileOutcome[]>): Promise<LoadResult> {
  const atOnce = keysAtOnce ?? (await keysAtOnceFor(db));
  const t0 = performance.now();
  const outcomes = await (started ?? firstPass(inputDir, workDir, policy, await scansFrom(db, source?.has(SCANS_TABLE) ? source.ref(SCANS_TABLE) : undefined)));
  traceNote(`first pass ${started ? "waited for " : ""}${((performance.now() - t0) / 1000).toFixed(2)} s`, `${outcomes.length} files`);
  // The first pass's garbage (gigabytes of read buffers, nationally) collected now: left to V8, its
  // collection ran beside the first typed file and slowed it (a national submissions file's typed
  // pass 4.5-5.0 s against 3.4-3.5 s after a collection of 9 ms; lib/gc.ts).
  collectGarbage();
  // (Only now what retiring the previous warehouse changed is committed: lib/previous.ts.)
  await source?.settle?.();
  if (outcomes.length === 0) throw new EmptyInputError(`the input folder ${inputDir} holds no files: nothing to load`);
  for (const o of outcomes) {
    if (o.status === "refused") info(`拒收 refused ${o.file.path}: ${o.message}`);
    if (o.status === "duplicate") info(`重复 duplicate ${o.file.path}: ${o.message}`);
    if (o.status === "ignored") info(`忽略 ignored ${o.file.path}: ${o.message}`);
  }
  // What each file's scan found, by its identity on disk, for the next run (files settled on disk).
  const scanned = outcomes.filter((o) => o.scanned);
  const kept = scanned.filter((o) => o.scanned!.settled);
  await writeTable(db, SCANS_TABLE, cols({ path: "VARCHAR", identity: "VARCHAR", facts: "VARCHAR" }), kept.map((o) => [o.file.path, o.scanned!.identity, JSON.stringify(o.scanned!.facts)]));
  await db.run(`CREATE TABLE rejects (file VARCHAR, line BIGINT, "column" VARCHAR, reason VARCHAR, value VARCHAR, kind VARCHAR)`);
  await db.run(`CREATE TABLE _rejected_rows (kind VARCHAR, _file VARCHAR, _line BIGINT)`);
  // Every typed file by key, so that the next run can take it from here.
  await db.run(`CREATE TABLE _typed_parts (table_name VARCHAR, key VARCHAR, read VARCHAR, facts VARCHAR)`);
  // Every kind's checks across files by what they read (see checksSignature), for the next run.
  await db.run(`CREATE TABLE ${CHECKS_TABLE} (kind VARCHAR, base VARCHAR, files VARCHAR)`);
  const previous = await typedParts(db, source);
  const checkedBefore = new Map<string, Omit<Checks, "signature">>();
  if (source?.has(CHECKS_TABLE) && source.has("rejects")) {
    // (SELECT *: a warehouse of older code has other columns, and its checks match nothing here.)
    for (const r of await db.all<{ kind: string; base?: string; files?: string }>(`SELECT * FROM ${source.ref(CHECKS_TABLE)}`)) {
      if (r.base && r.files) checkedBefore.set(r.kind, { base: r.base, files: JSON.parse(r.files) as [string, string][] });
    }
  }
  const signatures = new Map<Kind, string>();
  return loadKinds();

  async function loadKinds(): Promise<LoadResult> {

  const allParts = outcomes.flatMap((o) => o.parts);
  const labelOf = (p: PreparedPart) => (p.sheet && p.file.path.toLowerCase().endsWith(".xlsx") && outcomes.find((o) => o.file === p.file)!.parts.length > 1 ? `${p.file.path}#${p.sheet}` : p.file.path);
  const bar = progress("载入 loading", allParts.length);
  const accounts: PartAccount[] = [];
  const skippedChecks: string[] = [];
  const checksTaken: Kind[] = [];
  const checksAppended: Kind[] = [];
  const appendedFiles: Record<string, string[]> = {};
  const suppliedKinds: Kind[] = [];
  const tables: Record<string, number> = {};
  // Each file's number (its typed table's name, its rows' _order): in kind order, then file order.
  const orderOf = new Map<PreparedPart, number>();
  for (const kind of KINDS) for (const p of allParts) if (p.kind === kind) orderOf.set(p, orderOf.size);
  /** The typed files of each kind typed so far, in file order. */
  const typed = new Map<Kind, Checked[]>();

  // The typed pass of each file, as many at a time as there are connections: a small file costs
  // DuckDB more in planning than in reading, and a province may send thousands of them.
  const typedPass = async (w: Db, part: PreparedPart, order: number, scales: Map<string, ItemScale>): Promise<void> => {
    const kind = part.kind;
    const spec = SPECS[kind];
    const label = labelOf(part);
    const table = `_checked_${order}`;
    const delim = part.delim;
    const outcome = outcomes.find((o) => o.file === part.file)!;
    const pass = async (columns: string[] | undefined) => {
      const names =
        columns ??
        (
          await w.all<{ column_name: string }>(
            `DESCRIBE SELECT * FROM ${readCsv(delim)}`,
            { csv: part.csv },
          )
        ).map((d) => d.column_name);
      const { maps, problem } = mapHeaders(spec, names, part.hasLineColumn);
      if (problem) throw new HeaderProblem(problem);
      // (Columns the contract does not know are kept in `_extra`; a file without them has none.)
      hasExtra = maps.some((m) => m.target.kind === "extra");
      if (kind === "evaluations") {
        // Anonymity by content: the columns the contract does not know, and a stray id column.
        const suspects = maps.filter((m) => m.target.kind === "extra" || m.target.kind === "unnamed").map((m) => m.header);
        const who = await identityColumn(w, part.csv, delim, suspects, suppliedKinds.includes("trainees"));
        if (who) throw new HeaderProblem(`${who}: evaluations are anonymous, so the whole file is refused (remove the column and deliver it again)`);
      }
      // (What the scan found of the delivered file's bytes holds for the CSV read only where it is that file.)
      const asDelivered = part.csv === part.file.abs;
      const sql = (native: boolean, name = table, textColumns?: ReadonlySet<string>) =>
        typeCheckSql({ table: name, spec, headers: maps, itemScales: scales, defaultScale: policy.likert, delim, columns, labels: { ...LABELS, ...policy.labels }, native, textColumns, ascii: asDelivered && part.file.ascii === true, tabs: asDelivered ? part.file.tabs : undefined });
      const key = typedKey(asDelivered ? part.file.sha256 : await sha256File(part.csv), [sql(true, "_"), sql(false, "_")]);
      const before = previous.get(key);
      if (before) {
        await source!.take(w, before.table, table);
        readPath = "reused";
        keyed = { key, read: before.read };
        facts = before.facts;
        return;
      }
      // The native read first (numbers and times typed by the CSV reader: about twice as fast on
      // a large file), column by column back to text where a cell needs it (nativeRead).
      const asTextNow = columns ? await nativeRead(w, table, maps, (textColumns) => sql(true, table, textColumns), part.csv, part.file.path) : undefined;
      if (asTextNow) {
        readPath = "native";
        asText = asTextNow;
        keyed = { key, read: "native" };
        return;
      }
      // A regular table in the build database, not TEMP: at national scale a temp table spills
      // to the temp folder and is written twice.
      await w.run(sql(false), { csv: part.csv });
      readPath = "text";
      keyed = { key, read: "text" };
    };
    let readPath: "native" | "text" | "reused" = "text";
    /** Of a native read, the columns read as text all the same. */
    let asText: string[] = [];
    let hasExtra = false;
    /** Of a file taken from the previous run, what was counted when it was typed. */
    let facts: TypedFacts | undefined;
    let keyed: { key: string; read: "native" | "text" } | undefined;
    try {
      // The header read in Node spares DuckDB's sniffer; a file it cannot read that way (a row
      // wider than the header, say) goes through the sniffer, which names and reports such cells.
      const repeated = await repeatedHeader(part.csv, delim);
      if (repeated) throw new HeaderProblem(`repeats the column "${repeated}": which one holds the values? Rename or remove one and deliver it again`);
      const header = await plainHeader(part.csv, delim);
      try {
        await pass(header);
      } catch (e) {
        if (!header || e instanceof HeaderProblem) throw e;
        await w.run(`DROP TABLE IF EXISTS ${ident(table)}`);
        await pass(undefined);
      }
    } catch (e) {
      if (!isInputError(e)) throw e;
      outcome.status = "refused";
      // One sentence a user can act on: never a temporary path (the file's own path instead).
      const first = (e as Error).message.split("\n")[0]!.split(part.csv).join(part.file.path).replace(/\/\S*\.work\/\S*/g, part.file.path);
      outcome.message = `${part.sheet ? `sheet ${part.sheet}: ` : ""}${e instanceof HeaderProblem ? first : `could not be read as ${kind}: ${first}`}`;
      info(`拒收 refused ${part.file.path}: ${outcome.message}`);
      await w.run(`DROP TABLE IF EXISTS ${ident(table)}`);
      bar.tick(part.file.path);
      return;
    }
    facts ??= await typedFacts(w, table, asText);
    typed.get(kind)!.push({ facts, table, label, part, order, readPath, hasExtra, keyed });
    bar.tick(part.file.path);
  };

  /**
   * The typed pass of every file of `kinds`, side by side, the largest first: a large file keeps
   * its connection busy but for the end of its read, which the next one fills (0.7 s of a national
   * load's 65 s). Kinds together, so that large files of different kinds (a national submissions
   * file beside an attendance file) share the cores.
   */
  async function typeKinds(kinds: readonly Kind[]): Promise<void> {
    const scales = kinds.some((k) => SPECS[k].items) ? await itemScales(db, policy) : new Map<string, ItemScale>();
    for (const kind of kinds) typed.set(kind, []);
    const parts = allParts.filter((p) => kinds.includes(p.kind));
    const bySize = (await Promise.all(parts.map(async (part) => ({ part, order: orderOf.get(part)!, size: (await stat(part.csv)).size })))).sort((a, b) => b.size - a.size || a.order - b.order);
    const idle = [db];
    for (let i = 1; i < Math.min(WORKERS, bySize.length); i++) idle.push(await db.connect());
    const queue = new PQueue({ concurrency: idle.length });
    const threads = await threadsSideBySide(db, idle.length, bySize.map((f) => f.size));
    try {
      await Promise.all(
        bySize.map(({ part, order }) =>
          queue.add(async () => {
            const w = idle.pop()!;
            try {
              await typedPass(w, part, order, scales);
            } finally {
              idle.push(w);
            }
          }),
        ),
      );
    } finally {
      for (const w of idle) if (w !== db) w.close();
      if (threads) await db.run(`SET threads = ${threads.before}`);
    }
    for (const kind of kinds) typed.get(kind)!.sort((a, b) => a.order - b.order);
  }

  for (const [i, kind] of KINDS.entries()) {
    // Files are typed kinds at a time, each kind once the kinds its typed pass reads are loaded
    // (TYPED_AFTER: kinds before this one); the checks across files and the tables follow kind by
    // kind, in KINDS order.
    if (!typed.has(kind)) await typeKinds(KINDS.filter((k) => !typed.has(k) && (TYPED_AFTER[k] ?? []).every((d) => KINDS.indexOf(d) < i)));
    const kindStart = performance.now();
    const spec = SPECS[kind];
    const checked = typed.get(kind)!;
    // Each file's rejected cells, then its key, in file order (not as the files typed side by side
    // finish): identical inputs give the rejects table in the same order, row ids included.
    for (const c of checked) {
      if (c.facts.errors === 0) continue;
      await db.run(
        `INSERT INTO rejects SELECT $label, line, e."column", e.reason, e.value, $kind
         FROM (SELECT ${c.part.hasLineColumn ? "__line" : "rowid + 2"} AS line, unnest(_errors) AS e FROM ${ident(c.table)} WHERE _errors IS NOT NULL)`,
        { label: c.label, kind },
      );
    }
    // (The keys of a kind's files in one statement: one commit, not one a file.)
    const keys = checked.flatMap((c) => {
      if (!c.keyed) return [];
      return [`(${[c.table, c.keyed.key, c.keyed.read, JSON.stringify(c.facts)].map(literal).join(", ")})`];
    });
    if (keys.length) await db.run(`INSERT INTO _typed_parts VALUES ${keys.join(", ")}`);

    if (checked.length === 0) {
      await db.run(emptyTableSql(spec));
      if (spec.items) await db.run(answersTableSql(spec.items.answersTable, spec.key));
      tables[kind] = 0;
      continue;
    }
    suppliedKinds.push(kind);

    // Good rows of every file of this kind, with provenance. Files lacking an item column get NULL there.
    const selects = checked.map((c) => {
      const lineExpr = c.part.hasLineColumn ? "__line" : "rowid + 2";
      return `SELECT * EXCLUDE (_errors, _notes${c.part.hasLineColumn ? ", __line" : ""}), ${c.hasExtra ? "" : "CAST(NULL AS JSON) AS _extra, "}${literal(c.label)} AS _file, ${lineExpr} AS _line, ${c.order} AS _order FROM ${ident(c.table)} WHERE _errors IS NULL`;
    });
    // Views, not copies: the checked tables (one per file, typed, rejected rows included) are
    // scanned by the checks, and the kind's table is a view of their rows that passed.
    const checkedView = `_${kind}_checked`;
    await db.run(`CREATE VIEW ${ident(checkedView)} AS ${selects.join("\nUNION ALL BY NAME\n")}`);
    await db.run(`CREATE TEMP VIEW stg AS SELECT * FROM ${ident(checkedView)}`);

    const itemCols = spec.items
      ? (await db.all<{ column_name: string }>(`DESCRIBE stg`)).map((d) => d.column_name).filter((c) => spec.items!.pattern.test(c))
      : [];
    const key = spec.key.map(ident);
    const content = [...spec.cols.map((c) => c.name), ...itemCols].map(ident);

    await db.run(`CREATE TEMP TABLE bad (_file VARCHAR, _line BIGINT, "column" VARCHAR, reason VARCHAR, value VARCHAR)`);
    const checks = checksOf(checked.map((c) => [c.label, c.keyed?.key]), spec.refs.map((r) => [r.kind, signatures.get(r.kind)]));
    if (checks) {
      signatures.set(kind, checks.signature);
      await db.run(`INSERT INTO ${CHECKS_TABLE} VALUES ($kind, $base, $files)`, { kind, base: checks.base, files: JSON.stringify(checks.files) });
    }
    for (const ref of spec.refs) {
      if (!suppliedKinds.includes(ref.kind)) skippedChecks.push(`${kind}.${ref.cols.join("+")} → ${ref.kind}: no ${ref.kind} file supplied, reference not checked`);
    }
    const rowsRead = checked.reduce((a, c) => a + c.facts.read, 0);
    const earlier = checks && previousFiles(checkedBefore.get(kind), checks);
    const sameChecks = earlier === checked.length;
    // The previous run's files, the same and in the same order, with new ones after them: the first new one's order.
    const appendedFrom = earlier !== undefined && earlier < checked.length ? checked[earlier]!.order : undefined;
    const takeFindings = () =>
      db.run(`INSERT INTO bad SELECT file, line, "column", reason, value FROM ${source!.ref("rejects")} WHERE kind = $kind AND reason IN (${CHECK_REASONS.map(literal).join(", ")})`, { kind });
    if (sameChecks) {
      checksTaken.push(kind);
      // The same files (names and typed bytes) checked by the same code against the same parents:
      // the previous run's findings are this run's, taken rather than found again.
      await takeFindings();
    } else if (appendedFrom !== undefined) {
      checksAppended.push(kind);
      // Files added after the previous run's: the earlier rows keep what was found of them (a row is
      // judged only against rows before it, and the parents are the same); the new rows are checked.
      await takeFindings();
      await rejectRepeatedKeys(db, spec, content, rowsRead, atOnce, appendedFrom);
      await rejectUnknownReferences(db, kind, spec, suppliedKinds, appendedFrom);
    } else {
      await rejectRepeatedKeys(db, spec, content, rowsRead, atOnce);
      await rejectUnknownReferences(db, kind, spec, suppliedKinds);
    }

    await db.run(`INSERT INTO rejects SELECT _file, _line, "column", reason, value, ${literal(kind)} FROM bad ORDER BY ALL`);
    // (In order: a DISTINCT alone gives its rows in an order of the threads' making, and identical
    // inputs give identical tables.)
    await db.run(`INSERT INTO _rejected_rows SELECT DISTINCT ${literal(kind)}, _file, _line FROM bad ORDER BY _file, _line`);
    const keep = [...spec.cols.map((c) => ident(c.name)), ...itemCols.map(ident), "_extra", "_file", "_line"];
    const asTable = checked.length > MANY_FILES;
    if (appendedFrom !== undefined && !asTable && !spec.items) appendedFiles[kind] = checked.filter((c) => c.order >= appendedFrom).map((c) => c.label);
    const files: KindFile[] = checked.map((c, i) => ({ order: c.order, rows: selects[i]!, read: c.facts.read }));
    // (Such a table, of the same files under the same checks, is the previous run's: taken.)
    if (asTable && sameChecks && source!.has(kind)) await source!.take(db, kind, kind);
    else if (asTable && appendedFrom !== undefined && source!.has(kind)) {
      // (The previous table is this one's first rows, in the same order: the new files' rows follow.)
      await source!.take(db, kind, kind);
      await inOneTransaction(db, appendedRowsSql(kind, files.filter((f) => f.order >= appendedFrom)));
    } else await inOneTransaction(db, kindTableSql(kind, checkedView, keep, asTable ? files : undefined));
    if (spec.items) {
      const answers = spec.items.answersTable;
      if (itemCols.length) {
        // Long form, one row per answered item (a blank item has no row): a view over the wide
        // table, so tens of millions of answers are not written twice.
        await db.run(`
          CREATE VIEW ${ident(answers)} AS
          SELECT ${key.join(", ")}, item_id, CAST(value AS SMALLINT) AS value FROM (
            UNPIVOT (SELECT ${key.join(", ")}, ${itemCols.map(ident).join(", ")} FROM ${ident(kind)})
            ON ${itemCols.map(ident).join(", ")} INTO NAME item_id VALUE value)`);
      } else {
        await db.run(answersTableSql(answers, spec.key));
      }
      // (A row per answered item: counted from the wide table's items, not by unpivoting them all,
      // 0.2 s for the 40 M national answers.)
      const counted = itemCols.length ? `SELECT ${itemCols.map((c) => `count(${ident(c)})`).join(" + ")} AS c FROM ${ident(kind)}` : `SELECT count(*) AS c FROM ${ident(answers)}`;
      tables[answers] = n((await db.all<{ c: bigint | number }>(counted))[0]?.c);
    }
    await db.run(`DROP VIEW stg`);
    await db.run(`DROP TABLE bad`);
    // The row account of every file of this kind: read = loaded + rejected, or the run fails. (The
    // kind's rows are the sum of its files': one pass over them, not two.)
    const loaded = new Map(
      (await db.all<{ f: string; c: bigint }>(`SELECT _file AS f, count(*) AS c FROM ${ident(kind)} GROUP BY ALL`)).map((r) => [r.f, n(r.c)]),
    );
    tables[kind] = [...loaded.values()].reduce((a, c) => a + c, 0);
    const rejected = new Map(
      (await db.all<{ f: string; c: bigint }>(`SELECT file AS f, count(DISTINCT line) AS c FROM rejects WHERE kind = $kind GROUP BY ALL`, { kind })).map((r) => [r.f, n(r.c)]),
    );
    info(`  ${kind}: ${tables[kind]} rows in ${((performance.now() - kindStart) / 1000).toFixed(1)} s`);
    for (const c of checked) {
      accounts.push({ label: c.label, kind, sheet: c.part.sheet, rows_read: c.facts.read, rows_loaded: loaded.get(c.label) ?? 0, rows_rejected: rejected.get(c.label) ?? 0, excel_dates: c.facts.excelDates, normalised: c.facts.normalised, read: c.readPath, ...(c.facts.textColumns.length ? { textColumns: c.facts.textColumns } : {}) });
    }
  }
  bar.done();
  return { outcomes, parts: accounts, skippedChecks, checksTaken, checksAppended, appendedFiles, scansTaken: scanned.filter((o) => o.scanned!.taken).length, preparedTaken: outcomes.filter((o) => o.prepared?.taken && o.status !== "duplicate").length, tables, suppliedKinds };
  }
}

/**
 * A kind's table, as statements: the rows of its typed files that were not rejected. A view costs
 * nothing to build, but every query over it plans one branch per file: past MANY_FILES files (a
 * province sending a file per project, say) one copy into a table is cheaper (`files`: each file's
 * order, rows and rows read). The copy is written in file order, then line (the anti join keeps no
 * order of its own): identical inputs, identical tables, row ids too. One sort of all the files'
 * rows ran out of memory on five national years (10 M evaluations, at the default 1,500 MB): they
 * are sorted and written a batch of consecutive files at a time, up to BATCH_ROWS rows read (a
 * statement per file took 8.4 s nationally, against 1.9 s for one).
 */
export function kindTableSql(kind: string, checkedView: string, keep: string[], files?: readonly KindFile[]): string[] {
  if (!files) return [`CREATE VIEW ${ident(kind)} AS ${goodRows(kind, ident(checkedView), keep.join(", "))}`];
  return [`CREATE TABLE ${ident(kind)} AS SELECT ${keep.join(", ")} FROM ${ident(checkedView)} LIMIT 0`, ...appendedRowsSql(kind, files)];
}

/** A typed file of a kind written into its table: its order, its rows (typed, not rejected in the file) and how many rows it read. */
export interface KindFile {
  order: number;
  rows: string;
  read: number;
}

/** At most this many rows read (a file's own count) sorted at once into a kind's table: a batch of files ends before it, or is one file. */
export const BATCH_ROWS = 1_000_000;

/** Statements run in one transaction (one commit, not one per batch); none of them if one fails. */
async function inOneTransaction(db: Db, statements: readonly string[]): Promise<void> {
  await db.run("BEGIN TRANSACTION");
  try {
    for (const sql of statements) await db.run(sql);
  } catch (e) {
    await db.run("ROLLBACK");
    throw e;
  }
  await db.run("COMMIT");
}

/**
 * The rows of the given files that were not rejected, appended to the kind's table in file order,
 * then line: a batch of consecutive files at a time, each file read from its own typed table (by
 * name: a file without an item has NULL there).
 */
function appendedRowsSql(kind: string, files: readonly KindFile[]): string[] {
  const batches: KindFile[][] = [];
  let rows = 0;
  for (const f of [...files].sort((a, b) => a.order - b.order)) {
    if (!batches.length || rows + f.read > BATCH_ROWS) {
      batches.push([]);
      rows = 0;
    }
    batches.at(-1)!.push(f);
    rows += f.read;
  }
  return batches.map(
    (batch) =>
      `INSERT INTO ${ident(kind)} BY NAME ${goodRows(kind, `(${batch.map((f) => f.rows).join("\nUNION ALL BY NAME\n")})`, "* EXCLUDE (_order)")} ORDER BY _order, _line`,
  );
}

/** The rows of `from` (typed rows with their _file and _line) that the checks across files did not reject: `columns` of them. */
function goodRows(kind: string, from: string, columns: string): string {
  return `SELECT ${columns} FROM ${from}
       ANTI JOIN (SELECT _file, _line FROM _rejected_rows WHERE kind = ${literal(kind)}) USING (_file, _line)`;
}

/**
 * The loaded tables a load took whole from the previous warehouse, as they were there row for row:
 * those of the kinds whose checks it took (the same files under the same checks), with their answers.
 */
export function unchangedTables(load: LoadResult): string[] {
  return load.checksTaken.flatMap((k) => [k, ...(SPECS[k].items ? [SPECS[k].items.answersTable] : [])]);
}

/** Where a warehouse keeps what the scan of each input file found (prepare.ts: ScanMemo). */
const SCANS_TABLE = "_scans";

/** The previous run's scans (none from a warehouse that predates them). */
async function scansFrom(db: Db, table: string | undefined): Promise<ScanMemo> {
  const memo = new Map<string, { identity: string; facts: ScanFacts }>();
  if (table === undefined) return memo;
  for (const r of await db.all<{ path: string; identity: string; facts: string }>(`SELECT path, identity, facts FROM ${table}`)) {
    memo.set(r.path, { identity: r.identity, facts: JSON.parse(r.facts) as ScanFacts });
  }
  return memo;
}

/** The scans a warehouse file keeps, read-only (none where it cannot be opened or keeps none: its files are read again). */
export async function scansIn(file: string): Promise<ScanMemo> {
  let db: Db;
  try {
    db = await openDb(file, { readOnly: true });
  } catch {
    return new Map();
  }
  try {
    return await scansFrom(db, (await hasTable(db, SCANS_TABLE)) ? ident(SCANS_TABLE) : undefined);
  } finally {
    db.close();
  }
}

/** Where a warehouse keeps what each kind's checks across files read (`base` and `files` of Checks). */
const CHECKS_TABLE = "_checks_across_files";
/** The reasons the checks across files give (the typed pass gives others). */
const CHECK_REASONS = ["duplicate_row", "duplicate_key", "unknown_reference"] as const;

/**
 * What a kind's checks across files find is a function of: the code, its typed files in order (the
 * name each is reported by and its typed-pass key: the bytes read and the statement typing them)
 * and, for its references, its parent kinds' own signatures (none where a parent is not supplied).
 * Undefined when a file has no key.
 */
interface Checks {
  /** All of it in one hash: what the checks of the kinds that refer to this one include. */
  signature: string;
  /** The code and the parents' signatures. */
  base: string;
  files: [label: string, key: string][];
}

function checksOf(files: [label: string, key: string | undefined][], parents: [kind: string, signature: string | undefined][]): Checks | undefined {
  if (files.some(([, key]) => key === undefined)) return undefined;
  const hash = (v: unknown) => createHash("sha256").update(JSON.stringify(v)).digest("hex");
  const parentList = parents.map(([k, s]) => [k, s ?? null]);
  return { signature: hash([pipelineCode(), files, parentList]), base: hash([pipelineCode(), parentList]), files: files as [string, string][] };
}

/**
 * How many of `now`'s files are the previous run's checks' (same code and parents, the same files
 * in the same order, and no other): all of them, the checks are the same; fewer, files were added
 * after them. Undefined when the previous checks are not a beginning of these.
 */
function previousFiles(before: Omit<Checks, "signature"> | undefined, now: Checks): number | undefined {
  if (!before || before.base !== now.base || before.files.length === 0 || before.files.length > now.files.length) return undefined;
  return before.files.every(([label, key], i) => now.files[i]![0] === label && now.files[i]![1] === key) ? before.files.length : undefined;
}

/**
 * Keys' hashes sorted at most this many rows at a time (a part: `hash % parts`). They are sorted,
 * not grouped: a window over the sorted hashes took 1.5 s and 766 MB for the 20 M national
 * attendance keys, a group by 2.3-2.8 s and 1.2 GB (13 M hours keys: 1.1 s against 1.9-2.4 s).
 * But the window does not spill (five national years' 100 M keys at once ran DuckDB out of its
 * 1,500 MB; 60 M took 2.1 GB): a part is sized to the memory limit, about 40 bytes a row in 60 %
 * of it (21 M rows at the default 1,500 MB; test/ingest/order.e2e.test.ts holds the parts'
 * rejects to one sort's).
 */
export async function keysAtOnceFor(db: Db): Promise<number> {
  // (DuckDB names its limit, however it was set, as "1.3 GiB", "286.1 MiB" … or "10 bytes"; a name
  // it might give otherwise gets the smallest parts: slower, never out of memory.)
  const [row] = await db.all<{ m: string }>(`SELECT current_setting('memory_limit') AS m`);
  const m = /^([\d.]+) (bytes|([KMGTP])iB)$/.exec(row?.m ?? "");
  const bytes = m ? Number(m[1]) * 1024 ** (m[3] ? "KMGTP".indexOf(m[3]) + 1 : 0) : 0;
  return Math.max(100_000, Math.floor((bytes * 0.6) / 40));
}

/** Rows of `stg` whose key came before (file order, then line) go to `bad` (`rows`: how many `stg` holds). */
async function rejectRepeatedKeys(db: Db, spec: KindSpec, content: string[], rows: number, keysAtOnce: number, from?: number): Promise<void> {
  const key = spec.key.map(ident);
  const kh = `hash(${key.join(", ")})`;
  // With `from`, the rows of the files from that one on alone are judged (against every row before
  // them): the new rows' hashes. Otherwise the hashes that occur twice: each equal to the one
  // before it in order, a part of them at a time (one part up to keysAtOnce rows).
  await db.run(`CREATE OR REPLACE TEMP TABLE _candidates (kh UBIGINT)`);
  if (from !== undefined) await db.run(`INSERT INTO _candidates SELECT DISTINCT ${kh} FROM stg WHERE _order >= ${from}`);
  else {
    const parts = Math.max(1, Math.ceil(rows / keysAtOnce));
    for (let p = 0; p < parts; p++) {
      const part = parts > 1 ? ` WHERE kh % ${parts} = ${p}` : "";
      await db.run(`INSERT INTO _candidates SELECT DISTINCT kh FROM (SELECT kh, lag(kh) OVER (ORDER BY kh) AS before FROM (SELECT ${kh} AS kh FROM stg)${part}) WHERE kh = before`);
    }
  }
  // (With `from`, the earlier rows first narrowed to those sharing the key's first column with a new
  // row, which one semi join on that column finds: 0.53 → 0.24 s for a month against the 20 M
  // national attendance rows, where every row's whole key was hashed. Every key column is required,
  // so no row here has a NULL in it: test/ingest/contract.test.ts.)
  const earlierOf = from === undefined ? "" : `\n        AND ${key[0]} IN (SELECT ${key[0]} FROM stg WHERE _order >= ${from})`;
  // Keys: the first row (file order, then line) stays; a later copy identical in content is a
  // repeated delivery (`duplicate_row`), a later row with other content conflicts (`duplicate_key`).
  await db.run(`
    INSERT INTO bad
    -- Candidates by a 64-bit hash of the key (cheap to group over tens of millions of rows);
    -- the window below then compares the real keys, so a hash collision cannot reject a row.
    WITH ranked AS (
      SELECT _file, _line, _order, ${key.join(", ")},
        hash(${content.join(", ")}) AS h,
        row_number() OVER w AS rn,
        first_value(hash(${content.join(", ")})) OVER w AS first_h,
        first_value(_file) OVER w AS first_file,
        first_value(_line) OVER w AS first_line
      FROM stg WHERE ${kh} IN (SELECT kh FROM _candidates)${earlierOf}
      WINDOW w AS (PARTITION BY ${key.join(", ")} ORDER BY _order, _line)
    )
    SELECT _file, _line, ${literal(spec.key.join("+"))},
      CASE WHEN h = first_h THEN 'duplicate_row' ELSE 'duplicate_key' END,
      concat_ws(' | ', ${key.map((k) => `CAST(${k} AS VARCHAR)`).join(", ")}) || ' (first: ' || first_file || ' line ' || first_line || ')'
    FROM ranked WHERE rn > 1${from === undefined ? "" : ` AND _order >= ${from}`}`);
  await db.run(`DROP TABLE _candidates`);
}

/** Rows of `stg` naming a parent row that is not loaded go to `bad` (a parent kind not supplied is not checked). */
async function rejectUnknownReferences(db: Db, kind: Kind, spec: KindSpec, suppliedKinds: Kind[], from?: number): Promise<void> {
  for (const ref of spec.refs) {
    if (!suppliedKinds.includes(ref.kind)) continue;
    const on = ref.cols.map((c, i) => `p.${ident(ref.parentCols[i]!)} = s.${ident(c)}`).join(" AND ");
    // An anti join, not NOT EXISTS: the same rows (equality never matches a NULL), but DuckDB plans
    // NOT EXISTS here as a mark join, 4.6 s against 0.8 s for 19.9 M attendance rows.
    await db.run(`
      INSERT INTO bad
      SELECT s._file, s._line, ${literal(ref.cols.join("+"))}, 'unknown_reference',
        concat_ws(' | ', ${ref.cols.map((c) => `CAST(s.${ident(c)} AS VARCHAR)`).join(", ")})
      FROM stg s ANTI JOIN ${ident(ref.kind)} p ON ${on}
      WHERE ${ref.cols.map((c) => `s.${ident(c)} IS NOT NULL`).join(" AND ")}${from === undefined ? "" : ` AND s._order >= ${from}`}`);
  }
}
