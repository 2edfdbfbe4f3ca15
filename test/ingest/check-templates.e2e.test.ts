// `guopei check` (validation only, a table per file, rejects.csv), `guopei templates` (a filled
// template comes back and loads), counted normalisation, and the command line's own errors.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { beforeAll, describe, expect, it } from "vitest";
import { KINDS } from "../../pipelines/ingest/contract.ts";
import { templateFileName } from "../../pipelines/templates.ts";
import { MINI, csvRows, query, runCli, tmpDir, writeFiles } from "../helpers.ts";

describe("guopei check", () => {
  it("validates without analysing: a table per file, rejects.csv and check.json in --out, nothing in --input", async () => {
    const input = await tmpDir();
    await writeFiles(input, { ...MINI, "attendance_bad.csv": "project_id,teacher_id,session_id,status\nP1,T1,S1,迟到\nP1,T1,S2,睡觉\n", "说明.csv": "标题,内容\n说明,请按模板填写\n" });
    const before = (await readdir(input)).sort();
    const out = path.join(await tmpDir(), "check");
    const r = await runCli(["check", "--input", input, "--out", out]);
    expect(r.code).toBe(2); // 说明.csv fits no kind
    expect(r.stdout).toMatch(/attendance_bad\.csv\s+attendance\s+file name\s+通过 ok\s+2\s+1\s+1/);
    expect(r.stdout).toContain("说明.csv: its name names no input kind");
    expect(r.stdout).toMatch(/检查 check: 8 file\(s\), \d+ rows would load, 1 rejected, 1 file\(s\) refused/);
    const rejects = csvRows(await readFile(path.join(out, "rejects.csv"), "utf8"));
    expect(rejects[1]).toEqual(["attendance_bad.csv", "3", "status", "unknown_value", "睡觉"]);
    const report = JSON.parse(await readFile(path.join(out, "check.json"), "utf8"));
    expect(report.exit_code).toBe(2);
    expect((await readdir(input)).sort()).toEqual(before);
  });
});

describe("guopei templates", () => {
  let dir: string;
  beforeAll(async () => {
    dir = path.join(await tmpDir(), "templates");
    const r = await runCli(["templates", "--out", dir]);
    expect(r.code, r.stderr).toBe(0);
  }, 60_000);

  it("writes one workbook per kind with Chinese headers, instructions and dropdowns", async () => {
    expect((await readdir(dir)).filter((f) => f.endsWith(".xlsx")).sort()).toEqual(KINDS.map(templateFileName).sort());
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(dir, templateFileName("attendance")));
    expect(wb.worksheets.map((w) => w.name)).toEqual(["attendance", "填表说明"]);
    expect(wb.worksheets[0]!.getRow(1).values).toEqual([undefined, "项目编号", "学员编号", "课次编号", "日期", "形式", "计划时长", "签到时间", "签退时间", "状态"]);
    const xml = await (await JSZip.loadAsync(await readFile(path.join(dir, templateFileName("attendance"))))).file("xl/worksheets/sheet1.xml")!.async("string");
    expect(xml).toContain("<dataValidation");
    expect(xml).toContain("&quot;出勤,迟到,缺勤,请假&quot;");
  });

  it("loads a filled template back as its kind", async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(dir, templateFileName("institutions")));
    wb.worksheets[0]!.addRow(["I9", "西部师范大学", "师范大学", "甘"]);
    const input = await tmpDir();
    await writeFiles(input, { "projects.csv": MINI["projects.csv"].replace(/,I1,/, ",I9,").replace(/,I2,/, ",I9,"), "evaluations_I9.csv": MINI["evaluations_I1.csv"] });
    await wb.xlsx.writeFile(path.join(input, "承训机构_填好的模板.xlsx"));
    const out = path.join(await tmpDir(), "results");
    const r = await runCli(["run", "--input", input, "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(await query(path.join(out, "guopei.duckdb"), "SELECT institution_id, name, type FROM institutions")).toEqual([{ institution_id: "I9", name: "西部师范大学", type: "normal_university" }]);
  });
});

describe("normalisation, counted", () => {
  it("reads full-width digits, stray spaces in codes, percentages and Chinese labels, and counts each per file", async () => {
    const input = await tmpDir();
    await writeFiles(input, {
      ...MINI,
      "counties.csv": "county_code,name,teachers_total,has_dev_center,training_budget_share\n410 101,临河县,３０００,是,5%\n",
      "attendance.csv": "project_id,teacher_id,session_id,status\nP1,T1,S1,迟 到\nP1,T2,S1,present\n",
      "evaluations_I1.csv": "response_id,project_id,q01,q02\nR1,P1,非常满意,５\nR2,P1,4分,一般\n",
    });
    const out = path.join(await tmpDir(), "results");
    const r = await runCli(["run", "--input", input, "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const db = path.join(out, "guopei.duckdb");
    expect(await query(db, "SELECT county_code, teachers_total, has_dev_center, training_budget_share FROM counties")).toEqual([{ county_code: "410101", teachers_total: 3000n, has_dev_center: true, training_budget_share: 0.05 }]);
    expect(await query(db, "SELECT status FROM attendance ORDER BY teacher_id")).toEqual([{ status: "late" }, { status: "present" }]);
    const m = JSON.parse(await readFile(path.join(out, "manifest.json"), "utf8")) as { files: { path: string; normalised?: Record<string, number> }[] };
    expect(m.files.find((f) => f.path === "counties.csv")!.normalised).toEqual({ fullwidth: 1, inner_spaces: 1, percentages: 1, chinese_labels: 1 });
    expect(m.files.find((f) => f.path === "attendance.csv")!.normalised).toEqual({ inner_spaces: 1, chinese_labels: 1 });
    expect(m.files.find((f) => f.path === "institutions.csv")!.normalised).toBeUndefined();
    // Labels and full-width digits in the contract's own item columns too.
    expect(await query(db, "SELECT response_id, item_id, value FROM evaluation_answers ORDER BY 1, 2")).toEqual([
      { response_id: "R1", item_id: "q01", value: 5 }, { response_id: "R1", item_id: "q02", value: 5 },
      { response_id: "R2", item_id: "q01", value: 4 }, { response_id: "R2", item_id: "q02", value: 3 },
    ]);
    expect(m.files.find((f) => f.path === "evaluations_I1.csv")!.normalised).toEqual({ fullwidth: 1, chinese_labels: 3 }); // 非常满意, 4分, 一般
  });
});

describe("the command line", () => {
  it("says 'unknown option', and has help in Chinese and English with examples and exit codes", async () => {
    const r = await runCli(["run", "--input", "x", "--out", "y", "--bogus"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("unknown option '--bogus'");
    const h = await runCli(["--help"]);
    expect(h.stdout).toContain("示例 Examples:");
    expect(h.stdout).toContain("退出码 Exit codes:");
    expect(h.stdout).toContain("guopei check --input");
  });
});
