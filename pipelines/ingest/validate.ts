// SQL generated from the contract specs: per-file type checks (one vectorised pass over the
// CSV) and cross-file checks (keys, references). Identifiers and the contract's own constants
// are written into the SQL; values from the files only ever travel as bound parameters or
// through read_csv.
import { ident, literal } from "../lib/db.ts";
import { SQL_TYPE, type ColSpec, type KindSpec } from "./contract.ts";

export interface ItemScale {
  min: number;
  max: number;
}

/** A header of the file mapped to a contract column, an item, or kept as an extra. */
export interface HeaderMap {
  header: string;
  target: { kind: "col"; col: ColSpec } | { kind: "item"; id: string } | { kind: "extra" } | { kind: "unnamed" } | { kind: "line" };
}

const DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S"];
const TS_FORMATS = [
  "%Y-%m-%d %H:%M:%S",
  "%Y-%m-%d %H:%M",
  "%Y/%m/%d %H:%M:%S",
  "%Y/%m/%d %H:%M",
  "%Y-%m-%dT%H:%M:%S",
  "%Y-%m-%dT%H:%M",
  "%Y-%m-%d %H:%M:%S.%f",
  "%Y-%m-%d",
  "%Y/%m/%d",
];
const TRUE = ["1", "是", "true", "yes", "y", "t", "√"];
const FALSE = ["0", "否", "false", "no", "n", "f", "×"];

const list = (xs: string[]) => `[${xs.map(literal).join(", ")}]`;

/** Typed value of one trimmed text expression `v`. NULL means missing or not parseable. */
export function typedExpr(col: ColSpec, v: string): string {
  switch (col.type) {
    case "id":
    case "text":
      return v;
    case "int":
      return `CASE WHEN try_cast(${v} AS DOUBLE) = floor(try_cast(${v} AS DOUBLE)) THEN try_cast(try_cast(${v} AS DOUBLE) AS BIGINT) END`;
    case "num":
      // NaN and ±inf are not numbers a province measured.
      return `CASE WHEN isfinite(try_cast(${v} AS DOUBLE)) THEN try_cast(${v} AS DOUBLE) END`;
    // DuckDB's own cast reads ISO dates and times (also with / and one-digit months) fast;
    // the format list is only tried for what it cannot read; an Excel serial day number (a date
    // cell exported as a number) is converted. Years outside 1900-2100 are not real here.
    case "date":
      return plausible(`CAST(coalesce(try_cast(${v} AS TIMESTAMP), try_strptime(${v}, ${list(DATE_FORMATS)}), ${excelSerial(v)}) AS DATE)`);
    case "ts":
      return plausible(`coalesce(try_cast(${v} AS TIMESTAMP), try_strptime(${v}, ${list(TS_FORMATS)}), ${excelSerial(v)})`);
    case "bool":
      // A simple CASE, not `IN (…)`: DuckDB plans an IN list of six or more constants as a join,
      // which does not keep the rows in file order, and the row ids of the typed table are its lines.
      return labelCase(v, [...TRUE.map((t): [string, string] => [t, "true"]), ...FALSE.map((f): [string, string] => [f, "false"])]);
    case "enum":
      return labelCase(v, Object.entries(col.values ?? {}).map(([k, canonical]) => [k, literal(canonical)]));
  }
}

/**
 * The value of the label `v` read case-blind: the keys that are lowercase ASCII compared with the cell
 * as it is first (an export's own codes: no lowered copy of tens of millions of cells), then the
 * lowered cell against every key. The same answer for every cell: lower() leaves such a key as it is.
 */
function labelCase(v: string, keys: [string, string][]): string {
  const whens = (ks: [string, string][]) => ks.map(([k, value]) => `WHEN ${literal(k)} THEN ${value}`).join(" ");
  const exact = keys.filter(([k]) => /^[\x00-\x40\x5b-\x7f]*$/.test(k));
  const lowered = `CASE lower(${v}) ${whens(keys)} END`;
  return exact.length ? `CASE ${v} ${whens(exact)} ELSE ${lowered} END` : lowered;
}

