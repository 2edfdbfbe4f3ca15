// The foundation's promises, each on real files through the real pipeline.
import { existsSync } from "node:fs";
import { copyFile, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import ExcelJS from "exceljs";
import iconv from "iconv-lite";
import { beforeAll, describe, expect, it } from "vitest";
import { run } from "../../pipelines/run.ts";
import { setQuiet } from "../../pipelines/lib/log.ts";
import { MINI, csvRows, query, runCli, tmpDir, writeFiles } from "../helpers.ts";

setQuiet(true);

interface ManifestFile {
  path: string;
  status: string;
  message: string | null;
  encoding: string | null;
  rows_read: number;
  rows_loaded: number;
  rows_rejected: number;
  sha256: string;
  duplicate_of: string | null;
}

async function manifest(out: string): Promise<{ files: ManifestFile[]; tables: Record<string, number>; skipped_checks: string[] }> {
  return JSON.parse(await readFile(path.join(out, "manifest.json"), "utf8"));
}
async function rejects(out: string): Promise<Record<string, string>[]> {
  const [header, ...rows] = csvRows(await readFile(path.join(out, "rejects.csv"), "utf8"));
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ""])));
}
async function runOn(files: Record<string, string | Buffer>) {
  const input = await tmpDir();
  const out = await tmpDir();
  await writeFiles(input, files);
  const result = await run({ input, out });
  return { input, out, result, db: result.dbFile };
}

describe("a small province in English headers", () => {
  let out: string;
  let db: string;
  beforeAll(async () => {
    ({ out, db } = await runOn(MINI));
  });
  it("loads every row and accounts for each file", async () => {
    const m = await manifest(out);
    expect(m.tables.projects).toBe(2);
    expect(m.tables.trainees).toBe(3);
    expect(m.tables.evaluations).toBe(3);
    expect(m.tables.evaluation_answers).toBe(5); // R2 left q02 blank: no row, not a zero
    for (const f of m.files) expect(f.rows_read).toBe(f.rows_loaded + f.rows_rejected);
    expect(await rejects(out)).toEqual([]);
  });
  it("never turns a blank cell into 0", async () => {
    const [p2] = await query<{ enrolled: number | null; county_code: string | null }>(db, `SELECT enrolled, county_code FROM projects WHERE project_id = 'P2'`);
    expect(p2).toEqual({ enrolled: null, county_code: null });
    const [r2] = await query<{ d: number | null }>(db, `SELECT duration_seconds AS d FROM evaluations WHERE response_id = 'R2'`);
    expect(r2!.d).toBeNull();
  });
  it("parses dates and times with / separators and keeps quoted commas", async () => {
    const [p] = await query<{ s: string }>(db, `SELECT CAST(start_date AS VARCHAR) AS s FROM projects WHERE project_id = 'P2'`);
    expect(p!.s).toBe("2024-04-01");
    const [r] = await query<{ t: string; c: string }>(db, `SELECT CAST(submitted_at AS VARCHAR) AS t, comment AS c FROM evaluations WHERE response_id = 'R3'`);
    expect(r).toEqual({ t: "2024-05-01 09:00:00", c: "多一些实践, 少一些理论" });
  });
  it("creates empty tables for kinds not supplied and says which checks were skipped", async () => {
    const [a] = await query<{ c: bigint }>(db, `SELECT count(*) AS c FROM attendance`);
    expect(Number(a!.c)).toBe(0);
    const m = await manifest(out);
    expect(m.skipped_checks).toEqual([]);
  });
});

