// manifest.json: for each input its path, sha256, rows read / loaded / rejected; the policy
// used; versions; when. Written last, atomically: a manifest means the run completed.
import { readFileSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import type { LoadResult } from "../ingest/load.ts";
import type { Policy } from "../lib/policy.ts";
import type { PreviousWarehouse } from "../lib/previous.ts";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
export const pkgVersion = pkg.version;

export interface ManifestFile {
  path: string;
  sha256: string;
  bytes: number;
  kind: string | null;
  encoding: string | null;
  status: "loaded" | "refused" | "ignored" | "duplicate";
  message: string | null;
  duplicate_of: string | null;
  rows_read: number;
  rows_loaded: number;
  rows_rejected: number;
  /** Date cells given as Excel serial day numbers (e.g. 45372), converted to dates. */
  excel_dates_converted: number;
  sheets?: { sheet: string; kind: string; rows_read: number; rows_loaded: number; rows_rejected: number }[];
  /** How the file's kind was decided: file name, file name (Chinese), sheet name, header, policy sources. */
  kind_by: string | null;
  /** Cells normalised, by kind: nothing is changed silently. */
  normalised?: Record<string, number>;
  /** What was changed to read it (rows above the header, renamed columns, a survey export's reshaping). */
  reshaped?: unknown;
  /**
   * `native`: numbers and times typed by DuckDB's CSV reader; `text`: every cell read as text (a cell
   * needed it); `reused`: unchanged since the previous run (same bytes, same checks), copied from its warehouse.
   */
  typed_read?: "native" | "text" | "reused";
  /** Of a native read (now, or when a file reused was typed), the columns read as text all the same (a cell in each needed the text read). */
  text_columns?: string[];
}

export function manifestFiles(load: LoadResult): ManifestFile[] {
  return load.outcomes.map((o) => {
    const parts = load.parts.filter((p) => p.label === o.file.path || p.label.startsWith(`${o.file.path}#`));
    const sum = (k: "rows_read" | "rows_loaded" | "rows_rejected" | "excel_dates") => parts.reduce((a, p) => a + p[k], 0);
    const entry: ManifestFile = {
      path: o.file.path,
      sha256: o.file.sha256,
      bytes: o.file.bytes,
      kind: o.kind ?? null,
      encoding: o.encoding ?? null,
      status: o.status === "prepared" ? "loaded" : o.status,
      message: o.message ?? null,
      duplicate_of: o.duplicateOf ?? null,
      rows_read: sum("rows_read"),
      rows_loaded: sum("rows_loaded"),
      rows_rejected: sum("rows_rejected"),
      excel_dates_converted: sum("excel_dates"),
      kind_by: null,
    };
    const normalised: Record<string, number> = {};
    for (const p of parts) for (const [k, v] of Object.entries(p.normalised)) normalised[k] = (normalised[k] ?? 0) + v;
    if (Object.keys(normalised).length) entry.normalised = normalised;
    const notes = o.parts.flatMap((p) => (p.notes ? [p.notes] : []));
    entry.kind_by = notes[0]?.kind_by ?? null;
    const changes = notes.map(({ kind_by: _, ...rest }) => rest).filter((r) => Object.keys(r).length);
    if (changes.length) entry.reshaped = changes.length === 1 ? changes[0] : changes;
    if (parts.length) entry.typed_read = parts.every((p) => p.read === "reused") ? "reused" : parts.every((p) => p.read === "native") ? "native" : "text";
    const asText = [...new Set(parts.flatMap((p) => p.textColumns ?? []))];
    // (A file taken from the previous run reports the columns its native read took as text then.)
    if (entry.typed_read !== "text" && asText.length) entry.text_columns = asText;
    if (o.encoding === "xlsx") entry.sheets = parts.map((p) => ({ sheet: p.sheet ?? "", kind: p.kind, rows_read: p.rows_read, rows_loaded: p.rows_loaded, rows_rejected: p.rows_rejected }));
    return entry;
  });
}

export async function writeManifest(
  file: string,
  body: { startedAt: Date; input: string; policy: Policy; policyFile: string | null; load: LoadResult; duckdb: string; rejectsByReason: Record<string, number>; analysis: unknown; outputs: string[]; outputsTaken: string[]; exitCode: number; steps: Record<string, number>; previous: PreviousWarehouse },
): Promise<void> {
  const manifest = {
    tool: "guopei",
    version: pkg.version,
    versions: { guopei: pkg.version, duckdb: body.duckdb, node: process.version },
    started_at: body.startedAt.toISOString(),
    finished_at: new Date().toISOString(),
    input: body.input,
    policy_file: body.policyFile,
    policy: body.policy,
    files: manifestFiles(body.load),
    tables: body.load.tables,
    supplied_kinds: body.load.suppliedKinds,
    skipped_checks: body.load.skippedChecks,
    // Kinds whose checks across files (keys, references) were taken from the previous warehouse:
    // the same files, by name and typed bytes, under the same code and against the same parents.
    checks_reused: body.load.checksTaken,
    // Kinds whose files were the previous run's with new ones after them: the new rows alone were
    // checked across files, what was found of the others taken.
    checks_appended: body.load.checksAppended,
    // Input files not read again: the same on disk (device, inode, size, modification and change
    // times) as in the previous run, their sha256 and scan taken from it.
    scans_reused: body.load.scansTaken,
    // Workbooks and GB18030 (or otherwise careful) files whose CSVs were taken from the previous
    // results folder's .prepared by their sha256, not decoded again (ingest/kept.ts).
    prepared_reused: body.load.preparedTaken,
    rejects_by_reason: body.rejectsByReason,
    analysis: body.analysis,
    outputs: body.outputs,
    // Outputs whose rows were what they were in the previous run (the same code, policy, query and
    // fingerprints of what it reads): the previous file taken, checked against its sha256, not
    // written again (publish/outputs.ts).
    outputs_reused: body.outputsTaken,
    step_seconds: body.steps,
    // How unchanged files and models were taken from the previous warehouse: the new one started as
    // its copy ("copied"), or it was read beside it ("attached"); null: a first run, or --full.
    previous_warehouse: body.previous,
    exit_code: body.exitCode,
  };
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(tmp, file);
}