/** Excel's serial day numbers: day 1 = 1900-01-01 (with Excel's phantom 1900-02-29, so day 0 is 1899-12-30). */
export const EXCEL_SERIAL = "[1-9][0-9]{4}(\\.[0-9]+)?";
export function excelSerial(v: string): string {
  return `CASE WHEN regexp_full_match(${v}, '${EXCEL_SERIAL}') THEN TIMESTAMP '1899-12-30' + to_microseconds(CAST(round(CAST(${v} AS DOUBLE) * 86400000000) AS BIGINT)) END`;
}
const plausible = (x: string) => `CASE WHEN year(${x}) BETWEEN 1900 AND 2100 THEN ${x} END`;

const BAD_TYPE_REASON: Record<ColSpec["type"], string> = {
  id: "",
  text: "",
  int: "not_an_integer",
  num: "not_a_number",
  date: "bad_date",
  ts: "bad_datetime",
  bool: "not_0_or_1",
  enum: "unknown_value",
};

/** Build the one statement that reads a prepared CSV, types every column and lists each row's errors. */
/**
 * The one way a prepared file is read: every cell as text, short rows padded. With `columns` (the
 * header as read in Node) DuckDB does not sniff; without, it names the columns itself.
 */
export function readCsv(delim: string, columns?: string[], types: Map<string, string> = new Map()): string {
  const shape = columns ? `auto_detect = false, columns = {${columns.map((c) => `${literal(c)}: '${types.get(c) ?? "VARCHAR"}'`).join(", ")}}` : "all_varchar = true, auto_detect = true";
  return `read_csv($csv, header = true, delim = ${literal(delim)}, quote = '"', escape = '"', null_padding = true, ${shape})`;
}

// Full-width ASCII as offices type it on Chinese keyboards (５, ＡＢ, ．, －, ％) → half-width.
const FULL = Array.from({ length: 94 }, (_, i) => String.fromCharCode(0xff01 + i)).join("");
const HALF = Array.from({ length: 94 }, (_, i) => String.fromCharCode(0x21 + i)).join("");
const halfWidth = (v: string, ascii = false) => (ascii ? v : `translate(${v}, ${literal(FULL)}, ${literal(HALF)})`);
/**
 * A cell of one character per byte (no full-width character, no Chinese). In a file that is ASCII
 * throughout (prepare.ts's scan) every cell is: the test is `true` and the translation to half-width
 * is the cell itself, so tens of millions of machine-exported cells are not measured twice.
 */
const narrow = (v: string, ascii = false) => (ascii ? "true" : `strlen(${v}) = length(${v})`);

/**
 * The test that a cell has a tab: none where the file has no tab byte at all (prepare.ts's scan),
 * which spares a national attendance file a hundred million searches. `noTab`: the tests that it has none.
 */
const hasTab = (v: string, tabs: boolean) => (tabs ? [`contains(${v}, chr(9))`] : []);
const noTab = (v: string, tabs: boolean) => hasTab(v, tabs).map((t) => `NOT ${t}`);

/**
 * A cell as the contract reads it: full-width characters half-width; codes and labels without
 * stray inner spaces (`迟 到`); a percentage in a 0-1 share (`5%` → 0.05).
 */
function normalisedExpr(col: ColSpec, v: string, src: string, ascii: boolean, tabs: boolean, bare: string): string {
  if (col.type === "text") return v;
  const { plain } = plainCell(col, src, ascii, tabs);
  let n = halfWidth(v, ascii);
  if (col.type === "id" || col.type === "enum") n = `regexp_replace(${n}, '\\s+', '', 'g')`;
  if (col.type === "num" && col.max !== undefined && col.max <= 1) n = `CASE WHEN regexp_full_match(${n}, '-?[0-9.]+%') THEN CAST(try_cast(rtrim(${n}, '%') AS DOUBLE) / 100 AS VARCHAR) ELSE ${n} END`;
  return `CASE WHEN ${bare} THEN nullif(${src}, '') WHEN ${plain} THEN ${v} ELSE ${n} END`;
}

