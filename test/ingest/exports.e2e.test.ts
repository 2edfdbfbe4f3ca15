// Files as provinces and survey platforms really send them: Chinese file and folder names, Chinese
// headers with line breaks under a title row, a survey platform's export per project (numbered
// question-text headers, label answers, `序号` restarting, IP columns, `95秒`), GB18030 and xlsx.
// Every response is loaded and counted per project, the scores equal those of the same answers in
// the contract's plain shape, and no IP address reaches the warehouse or any output.
import { readdir, readFile, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import ExcelJS from "exceljs";
import iconv from "iconv-lite";
import { beforeAll, describe, expect, it } from "vitest";
import { query, runCli, tmpDir, writeFiles } from "../helpers.ts";

const LABELS = ["非常不满意", "不满意", "一般", "满意", "非常满意"];
const QUESTIONS = ["课程内容贴近教育教学实际", "授课专家水平高", "总体满意"];
interface Answer {
  seq: number;
  time: string;
  seconds: number;
  stage: string;
  years: number;
  values: number[];
  comment: string;
}
// Two projects, deterministic answers; the second project's file restarts 序号 at 1.
const answers = (project: number, n: number): Answer[] =>
  Array.from({ length: n }, (_, i) => ({
    seq: i + 1,
    time: `2025/06/${10 + project} 10:${String(10 + i).padStart(2, "0")}:0${i % 10}`,
    seconds: 60 + 17 * i,
    stage: i % 2 ? "小学" : "初中",
    years: 3 + ((i * 7) % 20),
    values: QUESTIONS.map((_, q) => 1 + ((i + q + project) % 5)),
    comment: i % 3 ? "" : `希望多一些案例${i}`,
  }));
const P1 = answers(1, 12);
const P2 = answers(2, 10);
const durationText = (s: number) => (s >= 120 ? `${Math.floor(s / 60)}分${s % 60}秒` : `${s}秒`);

function surveyHeader(): string[] {
  return ["序号", "提交答卷时间", "所用时间", "来源", "来源详情", "来自IP", "1、您任教的学段", "2、您的教龄", ...QUESTIONS.map((q, i) => `${i + 3}、${q}${i === 1 ? "（单选题）" : ""}`), "6、您对本次培训的意见和建议"];
}
function surveyRow(a: Answer, k: number): (string | number)[] {
  // Labels mostly; a full-width digit and a plain number here and there, as platforms export them.
  const cell = (v: number, q: number) => ((a.seq + q) % 7 === 0 ? String.fromCharCode(0xff10 + v) : (a.seq + q) % 5 === 0 ? String(v) : LABELS[v - 1]!);
  return [a.seq, a.time, durationText(a.seconds), "微信", "https://wj.qq.example/s/abc", `112.10.${k}.${a.seq}(河南-郑州)`, a.stage, a.years, ...a.values.map(cell), a.comment];
}

async function xlsx(file: string, sheets: Record<string, (string | number | null)[][]>): Promise<void> {
  const wb = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) wb.addWorksheet(name).addRows(rows);
  await wb.xlsx.writeFile(file);
}

const PROJECTS_HEADER = ["项目\n编号", "年度", "项目名称", "承训机构\n编号", "培训方式", "学段", "开始日期", "结束日期", "参训人数"];
const PROJECTS = [
  ["P2025001", 2025, "乡村骨干教师培训", "I1", "集中培训", "小学", "2025-06-01", "2025-06-10", 15],
  ["P2025002", 2025, "初中数学网络研修", "I1", "网络研修", "初中", "2025-06-02", "2025-06-11", 12],
];

