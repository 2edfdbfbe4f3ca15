// Step 1 of the load: find the input files, fingerprint them, and turn each into a UTF-8 CSV
// DuckDB can read (GB18030 is transcoded, xlsx sheets are written out). No row is judged here.
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, stat } from "node:fs/promises";
import path from "node:path";
import type ExcelJS from "exceljs";
import PQueue from "p-queue";
import { EncodingMixed, lineOfOffset, needsCareful, normaliseCsv, plainRecord } from "./normalise.ts";
import { ScanPool, type ScanFacts } from "./scan.ts";
import { Keeper, type Written } from "./kept.ts";
import { displayPath, insideRoot } from "../lib/paths.ts";
import { KINDS, kindOfFile, type Kind } from "./contract.ts";
import { kindsInName } from "./recognise.ts";
import { ReshapeProblem, recognisePart, reshapePart, surveyInfo, type PendingPart, type ReshapeNotes, type ReshapeOptions, type SurveyInfo } from "./reshape.ts";

export type Encoding = "utf-8" | "utf-8-bom" | "gb18030" | "xlsx";

export interface InputFile {
  /** Path inside the input folder, as reported to users. */
  path: string;
  abs: string;
  sha256: string;
  bytes: number;
  /** No byte above 0x7f below the header: every cell is plain ASCII (the typed pass then skips the full-width and label tests). */
  ascii?: boolean;
  /** Whether a tab byte is in it (undefined: not known, as of a scan kept by older code: it may be). */
  tabs?: boolean;
}

/** One table to load: a CSV file, or one sheet of an xlsx written out as CSV. */
export interface PreparedPart {
  file: InputFile;
  kind: Kind;
  sheet?: string;
  encoding: Encoding;
  /** UTF-8 CSV for DuckDB. */
  csv: string;
  /** xlsx parts carry a `__line` column with the sheet's own row numbers. */
  hasLineColumn: boolean;
  delim: string;
  /** How its kind was decided and what was changed to read it. */
  notes?: ReshapeNotes;
}

export interface FileOutcome {
  file: InputFile;
  status: "prepared" | "refused" | "ignored" | "duplicate";
  kind?: Kind;
  encoding?: Encoding;
  message?: string;
  duplicateOf?: string;
  parts: PreparedPart[];
  /** The file's identity on disk and what its scan found (read now, or taken from the previous run's scans). */
  scanned?: { identity: string; facts: ScanFacts; taken: boolean; settled: boolean };
  /** The key of the CSVs its preparation wrote (its workbook's sheets, its plain CSV), and whether they were taken from the previous run (kept.ts). */
  prepared?: { key: string; taken: boolean };
  /** Tables whose kind recognition still has to decide (internal to prepareInputs). */
  pending?: (PendingPart & { encoding: Encoding })[];
}

export class RefusedFile extends Error {}

const READABLE = /\.(csv|tsv|txt|xlsx)$/i;

/** Every file under `root`, skipping names that start with `.` or `_` (notes, truth files, temp). */
export async function listInputFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string) {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (e.name.startsWith(".") || e.name.startsWith("_")) continue;
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else out.push(full);
    }
  }
  await walk(root);
  return out;
}

/**
 * Scans of the previous run by path inside the input folder, with the identity the file had then
 * (identityOf): a file whose identity is the same is not read again.
 */
export type ScanMemo = ReadonlyMap<string, { identity: string; facts: ScanFacts }>;

/**
 * A file's identity on disk: device, inode, size, and the times of its last modification and last
 * change in nanoseconds. Writing to a file sets its change time to now, and no tool sets that one
 * back (a copy, a restore or an edit that keeps the modification time still changes it): the same
 * identity, the same bytes, as git's index and make assume. `settled`: modified more than 2 s before
 * it was looked at. A file modified just before could be written again within the same tick of a
 * coarse clock (2 s on FAT, seconds on some network shares) and keep its identity; its scan is not
 * kept for the next run (git's "racily clean" files). (`--full` reads every file again.)
 */
async function identityOf(abs: string): Promise<{ identity: string; settled: boolean; bytes: number }> {
  const s = await stat(abs, { bigint: true });
  const before = Date.now() - SETTLED_MS;
  return { identity: [s.dev, s.ino, s.size, s.mtimeNs, s.ctimeNs].join(":"), settled: Number(s.mtimeMs) < before && Number(s.ctimeMs) < before, bytes: Number(s.size) };
}