/**
 * Whether the file's own cell `src` needs no normalisation. Most cells are plain ASCII (and, for
 * codes, without spaces; for shares, without %): they pass as they are (tens of millions of
 * attendance cells must not each be translated). `bare`: the commonest cell, ASCII without a space,
 * which trimming leaves as it is; `plain`: the same once trimmed. (The tests read `src`, not the
 * trimmed alias, which would be recomputed where it is used.)
 */
function plainCell(col: ColSpec, src: string, ascii: boolean, tabs: boolean): { bare: string; plain: string } {
  const plain = [narrow(src, ascii)];
  if (col.type === "id" || col.type === "enum") plain.push(`NOT contains(trim(${src}), ' ')`, ...noTab(src, tabs));
  if (col.type === "num" && col.max !== undefined && col.max <= 1) plain.push(`NOT contains(${src}, '%')`);
  // (A code or label is bare without any space in it; any other cell without one around it: a time
  // has one inside, and every cell of a time column would otherwise take the slow way.)
  const spaces = col.type === "id" || col.type === "enum" ? [`NOT contains(${src}, ' ')`] : unspaced(src);
  const bare = [narrow(src, ascii), ...spaces, ...plain.slice(1).filter((t) => !t.includes("trim("))];
  return { bare: bare.join(" AND "), plain: plain.join(" AND ") };
}

/**
 * A cell without spaces around it, as its text; DuckDB's trim removes, of ASCII, the space alone.
 * (`bare`: a column's flag that the cell is bare, tested first: one test for all the column's expressions.)
 */
const trimmed = (src: string, ascii = false, bare?: string) =>
  `CASE ${bare ? `WHEN ${bare} THEN nullif(${src}, '') ` : ""}WHEN ${[narrow(src, ascii), ...unspaced(src)].join(" AND ")} THEN nullif(${src}, '') ELSE nullif(trim(${src}), '') END`;

/** Tests that `src` neither starts nor ends with a space: of ASCII, the one character trim removes. */
const unspaced = (src: string) => [`NOT starts_with(${src}, ' ')`, `NOT ends_with(${src}, ' ')`];

/** A cell of ASCII only (byte length = character length), without spaces, tabs or %. */
const plainAscii = (v: string, ascii: boolean, tabs: boolean) => `(${[narrow(v, ascii), `NOT contains(${v}, ' ')`, ...noTab(v, tabs), `NOT contains(${v}, '%')`].join(" AND ")})`;

/** The kinds of normalisation counted per file (manifest `normalised`). */
export const NORMALISATIONS = ["fullwidth", "inner_spaces", "percentages", "chinese_labels"] as const;
/** What a typed file's `_notes` counts in a row: Excel serial days converted, and each normalisation. */
export const NOTES = ["excel_dates", ...NORMALISATIONS] as const;
const NOTES_TYPE = `STRUCT(${NOTES.map((k) => `${k} INTEGER`).join(", ")})`;

