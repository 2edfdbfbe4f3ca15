// Test helpers: real folders, the real CLI, the real DuckDB. No mocks.
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openDb } from "../pipelines/lib/db.ts";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const BIN = path.join(ROOT, "bin", "guopei.mjs");

/** Folders made by tmpDir in this test file: removed after it (test/setup.ts) unless GUOPEI_KEEP_TMP is set. */
const made: string[] = [];

export async function tmpDir(prefix = "guopei-test-"): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Remove every folder tmpDir made (a whole suite left over 20 GB in the temp folder otherwise). */
export async function removeTmpDirs(): Promise<void> {
  if (process.env.GUOPEI_KEEP_TMP) return;
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** Write files (string = UTF-8 text, Buffer = bytes as given) into `dir`. */
export async function writeFiles(dir: string, files: Record<string, string | Buffer>): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, CI: "true", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Rows of a query against a finished warehouse, opened read-only. */
export async function query<T = Record<string, unknown>>(dbFile: string, sql: string): Promise<T[]> {
  const db = await openDb(dbFile, { readOnly: true });
  try {
    return await db.all<T>(sql);
  } finally {
    db.close();
  }
}

export function csvRows(text: string): string[][] {
  // Enough for our own outputs: RFC 4180 quotes, CRLF or LF.
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  const s = text.replace(/^\uFEFF/, "");
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && s[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else cell += ch;
  }
  if (cell !== "" || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

export const MINI = {
  "institutions.csv": "institution_id,name,type,province\nI1,东方师范大学,normal_university,豫\nI2,网络研修平台,online_platform,豫\n",
  "counties.csv": "county_code,name,province,teachers_total,trainer_team_size,studios,has_dev_center,five_year_plan,training_budget_share\n410101,临河县,豫,3000,55,30,1,1,0.05\n",
  "instrument.csv": "item_id,dimension,text_zh,reverse,scale_min,scale_max\nq01,content,内容,0,1,5\nq02,overall,总体,0,1,5\n",
  "projects.csv":
    "project_id,year,name,program,institution_id,county_code,stage,subject,mode,planned_hours,practice_hours,start_date,end_date,enrolled\n" +
    "P1,2024,乡村骨干,guopei_cw,I1,410101,primary,语文,face_to_face,40,12,2024-03-01,2024-03-20,3\n" +
    "P2,2024,网络研修,provincial,I2,,junior,数学,online,24,8,2024/4/1,2024/4/30,\n",
  "trainees.csv": "project_id,teacher_id,county_code,stage,rural,title\nP1,T1,410101,primary,1,一级教师\nP1,T2,410101,primary,0,高级教师\nP2,T1,410101,junior,1,一级教师\n",
  "evaluations_I1.csv": "response_id,project_id,submitted_at,duration_seconds,q01,q02,comment\nR1,P1,2024-03-21 10:00,300,5,4,很好\nR2,P1,2024-03-21 10:05,,4,,\nR3,P2,2024/5/1 09:00:00,200,3,3,\"多一些实践, 少一些理论\"\n",
};