describe("encodings and formats", () => {
  it("reads UTF-8 with BOM, GB18030 and Chinese headers in any order without garbling", async () => {
    const gbk = "学科,学员编号,项目编号,职称,是否乡村\n语文,T9,P1,高级教师,是\n数学,T8,P1,一级教师,否\n";
    const { out, db } = await runOn({
      ...MINI,
      "projects.csv": `\uFEFF项目编号,年度,承训机构编号,培训方式,学段\nP1,2024,I1,集中培训,小学\nP2,2024,I2,在线,初中\n`,
      "trainees.csv": "project_id,teacher_id\nP1,T1\n",
      "trainees_gbk.csv": iconv.encode(gbk, "gb18030"),
    });
    const m = await manifest(out);
    expect(m.files.find((f) => f.path === "projects.csv")!.encoding).toBe("utf-8-bom");
    expect(m.files.find((f) => f.path === "trainees_gbk.csv")!.encoding).toBe("gb18030");
    const rows = await query<{ teacher_id: string; subject: string; title: string; rural: boolean }>(
      db,
      `SELECT teacher_id, subject, title, rural FROM trainees WHERE teacher_id IN ('T8', 'T9') ORDER BY teacher_id`,
    );
    expect(rows).toEqual([
      { teacher_id: "T8", subject: "数学", title: "一级教师", rural: false },
      { teacher_id: "T9", subject: "语文", title: "高级教师", rural: true },
    ]);
    const modes = await query<{ mode: string; stage: string }>(db, `SELECT mode, stage FROM projects ORDER BY project_id`);
    expect(modes).toEqual([
      { mode: "face_to_face", stage: "primary" },
      { mode: "online", stage: "junior" },
    ]);
  });

  it("reads xlsx with Chinese headers, its own row numbers, and sheets named like kinds", async () => {
    const input = await tmpDir();
    const out = await tmpDir();
    await writeFiles(input, MINI);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("专家评审");
    ws.addRow(["项目编号", "专家编号", "评审日期", "方案设计", "培训成效"]);
    ws.addRow(["P1", "E1", new Date(Date.UTC(2024, 2, 25)), 88, 90]);
    ws.addRow(["P1", "E2", "2024-03-26", 101, 85]); // out of range, line 3
    await wb.xlsx.writeFile(path.join(input, "expert_reviews_2024.xlsx"));
    const both = new ExcelJS.Workbook();
    both.addWorksheet("hours").addRow(["teacher_id", "year", "level", "hours"]);
    both.getWorksheet("hours")!.addRow(["T1", 2024, "county", 24]);
    both.addWorksheet("submissions").addRow(["project_id", "teacher_id", "assignment_id", "score"]);
    both.getWorksheet("submissions")!.addRow(["P1", "T1", "A1", 90]);
    await both.xlsx.writeFile(path.join(input, "platform_export.xlsx"));
    const { dbFile } = await run({ input, out });
    const reviews = await query<{ reviewer_id: string; d: string; design: number }>(dbFile, `SELECT reviewer_id, CAST(review_date AS VARCHAR) AS d, design FROM expert_reviews`);
    expect(reviews).toEqual([{ reviewer_id: "E1", d: "2024-03-25", design: 88 }]);
    expect(await rejects(out)).toEqual([{ file: "expert_reviews_2024.xlsx", line: "3", column: "design", reason: "out_of_range", value: "101" }]);
    const [h] = await query<{ c: bigint }>(dbFile, `SELECT count(*) AS c FROM hours`);
    const [s] = await query<{ c: bigint }>(dbFile, `SELECT count(*) AS c FROM submissions`);
    expect([Number(h!.c), Number(s!.c)]).toEqual([1, 1]);
    const m = await manifest(out);
    const book = m.files.find((f) => f.path === "platform_export.xlsx")!;
    expect(book).toMatchObject({ status: "loaded", rows_read: 2, rows_loaded: 2, rows_rejected: 0 });
  });
});