export function typeCheckSql(opts: {
  table: string;
  spec: KindSpec;
  headers: HeaderMap[];
  itemScales: Map<string, ItemScale>;
  defaultScale: ItemScale;
  delim: string;
  /** The header as read in Node: DuckDB then reads the file without sniffing it. */
  columns?: string[];
  /** Answer labels read as scale points in item columns (非常满意 → 5 …). */
  labels?: Record<string, number>;
  /**
   * The native read (with `columns`): numbers, dates and times typed by DuckDB's CSV reader itself,
   * which is what makes a bare read_csv fast. It accepts only what the text read would load unchanged:
   * a cell the text read would normalise, convert (an Excel serial day) or reject with its text
   * (not a number, out of range, off the scale) stops the statement with NATIVE_FALLBACK naming its
   * column, which is then read the text way (textColumns; load.ts's nativeRead).
   * test/ingest/native.e2e.test.ts holds the reads equal.
   */
  native?: boolean;
  /**
   * Columns (by header) the native read leaves as text all the same: those in which an earlier
   * native read of this file stopped (load.ts). Every column is typed on its own, so a read that
   * types some columns natively and the rest as text gives the text read's table too.
   */
  textColumns?: ReadonlySet<string>;
  /** The file is ASCII throughout (no byte above 0x7f): no cell can hold a full-width or Chinese character. */
  ascii?: boolean;
  /** The file has no tab byte: no cell can hold one (undefined: it may). */
  tabs?: boolean;
}): string {
  const { table, spec, headers, itemScales, defaultScale } = opts;
  const ascii = opts.ascii === true;
  const tabs = opts.tabs !== false;
  const vName = (h: HeaderMap) => ident(`v:${h.header}`);
  // Whether each normalised cell is bare (plainCell), tested once as the file is read (stage 0) and
  // read by every expression of its column; a row whose cells are all bare was not normalised.
  const flags: string[] = [];
  const stage0: string[] = [];
  const stage1: string[] = [];
  const stage2: string[] = [];
  const errors: string[] = [];
  const conds: string[] = [];
  const present = new Set<string>();
  const extras: HeaderMap[] = [];
  const normalised: { raw: string; n: string; col: ColSpec; item: boolean; inner?: string }[] = [];
  const native = new Map<string, string>();
  const err = (cond: string, column: string, reason: string, value: string) => {
    conds.push(cond);
    errors.push(`CASE WHEN ${cond} THEN {'column': ${literal(column)}, 'reason': ${literal(reason)}, 'value': ${value}} END`);
  };
  for (const h of headers) {
    if (h.target.kind === "line") {
      stage1.push(`try_cast(${ident(h.header)} AS BIGINT) AS __line`);
      stage2.push("__line");
      continue;
    }
    const nativeType = opts.native && opts.columns && !opts.textColumns?.has(h.header) ? nativeTypeOf(h) : undefined;
    if (nativeType) {
      native.set(h.header, nativeType);
      const x = vName(h);
      stage1.push(`${ident(h.header)} AS ${x}`);
      const col = h.target.kind === "col" ? h.target.col : undefined;
      if (col) present.add(col.name);
      const name = col ? col.name : h.target.kind === "item" ? h.target.id : h.header;
      const scale = h.target.kind === "item" ? (itemScales.get(h.target.id) ?? defaultScale) : undefined;
      const ok = nativeChecks(col, scale, x);
      const cast = scale ? `CAST(${x} AS SMALLINT)` : col?.type === "int" ? `CAST(${x} AS BIGINT)` : x;
      stage2.push(`CASE WHEN ${x} IS NULL THEN NULL WHEN ${ok.join(" AND ") || "true"} THEN ${cast} ELSE error(${literal(nativeStop(h.header))}) END AS ${ident(name)}`);
      if (col?.required) err(`${x} IS NULL`, col.name, "missing_required", "NULL::VARCHAR");
      continue;
    }
    const raw = vName(h);
    // Typed columns read the normalised text (stage 1); errors show the raw value.
    const normCol = h.target.kind === "col" ? h.target.col : h.target.kind === "item" ? ({ name: h.target.id, zh: [], type: "int" } as ColSpec) : undefined;
    const normalises = normCol !== undefined && normCol.type !== "text";
    const bare = normalises ? ident(`b:${h.header}`) : undefined;
    if (normalises) {
      stage0.push(`${plainCell(normCol!, ident(h.header), ascii, tabs).bare} AS ${bare}`);
      flags.push(bare!);
      stage1.push(bare!);
    }
    stage1.push(`${trimmed(ident(h.header), ascii, bare)} AS ${raw}`);
    let v = raw;
    if (normalises) {
      const n = ident(`n:${h.header}`);
      let expr = normalisedExpr(normCol!, raw, ident(h.header), ascii, tabs, bare!);
      const item = h.target.kind === "item";
      // An item answered with a label of a known set (非常满意, 同意 …) or `5分` reads as its scale point.
      if (item && opts.labels && Object.keys(opts.labels).length) {
        const spaced = `regexp_replace(${halfWidth(raw, ascii)}, '\\s+', '', 'g')`;
        const mapped = `CASE ${spaced} ${Object.entries(opts.labels).map(([l, p]) => `WHEN ${literal(l)} THEN '${p}'`).join(" ")} ELSE regexp_replace(${spaced}, '^([0-9]+)分$', '\\1') END`;
        expr = `CASE WHEN ${plainAscii(raw, ascii, tabs)} THEN ${raw} ELSE ${mapped} END`;
      }
      stage1.push(`${expr} AS ${n}`);
      let inner: string | undefined;
      if (normCol.type === "id" || normCol.type === "enum") {
        // Whether the code has a space, tab or ideographic space inside (the trimmed text): never
        // where its cell is bare (ASCII without space or tab).
        inner = ident(`i:${h.header}`);
        stage1.push(`CASE WHEN ${bare} THEN false ELSE (${[`contains(${raw}, ' ')`, ...hasTab(raw, tabs), `contains(${raw}, '　')`].join(" OR ")}) END AS ${inner}`);
      }
      normalised.push({ raw, n, col: normCol, item, inner });
      v = n;
    }
    const rawErr = (cond: string, column: string, reason: string) => err(cond, column, reason, raw);
    if (h.target.kind === "col") {
      const col = h.target.col;
      present.add(col.name);
      const typed = typedExpr(col, v);
      stage2.push(`${typed} AS ${ident(col.name)}`);
      if (col.required) rawErr(`${v} IS NULL`, col.name, "missing_required");
      const t = ident(col.name);
      if (col.type !== "id" && col.type !== "text") rawErr(`${v} IS NOT NULL AND ${t} IS NULL`, col.name, BAD_TYPE_REASON[col.type]);
      if (col.min !== undefined || col.max !== undefined) {
        const conds: string[] = [];
        if (col.min !== undefined) conds.push(`${t} < ${col.min}`);
        if (col.max !== undefined) conds.push(`${t} > ${col.max}`);
        rawErr(`${t} IS NOT NULL AND (${conds.join(" OR ")})`, col.name, "out_of_range");
      }
    } else if (h.target.kind === "item") {
      const scale = itemScales.get(h.target.id) ?? defaultScale;
      const typed = typedExpr({ name: h.target.id, zh: [], type: "int" }, v);
      stage2.push(`CAST(${typed} AS SMALLINT) AS ${ident(h.target.id)}`);
      const t = ident(h.target.id);
      rawErr(`${v} IS NOT NULL AND ${t} IS NULL`, h.target.id, "not_an_integer");
      rawErr(`${t} < ${scale.min} OR ${t} > ${scale.max}`, h.target.id, "likert_out_of_scale");
    } else if (h.target.kind === "unnamed") {
      // DuckDB names a column without header `columnN`: values there are cells beyond the header's width.
      rawErr(`${v} IS NOT NULL`, h.header, "value_without_header");
    } else {
      extras.push(h);
    }
  }
  // Columns of the contract that this export lacks are NULL, so all files of a kind share one shape.
  for (const col of spec.cols) {
    if (!present.has(col.name)) stage2.push(`${castNull(col)} AS ${ident(col.name)}`);
  }
  for (const rule of rowRules(spec)) {
    if (rule.cols.every((c) => present.has(c))) {
      conds.push(rule.cond);
      errors.push(`CASE WHEN ${rule.cond} THEN {'column': ${literal(rule.column)}, 'reason': ${literal(rule.reason)}, 'value': CAST(${ident(rule.column)} AS VARCHAR)} END`);
    }
  }
  // The extra columns as one JSON object; a file without extra columns has no `_extra` (the load
  // reads it as NULL): a column of nothing costs a national load seconds to write.
  if (extras.length) {
    stage2.push(`CASE WHEN ${extras.map((h) => `${vName(h)} IS NOT NULL`).join(" OR ")} THEN json_object(${extras.map((h) => `${literal(h.header)}, ${vName(h)}`).join(", ")}) END AS _extra`);
  }
  // What was changed in this row, counted per file in the manifest: Excel serial day numbers
  // converted, and each kind of normalisation. A count that cannot be other than 0 (an ASCII file
  // has no full-width character or Chinese label; a native column no serial day) is left out of the
  // statement.
  const serialCols = headers.filter((h) => h.target.kind === "col" && (h.target.col.type === "date" || h.target.col.type === "ts") && !native.has(h.header));
  const countOf = (conds: string[]) => (conds.length ? `(${conds.map((c) => `coalesce(${c}, false)::INT`).join(" + ")})` : "0");
  // (Each test starts with the cheap ASCII check, so plain cells cost one comparison.)
  const wide = (v: string) => `strlen(${v}) <> length(${v})`;
  // (CASE, not AND: in a projection DuckDB evaluates both sides of an AND on every row.)
  const notes: Record<(typeof NOTES)[number], string> = {
    excel_dates: countOf(serialCols.map((h) => `regexp_full_match(${vName(h)}, '${EXCEL_SERIAL}')`)),
    fullwidth: countOf(ascii ? [] : normalised.map((x) => `CASE WHEN ${wide(x.raw)} THEN ${x.raw} <> ${halfWidth(x.raw)} ELSE false END`)),
    inner_spaces: countOf(normalised.flatMap((x) => (x.inner ? [x.inner] : []))),
    percentages: countOf(normalised.filter((x) => x.col.type === "num" && x.col.max !== undefined && x.col.max <= 1).map((x) => `CASE WHEN contains(${x.raw}, '%') THEN regexp_full_match(${x.n}, '-?[0-9.]+') ELSE false END`)),
    chinese_labels: countOf(ascii ? [] : normalised.filter((x) => x.col.type === "enum" || x.col.type === "bool" || x.item).map((x) => (x.item ? `CASE WHEN ${wide(x.raw)} THEN ${wide(halfWidth(x.raw))} ELSE false END` : wide(x.n)))),
  };
  const counted = NOTES.filter((k) => notes[k] !== "0");
  // (A normalisation's count is 0 where every cell of the row is bare: the tests run on the others only.)
  const allBare = flags.length ? flags.join(" AND ") : undefined;
  for (const k of counted) stage2.push(`${k !== "excel_dates" && allBare ? `CASE WHEN ${allBare} THEN 0 ELSE ${notes[k]} END` : notes[k]} AS ${ident(`c:${k}`)}`);
  // One column, NULL where nothing was changed (nearly every row).
  const notesCol = counted.length
    ? `CASE WHEN ${counted.map((k) => `${ident(`c:${k}`)} > 0`).join(" OR ")} THEN {${NOTES.map((k) => `${literal(k)}: ${counted.includes(k) ? ident(`c:${k}`) : "0"}`).join(", ")}} END AS _notes`
    : `CAST(NULL AS ${NOTES_TYPE}) AS _notes`;
  // Raw and normalised texts carried to the error checks, then left out of the table.
  const passed = [...headers.filter((h) => h.target.kind !== "line").map((h) => vName(h)), ...normalised.map((x) => x.n), ...flags];
  const allBlank = headers.filter((h) => h.target.kind !== "line").map((h) => `${vName(h)} IS NULL`).join(" AND ") || "false";
  // Rule checks read typed columns, so errors are computed over stage 2. A clean row's _errors is
  // NULL: the list of reasons is only built for the few rows that have one.
  const read = readCsv(opts.delim, opts.columns, native);
  return `CREATE TABLE ${ident(table)} AS
WITH ${stage0.length ? `s0 AS (
  SELECT *, ${stage0.join(",\n    ")}
  FROM ${read}
), ` : ""}s1 AS (
  SELECT ${stage1.join(",\n    ")}
  FROM ${stage0.length ? "s0" : read}
), s2 AS (
  SELECT ${stage2.join(",\n    ")}, ${allBlank} AS _blank, ${passed.join(", ")}
  FROM s1
)
SELECT * EXCLUDE (_blank, ${[...passed, ...counted.map((k) => ident(`c:${k}`))].join(", ")}),
  ${notesCol},
  CASE WHEN _blank THEN [{'column': '', 'reason': 'empty_row', 'value': NULL::VARCHAR}]
       WHEN ${conds.length ? conds.map((c) => `(${c})`).join(" OR ") : "false"}
       THEN list_filter([${errors.length ? errors.join(",\n    ") : "NULL"}], e -> e IS NOT NULL) END AS _errors
FROM s2`;
}

