// `guopei check`: validate a folder of exports without analysing them, fast enough for an
// institution to run before sending its files. The same load as `guopei run` (kinds, headers,
// types, keys, references) into a throw-away database; a table per file on the terminal, and,
// with --out, rejects.csv and check.json there. Nothing is written into the input folder.
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadWarehouse, type LoadResult } from "./ingest/load.ts";
import { openDb } from "./lib/db.ts";
import { checkApart, OutputError, replaceDir } from "./lib/outdir.ts";
import { loadPolicy } from "./lib/policy.ts";
import { copyCsv } from "./publish/copy.ts";
import { manifestFiles, type ManifestFile } from "./publish/manifest.ts";
import { EXIT } from "./run.ts";

export interface CheckOptions {
  input: string;
  out?: string;
  policy?: string;
}

export interface CheckResult {
  exitCode: number;
  files: ManifestFile[];
}

const STATUS_ZH: Record<string, string> = { loaded: "通过 ok", refused: "拒收 refused", ignored: "忽略 ignored", duplicate: "重复 duplicate" };

/** The per-file table a user reads on the terminal (plain text, widths by display columns). */
export function fileTable(files: ManifestFile[]): string {
  const width = (s: string) => [...s].reduce((w, c) => w + (/[\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(c) ? 2 : 1), 0);
  const pad = (s: string, w: number) => s + " ".repeat(Math.max(0, w - width(s)));
  const rows = [
    ["文件 file", "类型 kind", "判定 decided by", "状态 status", "读入 read", "载入 loaded", "拒收行 rejected"],
    ...files.map((f) => [f.path, f.kind ?? "—", f.kind_by ?? "—", STATUS_ZH[f.status] ?? f.status, String(f.rows_read), String(f.rows_loaded), String(f.rows_rejected)]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => width(r[i]!))));
  const lines = rows.map((r) => r.map((c, i) => pad(c, widths[i]!)).join("  ").trimEnd());
  lines.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
  for (const f of files.filter((x) => x.message && x.status !== "loaded")) lines.push(`  ${f.path}: ${f.message}`);
  return `${lines.join("\n")}\n`;
}

export async function check(opts: CheckOptions): Promise<CheckResult> {
  const input = path.resolve(opts.input);
  const policy = await loadPolicy(opts.policy);
  if (!existsSync(input)) throw new OutputError(`--input ${input} does not exist`);
  if (opts.out) checkApart(path.resolve(opts.out), "--out", input, "--input");
  const scratch = await mkdtemp(path.join(tmpdir(), "guopei-check-"));
  try {
    const db = await openDb(path.join(scratch, "check.duckdb"), { tempDir: scratch });
    let load: LoadResult;
    try {
      load = await loadWarehouse(db, input, path.join(scratch, "work"), policy);
      const files = manifestFiles(load);
      const refused = files.filter((f) => f.status === "refused").length;
      const loaded = files.reduce((a, f) => a + f.rows_loaded, 0);
      const rejected = files.reduce((a, f) => a + f.rows_rejected, 0);
      process.stdout.write(fileTable(files));
      process.stdout.write(`\n检查 check: ${files.length} file(s), ${loaded} rows would load, ${rejected} rejected, ${refused} file(s) refused\n`);
      const exitCode = refused ? EXIT.fileRefused : loaded === 0 ? EXIT.noRows : EXIT.ok;
      if (opts.out) {
        await replaceDir(path.resolve(opts.out), "check", "--out", async (work) => {
          await copyCsv(db, `SELECT file, line, "column", reason, value FROM rejects ORDER BY file, line, "column", reason, value`, path.join(work, "rejects.csv"));
          await writeFile(path.join(work, "check.json"), `${JSON.stringify({ input, policy_version: policy.version, exit_code: exitCode, files }, null, 2)}\n`);
        });
        process.stdout.write(`  → ${path.resolve(opts.out)}: rejects.csv, check.json\n`);
      }
      return { exitCode, files };
    } finally {
      db.close();
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