/** How long before its scan a file must have been last written for the scan to be kept. */
const SETTLED_MS = 2000;

/** What a file's preparation wrote, by its key: taken from the previous run, or written now (kept.ts). */
type Keep = (key: string, make: (dir: string) => Promise<Written[]>) => Promise<Written[]>;

async function prepareCsv(file: InputFile, kind: Kind | undefined, s: ScanFacts, keep: Keep, index: number): Promise<PendingPart & { encoding: Encoding }> {
  if (s.binary) throw new RefusedFile("binary content (NUL bytes): not a CSV text file");
  if (s.shape.nulOffset >= 0) throw new RefusedFile(`a NUL byte on line ${await lineOfOffset(file.abs, s.shape.nulOffset)}: the file is damaged (binary data inside text); export it again`);
  if (s.bytes === 0) throw new RefusedFile("empty file: no header row");
  const encoding: Encoding = s.validUtf8 ? (s.bom ? "utf-8-bom" : "utf-8") : "gb18030";
  const delim = /\.tsv$/i.test(file.path) ? "\t" : ",";
  // The common case is read by DuckDB as it is; blank lines, quoted line breaks and GB18030 (Excel
  // on Chinese Windows saves GBK, which GB18030 contains) take the careful path.
  if (s.validUtf8 && !needsCareful(s.shape)) return { kind, encoding, csv: file.abs, hasLineColumn: false, delim };
  const written = await keep(`${file.sha256}.${delim === "\t" ? "tsv" : "csv"}`, async (dir) => {
    const csv = path.join(dir, `${index}-careful.csv`);
    try {
      await normaliseCsv(file.abs, csv, { gb18030: !s.validUtf8, delim });
    } catch (e) {
      if (e instanceof EncodingMixed) throw new RefusedFile(e.message);
      throw e;
    }
    return [{ name: "", csv }];
  });
  return { kind, encoding, csv: written[0]!.csv, hasLineColumn: true, delim };
}