/** The message that stops a native read: the column is read again as text (load.ts). */
export const NATIVE_FALLBACK = "guopei: a cell for the text read";
const nativeStop = (header: string) => `${NATIVE_FALLBACK} in column «${header}»`;

/**
 * The column (of `headers`, read natively) whose cell stopped a native read, from DuckDB's whole
 * message: a cell the text read would change or report (nativeStop), or one the CSV reader could
 * not cast (`Error when converting column "…"`). Undefined when the message names none of them
 * (a row wider than the header, say): the whole file is then read as text.
 */
export function stoppedColumn(message: string, headers: Iterable<string>): string | undefined {
  for (const h of headers) if (message.includes(nativeStop(h)) || message.includes(`Error when converting column "${h}".`)) return h;
  return undefined;
}

/** Headers the native read types natively (items and numbers, dates, times of the contract). */
export function nativeHeaders(headers: HeaderMap[]): string[] {
  return headers.filter((h) => nativeTypeOf(h) !== undefined).map((h) => h.header);
}

/** The type DuckDB's CSV reader reads a column as in the native read; undefined: as text. */
function nativeTypeOf(h: HeaderMap): string | undefined {
  if (h.target.kind === "item") return "DOUBLE";
  if (h.target.kind !== "col") return undefined;
  return ({ int: "DOUBLE", num: "DOUBLE", date: "DATE", ts: "TIMESTAMP" } as Partial<Record<ColSpec["type"], string>>)[h.target.col.type];
}