async function province(dir: string): Promise<void> {
  const root = path.join(dir, "河南省", "2025年");
  await mkdir(root, { recursive: true });
  await writeFiles(root, { "承训机构名单.csv": "机构编号,机构名称,机构类型\nI1,东方师范大学,师范大学\n" });
  // A title row above a header whose cells hold line breaks; an instructions sheet beside it.
  await xlsx(path.join(root, "培训项目一览表.xlsx"), { 项目: [["2025年国培计划项目一览表"], PROJECTS_HEADER, ...PROJECTS], 填表说明: [["请按模板填写"], ["日期格式为 YYYY-MM-DD"]] });
  // Its name names two kinds (问卷, 题目): the header decides.
  await xlsx(path.join(root, "问卷题目.xlsx"), { Sheet1: [["题号", "维度", "题目"], ...QUESTIONS.map((q, i) => [`q0${i + 1}`, ["content", "trainers", "overall"][i]!, q])] });
  await xlsx(path.join(root, "P2025001_满意度调查.xlsx"), { 答卷数据: [surveyHeader(), ...P1.map((a) => surveyRow(a, 1))] });
  const csv = [surveyHeader(), ...P2.map((a) => surveyRow(a, 2))].map((r) => r.map((c) => (/[,"\n]/.test(String(c)) ? `"${String(c).replace(/"/g, '""')}"` : String(c))).join(",")).join("\r\n");
  await writeFile(path.join(root, "第二期满意度_P2025002.csv"), iconv.encode(csv + "\r\n", "gb18030"));
}

async function plain(dir: string): Promise<void> {
  const rows = [...P1.map((a) => ({ a, p: "P2025001" })), ...P2.map((a) => ({ a, p: "P2025002" }))];
  await writeFiles(dir, {
    "institutions.csv": "institution_id,name,type\nI1,东方师范大学,normal_university\n",
    "projects.csv": `project_id,year,name,institution_id,mode,stage,start_date,end_date,enrolled\n${PROJECTS.map((p) => [p[0], p[1], p[2], p[3], p[4] === "集中培训" ? "face_to_face" : "online", p[5] === "小学" ? "primary" : "junior", p[6], p[7], p[8]].join(",")).join("\n")}\n`,
    "instrument.csv": `item_id,dimension,text_zh\n${QUESTIONS.map((q, i) => `q0${i + 1},${["content", "trainers", "overall"][i]},${q}`).join("\n")}\n`,
    "evaluations.csv": `response_id,project_id,submitted_at,duration_seconds,q01,q02,q03,comment\n${rows.map(({ a, p }) => [`${p}-${a.seq}`, p, a.time.replace(/\//g, "-"), a.seconds, ...a.values, a.comment].join(",")).join("\n")}\n`,
  });
}

describe("exports as provinces and platforms send them", () => {
  let out: string;
  let plainOut: string;
  let manifest: { files: Record<string, unknown>[] };
  beforeAll(async () => {
    const input = await tmpDir();
    await province(input);
    out = path.join(await tmpDir(), "results");
    const r = await runCli(["run", "--input", input, "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    manifest = JSON.parse(await readFile(path.join(out, "manifest.json"), "utf8"));
    const plainIn = await tmpDir();
    await plain(plainIn);
    plainOut = path.join(await tmpDir(), "results");
    const p = await runCli(["run", "--input", plainIn, "--out", plainOut]);
    expect(p.code, p.stderr).toBe(0);
  }, 180_000);

  it("decides every file's kind from its Chinese name or its header, and says how", () => {
    const by = Object.fromEntries(manifest.files.map((f) => [String(f.path).split("/").pop(), [f.kind, f.kind_by, f.status]]));
    expect(by).toEqual({
      "承训机构名单.csv": ["institutions", "file name (Chinese)", "loaded"],
      "培训项目一览表.xlsx": ["projects", "file name (Chinese)", "loaded"],
      "问卷题目.xlsx": ["instrument", "header (the name names instrument, evaluations)", "loaded"],
      "P2025001_满意度调查.xlsx": ["evaluations", "file name (Chinese)", "loaded"],
      "第二期满意度_P2025002.csv": ["evaluations", "file name (Chinese)", "loaded"],
    });
    const projects = manifest.files.find((f) => String(f.path).endsWith("培训项目一览表.xlsx"))!;
    expect(projects.rows_loaded).toBe(2);
    expect(JSON.stringify(projects.reshaped)).toContain('"rows_above_header":1');
    expect(JSON.stringify(projects.reshaped)).toContain('"项目\\n编号":"项目编号"');
  });

  it("loads every response of the survey exports, counted per project exactly", async () => {
    const counts = await query<{ project_id: string; n: bigint }>(path.join(out, "guopei.duckdb"), `SELECT project_id, count(*) AS n FROM evaluations GROUP BY ALL ORDER BY 1`);
    expect(counts.map((c) => [c.project_id, Number(c.n)])).toEqual([["P2025001", 12], ["P2025002", 10]]);
    const f = manifest.files.find((x) => String(x.path).endsWith("P2025001_满意度调查.xlsx"))! as { reshaped: { survey: Record<string, unknown> }; rows_rejected: number };
    expect(f.rows_rejected).toBe(0);
    expect(f.reshaped.survey.dropped_columns).toEqual(["来源", "来源详情", "来自IP"]);
    expect(f.reshaped.survey.project_from).toBe("file name");
    expect(f.reshaped.survey.background_columns).toEqual(["您任教的学段", "您的教龄"]);
    expect(f.reshaped.survey.comment_column).toBe("6、您对本次培训的意见和建议");
    const norm = f.reshaped.survey.normalised as Record<string, number | undefined>;
    expect(norm.slashed_times).toBe(12);
    expect(norm.durations).toBe(12);
    expect(norm.answer_labels! + norm.fullwidth_digits!).toBeGreaterThan(20);
    expect(norm.fullwidth_digits).toBeGreaterThan(0);
    // Durations parsed (`2分5秒` = 125), background answers kept as extra columns.
    const [r] = await query<{ d: number; extra: string }>(path.join(out, "guopei.duckdb"), `SELECT duration_seconds AS d, CAST(_extra AS VARCHAR) AS extra FROM evaluations WHERE project_id = 'P2025001' ORDER BY submitted_at OFFSET 4 LIMIT 1`);
    expect(r!.d).toBe(60 + 17 * 4);
    expect(r!.extra).toContain("您的教龄");
  });

  it("gives the same scores as the same answers in the contract's plain shape", async () => {
    const sql = `SELECT project_id, n_responses, round(eval_raw, 6) AS eval_raw, round(score, 6) AS score FROM project_scores ORDER BY 1`;
    const a = await query(path.join(out, "guopei.duckdb"), sql);
    const b = await query(path.join(plainOut, "guopei.duckdb"), sql);
    expect(a.length).toBe(2);
    expect(a).toEqual(b);
  });

  it("stores no IP address anywhere: every text column of the warehouse, every output file", async () => {
    const db = path.join(out, "guopei.duckdb");
    const cols = await query<{ table_name: string; column_name: string }>(db, `SELECT table_name, column_name FROM information_schema.columns WHERE data_type IN ('VARCHAR', 'JSON')`);
    expect(cols.length).toBeGreaterThan(20);
    const union = cols.map((c) => `SELECT count(*) AS n FROM "${c.table_name}" WHERE CAST("${c.column_name}" AS VARCHAR) LIKE '%112.10.%' OR CAST("${c.column_name}" AS VARCHAR) LIKE '%wj.qq%'`).join(" UNION ALL ");
    const [hits] = await query<{ n: bigint }>(db, `SELECT sum(n) AS n FROM (${union})`);
    expect(Number(hits!.n)).toBe(0);
    // (Every file under it: the CSVs kept for the next run, .prepared, among them.)
    const files = (await readdir(out, { recursive: true, withFileTypes: true })).filter((e) => e.isFile() && !e.name.endsWith(".duckdb"));
    expect(files.length).toBeGreaterThan(10);
    for (const e of files) {
      const text = await readFile(path.join(e.parentPath, e.name), "utf8");
      expect(text.includes("112.10."), e.name).toBe(false);
    }
  });
});

describe("exports the tool cannot read say why, in one sentence", () => {
  it("refuses a file that fits no kind, and names the questions that match no item", async () => {
    const input = await tmpDir();
    await province(input);
    const root = path.join(input, "河南省", "2025年");
    await writeFile(path.join(root, "说明.csv"), "标题,内容\n填报说明,请按模板填写\n");
    const header = surveyHeader();
    header[8] = "3、培训场地舒适";
    await xlsx(path.join(root, "P2025001_满意度补充.xlsx"), { Sheet1: [header, ...P1.map((a) => surveyRow(a, 3))] });
    const out = path.join(await tmpDir(), "results");
    const r = await runCli(["run", "--input", input, "--out", out]);
    expect(r.code).toBe(2); // some input refused; the rest loaded
    const m = JSON.parse(await readFile(path.join(out, "manifest.json"), "utf8")) as { files: { path: string; status: string; message: string }[] };
    const msg = (name: string) => m.files.find((f) => f.path.endsWith(name))!;
    expect(msg("说明.csv").status).toBe("refused");
    expect(msg("说明.csv").message).toContain("names no input kind and its header has the required columns of none");
    expect(msg("P2025001_满意度补充.xlsx").status).toBe("refused");
    expect(msg("P2025001_满意度补充.xlsx").message).toContain('match no item of the instrument by their text: "3、培训场地舒适"');
    expect(r.stderr).not.toMatch(/\.work|prepared|reshaped-|careful\.csv|xlsx\.csv/);
  });
});