function cellText(v: ExcelJS.CellValue): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) {
    // Excel stores wall-clock time; exceljs hands it over as UTC.
    const iso = v.toISOString();
    return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso.slice(0, 19).replace("T", " ");
  }
  if (typeof v === "object") {
    if ("result" in v) return cellText((v as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
    if ("richText" in v) return (v as ExcelJS.CellRichTextValue).richText.map((r) => r.text).join("");
    if ("text" in v) return String((v as ExcelJS.CellHyperlinkValue).text);
    if ("error" in v) return String((v as ExcelJS.CellErrorValue).error);
    return JSON.stringify(v);
  }
  return String(v);
}

/**
 * A workbook's sheets as CSVs (writeSheets, or taken from the previous run). Every sheet named like
 * a kind is loaded as that kind; otherwise a single sheet as the file's kind, several by their headers.
 */
async function prepareXlsx(file: InputFile, fileKind: Kind | undefined, keep: Keep, index: number): Promise<(PendingPart & { encoding: Encoding })[]> {
  const sheets = await keep(`${file.sha256}.xlsx`, (dir) => writeSheets(file, dir, index));
  if (sheets.length === 0) throw new RefusedFile("the workbook has no sheet");
  const written = sheets.map((w) => ({ ...w, kind: kindOfFile(w.name) ?? ((KINDS as readonly string[]).find((k) => k === w.name.trim()) as Kind | undefined) }));
  // Sheets named like a kind are loaded as that kind (the others are notes); otherwise every sheet
  // is a candidate and its header decides (an instructions sheet beside the data fits no kind).
  const chosen = written.filter((w) => w.kind);
  // (A single sheet takes the file name's kind at once; several are decided by their headers.)
  const targets = chosen.length > 0 ? chosen : written.length === 1 ? [{ ...written[0]!, kind: fileKind }] : written;
  return targets.map((t) => ({ kind: t.kind, sheet: t.name, encoding: "xlsx" as const, csv: t.csv, hasLineColumn: true, delim: "," }));
}

/**
 * Each sheet streamed out to CSV in `dir`, in the workbook's order (bounded memory: a workbook is
 * never held whole), with a `__line` column of the sheet's own row numbers.
 */
async function writeSheets(file: InputFile, dir: string, index: number): Promise<Written[]> {
  const written: Written[] = [];
  try {
    // (exceljs loaded when a workbook is met: a quarter of a second at every start otherwise.)
    const { default: Excel } = await import("exceljs");
    const reader = new Excel.stream.xlsx.WorkbookReader(file.abs, { sharedStrings: "cache", hyperlinks: "ignore", styles: "cache", worksheets: "emit", entries: "emit" });
    for await (const ws of reader as AsyncIterable<ExcelJS.stream.xlsx.WorksheetReader & { name?: string }>) {
      const name = String(ws.name ?? `Sheet${written.length + 1}`);
      const csv = path.join(dir, `${index}-${written.length}-xlsx.csv`);
      written.push({ name, csv });
      const out = createWriteStream(csv, { encoding: "utf8" });
      let width = 0;
      let headerDone = false;
      for await (const row of ws as AsyncIterable<ExcelJS.Row>) {
        const raw = row.values as ExcelJS.CellValue[];
        const values: (string | null)[] = [];
        for (let c = 1; c < raw.length; c++) values[c - 1] = cellText(raw[c] ?? null);
        if (values.every((v) => v === null || v === undefined)) continue; // a formatted but empty row
        let line: string;
        if (!headerDone) {
          width = values.length;
          headerDone = true;
          // `__line` first: a title row above the header (one cell wide) must not shift it.
          line = plainRecord(["__line", ...Array.from({ length: width }, (_, i) => values[i] ?? null)]);
        } else {
          line = plainRecord([row.number, ...Array.from({ length: Math.max(width, values.length) }, (_, i) => values[i] ?? null)]);
        }
        if (!out.write(line)) await once(out, "drain");
      }
      if (!headerDone) out.write(plainRecord(["__line"]));
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    }
  } catch (e) {
    throw new RefusedFile(`cannot be read as xlsx (truncated or not a workbook): ${(e as Error).message}`);
  }
  return written;
}

/**
 * Prepare every file of the input folder, at most `concurrency` at a time.
 * A file delivered twice (same sha256) is prepared once and reported as a duplicate.
 */
export async function prepareInputs(
  inputDir: string,
  workDir: string,
  concurrency = 4,
  onFile?: (o: FileOutcome) => void,
  reshape: ReshapeOptions = { sources: [], labels: {}, scale: { min: 1, max: 5 } },
  memo: ScanMemo = new Map(),
  keeper = new Keeper(),
): Promise<FileOutcome[]> {
  const root = path.resolve(inputDir);
  await mkdir(workDir, { recursive: true });
  const files = await listInputFiles(root);
  const queue = new PQueue({ concurrency });
  const scans = new ScanPool(concurrency);
  let outcomes: FileOutcome[];
  try {
    outcomes = await Promise.all(
      files.map((full, index) =>
        queue.add(async (): Promise<FileOutcome> => {
          const rel = displayPath(root, full);
          const file: InputFile = { path: rel, abs: full, sha256: "", bytes: 0 };
          const named = kindsInName(path.basename(full));
          const kind = named.kinds.length === 1 ? named.kinds[0] : undefined;
          // What its preparation wrote, where it wrote something (Keeper).
          let prepared: FileOutcome["prepared"];
          const keep: Keep = (key, make) => keeper.get(key, workDir, make).then(({ written, taken }) => ((prepared = { key, taken }), written));
          try {
            file.abs = await insideRoot(root, full);
            // The scan of the previous run when the file is the same on disk, else a scan now.
            const { identity, settled, bytes } = await identityOf(file.abs);
            const before = memo.get(rel);
            const taken = before?.identity === identity;
            const s = taken ? before.facts : await scans.scan(file.abs, bytes);
            const scanned = { identity, facts: s, taken, settled };
            if (!READABLE.test(full)) {
              Object.assign(file, { sha256: s.sha256, bytes: s.bytes });
              return { file, status: "ignored", message: "not a .csv, .tsv, .txt or .xlsx file", parts: [], scanned };
            }
            const isXlsx = /\.xlsx$/i.test(full);
            Object.assign(file, { sha256: s.sha256, bytes: s.bytes, ascii: s.ascii, tabs: s.tabs });
            // A name that names no kind, or several, is prepared all the same: its header decides.
            const pending = isXlsx ? await prepareXlsx(file, kind, keep, index) : [await prepareCsv(file, kind, s, keep, index)];
            return { file, status: "prepared", kind, encoding: pending[0]!.encoding, parts: [], pending, scanned, ...(prepared ? { prepared } : {}) };
          } catch (e) {
            const message = e instanceof RefusedFile ? e.message : `cannot be read: ${(e as Error).message}`;
            return { file, status: "refused", kind, message, parts: [] };
          }
        }) as Promise<FileOutcome>,
      ),
    );
  } finally {
    await scans.close();
  }
  await recogniseAll(outcomes, workDir, reshape);
  // The shortest name of identical files counts as the original (`x.csv` before `x (1).csv`).
  const byName = [...outcomes].sort((a, b) => a.file.path.length - b.file.path.length || (a.file.path < b.file.path ? -1 : 1));
  const firstBySha = new Map<string, string>();
  for (const o of byName) {
    onFile?.(o);
    if (o.status !== "prepared") continue;
    const first = firstBySha.get(o.file.sha256);
    if (first) {
      o.status = "duplicate";
      o.duplicateOf = first;
      o.message = `same content (sha256) as ${first}: delivered twice, loaded once`;
      o.parts = [];
    } else firstBySha.set(o.file.sha256, o.file.path);
  }
  return outcomes;
}

/**
 * After the load, the CSVs written from each file kept for the next run (kept.ts) where they hold
 * nothing the warehouse does not: the file was loaded (not refused, not a duplicate), no sheet of it
 * is left out, and none is of anonymous evaluations (comments are personal data until scrubbed), a
 * survey export (its platform columns, an IP address among them, are dropped in reshaping) or a table
 * with rows above its header (a title row may name who filled it in).
 */
export async function keepPrepared(outcomes: readonly FileOutcome[], keeper: Keeper, to: string): Promise<void> {
  for (const o of outcomes) {
    if (o.status !== "prepared" || !o.prepared) continue;
    if (o.parts.length !== (await keeper.count(o.prepared.key))) continue;
    if (o.parts.some((p) => p.kind === "evaluations" || p.notes?.survey || p.notes?.rows_above_header)) continue;
    await keeper.keep(o.prepared.key, to);
  }
}

/**
 * Every prepared table's kind decided (policy sources, names, headers) and, where its shape is not
 * the contract's, rewritten; a file none of whose tables fits a kind is refused with the reason.
 * Projects and instrument go first: a survey export's project and questions are matched to them.
 */
async function recogniseAll(outcomes: FileOutcome[], workDir: string, opts: ReshapeOptions): Promise<void> {
  const decided: { o: FileOutcome; part: PendingPart & { encoding: Encoding }; survey: boolean; source?: ReshapeOptions["sources"][number] }[] = [];
  for (const o of outcomes) {
    if (o.status !== "prepared" || !o.pending) continue;
    const problems: string[] = [];
    for (const part of o.pending) {
      try {
        decided.push({ o, part, ...(await recognisePart(part, o.file.path, opts)) });
      } catch (e) {
        if (!(e instanceof ReshapeProblem)) throw e;
        problems.push(`${part.sheet && o.pending.length > 1 ? `sheet ${part.sheet}: ` : ""}${e.message}`);
      }
    }
    // A workbook's other sheets (instructions, notes) may fit nothing; a file none of whose tables fits is refused.
    if (!decided.some((d) => d.o === o)) {
      o.status = "refused";
      o.message = problems[0] ?? "no table in it";
      o.pending = undefined;
    }
  }
  // (The projects and the instrument read whole only when a survey export is to be matched to them:
  // 58 k projects nationally, 0.13 s of every run otherwise.)
  let info: SurveyInfo | undefined;
  const infoOf = async (): Promise<SurveyInfo> => (info ??= await surveyInfo(decided.filter((d) => !d.survey).map((d) => d.part)));
  let n = 0;
  for (const d of decided) {
    if (d.o.status !== "prepared") continue;
    try {
      await reshapePart(d.part, d.o.file.path, d.survey, d.source, d.survey ? await infoOf() : { projects: [], instrument: [] }, opts, path.join(workDir, `reshaped-${n++}.csv`));
      d.o.parts.push({ file: d.o.file, kind: d.part.kind!, sheet: d.part.sheet, encoding: d.part.encoding, csv: d.part.csv, hasLineColumn: d.part.hasLineColumn, delim: d.part.delim, notes: d.part.notes });
    } catch (e) {
      if (!(e instanceof ReshapeProblem)) throw e;
      d.o.status = "refused";
      d.o.message = `${d.part.sheet && (d.o.pending?.length ?? 0) > 1 ? `sheet ${d.part.sheet}: ` : ""}${e.message}`;
      d.o.parts = [];
    }
  }
  for (const o of outcomes) {
    if (o.status === "prepared") o.kind = o.parts[0]?.kind;
    o.pending = undefined;
  }
}
