// Step 1b of the load: decide the kind of every prepared table that its name did not settle (the
// policy's sources, Chinese words in the name, the header), find the header under a title row,
// and rewrite a table whose shape is not the contract's (header cells with line breaks, renamed
// columns, constant columns, survey platform exports) as a contract-shaped CSV. The manifest
// says, for each file, how its kind was decided and what was changed.
import { readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { dsvFormat } from "d3-dsv";
import { KINDS, SPECS, canonicalHeader, type Kind } from "./contract.ts";
import { readHead, recordEnd } from "./header.ts";
import { plainRecord } from "./normalise.ts";
import { cleanHeader, kindByHeader, kindsInName, patternMatches } from "./recognise.ts";
import { SurveyProblem, reshapeSurvey, type SurveyNotes } from "./survey.ts";

/** One entry of the policy's `sources`: files by name pattern → kind, renamed and constant columns. */
export interface Source {
  pattern: string;
  kind?: string;
  columns: Record<string, string>;
  constants: Record<string, string>;
}

export interface ReshapeOptions {
  sources: Source[];
  labels: Record<string, number>;
  scale: { min: number; max: number };
}

export interface ReshapeNotes {
  kind_by: string;
  /** Rows above the header (a title, a merged group row) skipped. */
  rows_above_header?: number;
  /** Header cells rewritten (line breaks, spaces, full-width, the policy's renames): original → contract. */
  renamed_columns?: Record<string, string>;
  constant_columns?: Record<string, string>;
  survey?: SurveyNotes;
}

/** A table being prepared: its kind may still be open. */
export interface PendingPart {
  csv: string;
  hasLineColumn: boolean;
  delim: string;
  sheet?: string;
  kind?: Kind;
  notes?: ReshapeNotes;
}

export class ReshapeProblem extends Error {}

const RESHAPE_LIMIT = 256 << 20;

/** The file's rows; with `limit`, its first `records` rows within the first `limit` bytes (the last maybe cut). */
async function readRows(csv: string, delim: string, limit = Infinity, records = Infinity): Promise<string[][]> {
  const size = (await stat(csv)).size;
  if (limit === Infinity && size > RESHAPE_LIMIT) throw new ReshapeProblem(`is ${(size / 2 ** 20).toFixed(0)} MB and not in the contract's shape: export it with the contract's headers (docs/input.md), or split it`);
  const buf = limit === Infinity ? await readFile(csv) : await readHead(csv, limit);
  const text = buf.toString("utf8").replace(/^\uFEFF/, "");
  if (records === Infinity) return dsvFormat(delim).parseRows(text);
  // (Only the records asked for are parsed, not the thousand rows of the chunk: 88 files a run.)
  let at = 0;
  for (let n = 0; n < records && at >= 0; n++) {
    const end = recordEnd(text, at);
    at = end < 0 ? -1 : end + (text.startsWith("\r\n", end) ? 2 : 1);
  }
  return dsvFormat(delim).parseRows(at >= 0 ? text.slice(0, at) : text);
}

const withoutLine = (row: string[], lineCol: number) => (lineCol >= 0 ? row.filter((_, i) => i !== lineCol) : row);

/** The header as the contract reads it: the policy's renames, then cleaned cells where cleaning finds a contract column. */
function contractHeader(header: string[], kind: Kind | undefined, source: Source | undefined): { header: string[]; renamed: Record<string, string> } {
  const renamed: Record<string, string> = {};
  const out = header.map((h) => {
    const mapped = source?.columns[h] ?? source?.columns[h.trim()] ?? source?.columns[cleanHeader(h)];
    if (mapped) {
      renamed[h] = mapped;
      return mapped;
    }
    const clean = cleanHeader(h);
    const kinds = kind ? [kind] : KINDS;
    if (clean !== h && kinds.some((k) => canonicalHeader(SPECS[k], clean) !== undefined)) {
      renamed[h] = clean;
      return clean;
    }
    return h;
  });
  return { header: out, renamed };
}

/**
 * Decide the kind and the header row of one table. `named`: kinds its file name gives. Throws a
 * ReshapeProblem (one sentence for the user) when it fits no kind or several.
 */
async function decide(part: PendingPart, relPath: string, source: Source | undefined): Promise<{ kind: Kind; row: number; survey: boolean; by: string }> {
  const head = await readRows(part.csv, part.delim, 1 << 16, 3);
  const lineCol = part.hasLineColumn ? (head[0] ?? []).indexOf("__line") : -1;
  if (source?.kind && !(KINDS as readonly string[]).includes(source.kind)) throw new ReshapeProblem(`the policy's sources name kind "${source.kind}", which is not an input kind (${KINDS.join(", ")})`);
  const named = kindsInName(path.basename(relPath));
  const fixed: Kind | undefined = (source?.kind as Kind | undefined) ?? part.kind;
  const by = source?.kind ? "policy sources" : part.kind ? (part.sheet && named.kinds[0] !== part.kind ? "sheet name" : named.by) : "";
  const among: readonly Kind[] = fixed ? [fixed] : named.kinds.length ? named.kinds : KINDS;
  let tie: Kind[] = [];
  for (let row = 0; row < Math.min(3, head.length); row++) {
    const { header } = contractHeader(withoutLine(head[row]!, lineCol), fixed, source);
    const d = kindByHeader(header, among);
    if (d.kind) return { kind: d.kind, row, survey: d.survey, by: fixed ? by : named.kinds.length === 1 ? named.by : `header${named.kinds.length > 1 ? ` (the name names ${named.kinds.join(", ")})` : ""}` };
    if (d.candidates.length > 1 && !tie.length) tie = d.candidates;
  }
  if (fixed) return { kind: fixed, row: 0, survey: false, by }; // the typed pass says what its header lacks
  if (tie.length) throw new ReshapeProblem(`its header fits several kinds (${tie.join(", ")}): put the kind in the file name (e.g. ${tie[0]}_… or ${tie.map((k) => SPECS[k].label).join("/")}…)`);
  if (named.kinds.length === 1) {
    const spec = SPECS[named.kinds[0]!];
    const got = new Set(contractHeader(withoutLine(head[0] ?? [], lineCol), named.kinds[0], source).header.map((h) => canonicalHeader(spec, cleanHeader(h))));
    const missing = spec.cols.filter((c) => c.required && !got.has(c.name)).map((c) => `${c.name} (${c.zh[0]})`);
    throw new ReshapeProblem(`lacks required column(s) ${missing.join(", ") || "(item columns)"} of ${named.kinds[0]}`);
  }
  if (named.kinds.length > 1) throw new ReshapeProblem(`its name names several kinds (${named.kinds.join(", ")}) and its header has the required columns of none of them (see docs/input.md)`);
  throw new ReshapeProblem(`its name names no input kind and its header has the required columns of none (see docs/input.md; or map the file in the policy's sources)`);
}

export interface SurveyInfo {
  projects: { id: string; name: string | null }[];
  instrument: { item_id: string; text: string }[];
}

/** Project ids and names, instrument items and texts, from the prepared tables of those kinds. */
export async function surveyInfo(parts: PendingPart[]): Promise<SurveyInfo> {
  const info: SurveyInfo = { projects: [], instrument: [] };
  for (const p of parts) {
    if (p.kind !== "projects" && p.kind !== "instrument") continue;
    const rows = await readRows(p.csv, p.delim).catch(() => [] as string[][]);
    const start = p.notes?.rows_above_header ?? 0;
    const header = (rows[start] ?? []).map((h) => canonicalHeader(SPECS[p.kind!], cleanHeader(h)));
    const at = (name: string) => header.indexOf(name);
    for (const r of rows.slice(start + 1)) {
      if (p.kind === "projects" && at("project_id") >= 0) info.projects.push({ id: (r[at("project_id")] ?? "").trim(), name: at("name") >= 0 ? (r[at("name")] ?? "").trim() || null : null });
      if (p.kind === "instrument" && at("item_id") >= 0 && at("text_zh") >= 0) info.instrument.push({ item_id: (r[at("item_id")] ?? "").trim(), text: (r[at("text_zh")] ?? "").trim() });
    }
  }
  return info;
}

/** Decide every pending table's kind and header row (throws ReshapeProblem for the file). */
export async function recognisePart(part: PendingPart, relPath: string, opts: ReshapeOptions): Promise<{ survey: boolean; source?: Source }> {
  const source = opts.sources.find((s) => patternMatches(s.pattern, relPath));
  const d = await decide(part, relPath, source);
  part.kind = d.kind;
  part.notes = { kind_by: d.by, ...(d.row ? { rows_above_header: d.row } : {}) };
  return { survey: d.survey, source };
}

/** Rewrite a table in the contract's shape when it is not (a new CSV in `workDir`, with its lines). */
export async function reshapePart(part: PendingPart, relPath: string, survey: boolean, source: Source | undefined, info: SurveyInfo, opts: ReshapeOptions, out: string): Promise<void> {
  const head = await readRows(part.csv, part.delim, 1 << 16, 3);
  const lineCol0 = part.hasLineColumn ? (head[0] ?? []).indexOf("__line") : -1;
  const start = part.notes?.rows_above_header ?? 0;
  const probe = contractHeader(withoutLine(head[start] ?? [], lineCol0), part.kind, source);
  const constants = Object.fromEntries(Object.entries(source?.constants ?? {}).filter(([k]) => !probe.header.includes(k)));
  if (!survey && !start && !Object.keys(probe.renamed).length && !Object.keys(constants).length) return;

  const rows = await readRows(part.csv, part.delim);
  const lineCol = part.hasLineColumn ? (rows[0] ?? []).indexOf("__line") : -1;
  // Spreadsheet lines of the data rows: the sheet's own numbers, or the record's number in the file.
  const body = rows.slice(start + 1).filter((r) => !(r.length === 1 && r[0] === ""));
  const lines = rows.slice(start + 1).map((r, i) => (lineCol >= 0 ? r[lineCol]! : String(start + i + 2))).filter((_, i) => !(rows[start + 1 + i]!.length === 1 && rows[start + 1 + i]![0] === ""));
  const data = body.map((r) => withoutLine(r, lineCol));
  let header: string[];
  let outRows: string[][];
  if (survey) {
    try {
      const r = reshapeSurvey([withoutLine(rows[start]!, lineCol), ...data], { path: relPath, projects: info.projects, instrument: info.instrument, labels: opts.labels, scale: opts.scale, constants: source?.constants ?? {} });
      header = r.header;
      outRows = r.rows;
      part.notes!.survey = r.notes;
    } catch (e) {
      if (e instanceof SurveyProblem) throw new ReshapeProblem(e.message);
      throw e;
    }
  } else {
    const h = contractHeader(withoutLine(rows[start]!, lineCol), part.kind, source);
    header = [...h.header, ...Object.keys(constants)];
    outRows = data.map((r) => [...r, ...Object.values(constants)]);
    if (Object.keys(h.renamed).length) part.notes!.renamed_columns = h.renamed;
    if (Object.keys(constants).length) part.notes!.constant_columns = constants;
  }
  const text = [plainRecord(["__line", ...header]), ...outRows.map((r, i) => plainRecord([Number(lines[i]), ...r]))].join("");
  await writeFile(out, text);
  part.csv = out;
  part.delim = ",";
  part.hasLineColumn = true;
}