describe("every reject reason, with file, spreadsheet line, column and raw value", () => {
  let out: string;
  let db: string;
  let rows: Record<string, string>[];
  beforeAll(async () => {
    ({ out, db } = await runOn({
      ...MINI,
      "projects.csv":
        "project_id,year,institution_id,planned_hours,practice_hours,start_date,end_date,enrolled,mode\n" +
        "P1,2024,I1,40,12,2024-03-01,2024-03-20,30,online\n" +
        "P2,2024,I2,24,8,2024-04-01,2024-04-30,20,blended\n" +
        "P3,2024,I9,24,8,2024-04-01,2024-04-30,20,online\n" + // line 4 unknown institution
        "P4,二〇二四,I1,24,8,2024-04-01,2024-04-30,20,online\n" + // line 5 year not integer
        "P5,2024,I1,24,30,2024-04-01,2024-04-30,20,online\n" + // line 6 practice > planned
        "P6,2024,I1,24,8,2024-04-30,2024-04-01,20,online\n" + // line 7 ends before start
        "P7,2024,I1,24,8,2024-02-30,2024-04-01,20,online\n" + // line 8 bad date
        "P8,2024,I1,abc,8,2024-04-01,2024-04-30,20,online\n" + // line 9 not a number
        "P9,2024,I1,24,8,2024-04-01,2024-04-30,20,hybrid\n" + // line 10 unknown mode
        ",,,,,,,,\n" + // line 11 empty row
        "P1,2024,I1,40,12,2024-03-01,2024-03-20,30,online\n" + // line 12 repeated row
        "P2,2025,I2,24,8,2024-04-01,2024-04-30,20,blended\n", // line 13 key conflict
      "counties.csv": "county_code,has_dev_center,training_budget_share\n410101,1,0.05\n410102,maybe,0.05\n410103,1,1.5\n",
      "attendance.csv":
        "project_id,teacher_id,session_id,sign_in,sign_out,status\n" +
        "P1,T1,S1,2024-03-01 08:00,2024-03-01 11:00,present\n" +
        "P1,T1,S2,2024-03-02 08:00,2024-03-02 07:00,present\n" + // line 3 sign-out before sign-in
        "P1,T1,S3,2024-03-03 25:00,,late\n" + // line 4 bad datetime
        "P1,T7,S1,,,absent\n" + // line 5 unknown trainee
        "P1,T1,S4,,,absent,extra\n", // line 6 a value beyond the header
      "assessments.csv": "project_id,teacher_id,assignments_required,assignments_done,final_result\nP1,T1,3,5,pass\nP1,,3,3,pass\n",
      "evaluations_I1.csv": "response_id,project_id,q01,q02\nR1,P1,5,4\nR2,P1,6,4\nR3,P1,4.5,4\nR4,P1,0,9\n",
    }));
    rows = await rejects(out);
  });
  const find = (file: string, line: number) => rows.filter((r) => r.file === file && r.line === String(line));
  it.each([
    ["projects.csv", 4, "institution_id", "unknown_reference", "I9"],
    ["projects.csv", 5, "year", "not_an_integer", "二〇二四"],
    ["projects.csv", 6, "practice_hours", "exceeds_planned_hours", "30.0"],
    ["projects.csv", 7, "end_date", "ends_before_start", "2024-04-01"],
    ["projects.csv", 8, "start_date", "bad_date", "2024-02-30"],
    ["projects.csv", 9, "planned_hours", "not_a_number", "abc"],
    ["projects.csv", 10, "mode", "unknown_value", "hybrid"],
    ["projects.csv", 11, "", "empty_row", ""],
    ["counties.csv", 3, "has_dev_center", "not_0_or_1", "maybe"],
    ["counties.csv", 4, "training_budget_share", "out_of_range", "1.5"],
    ["attendance.csv", 3, "sign_out", "sign_out_before_sign_in", "2024-03-02 07:00:00"],
    ["attendance.csv", 4, "sign_in", "bad_datetime", "2024-03-03 25:00"],
    ["attendance.csv", 5, "project_id+teacher_id", "unknown_reference", "P1 | T7"],
    ["attendance.csv", 6, "column6", "value_without_header", "extra"],
    ["assessments.csv", 2, "assignments_done", "more_done_than_required", "5"],
    ["assessments.csv", 3, "teacher_id", "missing_required", ""],
    ["evaluations_I1.csv", 3, "q01", "likert_out_of_scale", "6"],
    ["evaluations_I1.csv", 4, "q01", "not_an_integer", "4.5"],
  ])("%s line %i: %s %s", (file, line, column, reason, value) => {
    expect(find(file, line)).toContainEqual({ file, line: String(line), column, reason, value });
  });
  it("tells a repeated row from a conflicting key, naming the first occurrence", () => {
    expect(find("projects.csv", 12)).toEqual([{ file: "projects.csv", line: "12", column: "project_id", reason: "duplicate_row", value: "P1 (first: projects.csv line 2)" }]);
    expect(find("projects.csv", 13)).toEqual([{ file: "projects.csv", line: "13", column: "project_id", reason: "duplicate_key", value: "P2 (first: projects.csv line 3)" }]);
  });
  it("reports every bad cell of a row, and the row once in the account", async () => {
    expect(find("evaluations_I1.csv", 5).map((r) => r.reason)).toEqual(["likert_out_of_scale", "likert_out_of_scale"]);
    const m = await manifest(out);
    expect(m.files.find((f) => f.path === "evaluations_I1.csv")).toMatchObject({ rows_read: 4, rows_loaded: 1, rows_rejected: 3 });
    for (const f of m.files) expect(f.rows_read).toBe(f.rows_loaded + f.rows_rejected);
  });
  it("loads the good rows of the same files", async () => {
    const ids = await query<{ project_id: string }>(db, `SELECT project_id FROM projects ORDER BY 1`);
    expect(ids.map((r) => r.project_id)).toEqual(["P1", "P2"]);
  });
});