/**
 * What a natively read value must satisfy to be loaded as it is, the same tests the text read makes
 * of it (typedExpr, the ranges, the scale); a value failing one would be rejected there with the cell's text.
 */
function nativeChecks(col: ColSpec | undefined, scale: ItemScale | undefined, x: string): string[] {
  if (scale) return [`isfinite(${x})`, `${x} = floor(${x})`, `${x} >= ${scale.min}`, `${x} <= ${scale.max}`];
  const checks: string[] = [];
  if (col!.type === "int" || col!.type === "num") checks.push(`isfinite(${x})`);
  if (col!.type === "int") checks.push(`${x} = floor(${x})`, `abs(${x}) < 9.2e18`);
  if (col!.type === "date" || col!.type === "ts") checks.push(`year(${x}) BETWEEN 1900 AND 2100`);
  if (col!.min !== undefined) checks.push(`${x} >= ${col!.min}`);
  if (col!.max !== undefined) checks.push(`${x} <= ${col!.max}`);
  return checks;
}

function castNull(col: ColSpec): string {
  const t = SQL_TYPE[col.type];
  return `CAST(NULL AS ${t})`;
}

interface RowRule {
  cols: string[];
  column: string;
  reason: string;
  cond: string;
}

/** Rules across columns of one row, beyond types. */
export function rowRules(spec: KindSpec): RowRule[] {
  const rules: RowRule[] = [];
  if (spec.kind === "projects") {
    rules.push({ cols: ["start_date", "end_date"], column: "end_date", reason: "ends_before_start", cond: `"end_date" < "start_date"` });
    rules.push({ cols: ["planned_hours", "practice_hours"], column: "practice_hours", reason: "exceeds_planned_hours", cond: `"practice_hours" > "planned_hours"` });
  }
  if (spec.kind === "attendance") {
    rules.push({ cols: ["sign_in", "sign_out"], column: "sign_out", reason: "sign_out_before_sign_in", cond: `"sign_out" < "sign_in"` });
  }
  if (spec.kind === "assessments") {
    rules.push({ cols: ["assignments_required", "assignments_done"], column: "assignments_done", reason: "more_done_than_required", cond: `"assignments_done" > "assignments_required"` });
  }
  if (spec.kind === "instrument") {
    rules.push({ cols: ["scale_min", "scale_max"], column: "scale_max", reason: "scale_max_not_above_min", cond: `"scale_max" <= "scale_min"` });
  }
  return rules;
}