describe("files that cannot be loaded are refused whole, the rest loads, the exit code says so", () => {
  it("refuses an evaluation file with a teacher column, a truncated xlsx and a binary file", async () => {
    const input = await tmpDir();
    const out = await tmpDir();
    await writeFiles(input, {
      ...MINI,
      "evaluations_I2.csv": "response_id,project_id,学员编号,q01,q02\nR9,P2,T1,5,5\n",
      "trainees_2024.xlsx": Buffer.from("PK\u0003\u0004 this is not really a zip"),
      "attendance.csv": Buffer.from([0x00, 0x01, 0x02, 0xff, 0x00, 0x10]),
    });
    const good = new ExcelJS.Workbook();
    good.addWorksheet("s").addRow(["project_id", "reviewer_id", "design"]);
    await good.xlsx.writeFile(path.join(input, "expert_reviews.xlsx"));
    const bytes = await readFile(path.join(input, "expert_reviews.xlsx"));
    await writeFile(path.join(input, "expert_reviews_cut.xlsx"), bytes.subarray(0, Math.floor(bytes.length / 2)));
    const r = await runCli(["run", "--input", input, "--out", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/evaluations_I2\.csv.*teacher column "学员编号"/);
    expect(r.stderr).toMatch(/expert_reviews_cut\.xlsx.*cannot be read as xlsx/);
    expect(r.stderr).toMatch(/attendance\.csv.*binary/);
    const m = await manifest(out);
    const status = Object.fromEntries(m.files.map((f) => [f.path, f.status]));
    expect(status).toMatchObject({
      "evaluations_I2.csv": "refused",
      "expert_reviews_cut.xlsx": "refused",
      "trainees_2024.xlsx": "refused",
      "attendance.csv": "refused",
      "evaluations_I1.csv": "loaded",
      "expert_reviews.xlsx": "loaded",
    });
    expect(m.tables.evaluations).toBe(3);
  });

  it("refuses a file lacking a required column, naming it in Chinese too", async () => {
    const { out, result } = await runOn({ ...MINI, "trainees.csv": "project_id,学校编号\nP1,S1\n" });
    expect(result.exitCode).toBe(2);
    const m = await manifest(out);
    expect(m.files.find((f) => f.path === "trainees.csv")!.message).toContain("teacher_id (学员编号)");
  });

  it("does not call a file bad when the machine failed: out of memory stops the run (exit 1), refuses nothing, keeps the previous results", async () => {
    const input = await tmpDir();
    await writeFiles(input, MINI);
    const out = await tmpDir();
    await writeFiles(out, {});
    const r = await runCli(["run", "--input", input, "--out", out], { GUOPEI_MEMORY_LIMIT: "2MB" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Out of Memory Error/);
    expect(r.stderr).not.toMatch(/拒收 refused/);
    expect(existsSync(path.join(out, "manifest.json"))).toBe(false);
  });

  it("does not follow a symlink out of the input folder", async () => {
    const outside = await tmpDir();
    await writeFiles(outside, { "secret.csv": "institution_id,name\nX,外部\n" });
    const input = await tmpDir();
    await writeFiles(input, MINI);
    await symlink(path.join(outside, "secret.csv"), path.join(input, "institutions_linked.csv"));
    const out = await tmpDir();
    const r = await run({ input, out });
    expect(r.exitCode).toBe(2);
    const m = await manifest(out);
    expect(m.files.find((f) => f.path === "institutions_linked.csv")!.message).toMatch(/outside the input folder/);
    const names = await query<{ name: string }>(r.dbFile, `SELECT name FROM institutions`);
    expect(names.map((n) => n.name)).not.toContain("外部");
  });
});

describe("idempotency", () => {
  const snapshot = async (db: string) => {
    const tables = ["projects", "trainees", "evaluations", "evaluation_answers", "attendance"];
    const out: Record<string, string> = {};
    for (const t of tables) {
      const cols = t === "evaluation_answers" ? "*" : "* EXCLUDE (_file, _line)";
      const [r] = await query<{ n: bigint; h: bigint }>(db, `SELECT count(*) AS n, sum(hash(COLUMNS(*)))::VARCHAR AS h FROM (SELECT ${cols} FROM ${t})`);
      out[t] = `${r!.n}:${r!.h}`;
    }
    return out;
  };
  it("gives the same tables when run twice on the same folder", async () => {
    const { input, out, db } = await runOn(MINI);
    const first = await snapshot(db);
    await run({ input, out });
    expect(await snapshot(db)).toEqual(first);
  });
  it("loads a file delivered twice once, and reports the copy", async () => {
    const { input, out, db } = await runOn(MINI);
    const before = await snapshot(db);
    await copyFile(path.join(input, "evaluations_I1.csv"), path.join(input, "evaluations_I1 (1).csv"));
    await run({ input, out });
    expect(await snapshot(db)).toEqual(before);
    const m = await manifest(out);
    expect(m.files.find((f) => f.path === "evaluations_I1 (1).csv")).toMatchObject({ status: "duplicate", duplicate_of: "evaluations_I1.csv" });
    expect(await rejects(out)).toEqual([]);
  });
  it("rejects rows re-delivered inside another file as duplicate_row, not loading them twice", async () => {
    const { out, db } = await runOn({ ...MINI, "evaluations_I1_resend.csv": "response_id,project_id,q01,q02,submitted_at,duration_seconds,comment\nR1,P1,5,4,2024-03-21 10:00,300,很好\n" });
    const [n] = await query<{ c: bigint }>(db, `SELECT count(*) AS c FROM evaluations`);
    expect(Number(n!.c)).toBe(3);
    expect(await rejects(out)).toEqual([{ file: "evaluations_I1_resend.csv", line: "2", column: "response_id", reason: "duplicate_row", value: "R1 (first: evaluations_I1.csv line 2)" }]);
  });
});
