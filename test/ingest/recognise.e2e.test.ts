// Known answers for reading exports: kinds from names and headers, durations, question texts, and a
// file mapped by the policy's sources.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cleanHeader, isSurveyExport, kindByHeader, kindsInName, patternMatches } from "../../pipelines/ingest/recognise.ts";
import { durationSeconds, questionText, reshapeSurvey } from "../../pipelines/ingest/survey.ts";
import { MINI, query, runCli, tmpDir, writeFiles } from "../helpers.ts";

describe("recognising files", () => {
  it("reads kinds from English first words and Chinese words anywhere in the name", () => {
    expect(kindsInName("evaluations_inst01.csv")).toEqual({ kinds: ["evaluations"], by: "file name" });
    expect(kindsInName("匿名评估_机构1.csv").kinds.sort()).toEqual(["evaluations", "institutions"]);
    expect(kindsInName("2025年5月考勤.xlsx")).toEqual({ kinds: ["attendance"], by: "file name (Chinese)" });
    expect(kindsInName("项目县基本情况.xlsx").kinds).toEqual(["counties"]);
    expect(kindsInName("问卷题目.xlsx").kinds.sort()).toEqual(["evaluations", "instrument"]);
    expect(kindsInName("notes.csv")).toEqual({ kinds: [], by: "none" });
  });

  it("decides by the columns a header has, and says when it fits several", () => {
    expect(kindByHeader(["项目编号", "学员编号", "课次编号", "状态", "日期"]).kind).toBe("attendance");
    expect(kindByHeader(["题号", "维度", "题目"]).kind).toBe("instrument");
    expect(kindByHeader(["response_id", "project_id", "q01", "q02"]).kind).toBe("evaluations");
    expect(kindByHeader(["project_id", "teacher_id"]).candidates.sort()).toEqual(["assessments", "trainees"]);
    expect(kindByHeader(["标题", "内容"]).kind).toBeUndefined();
    expect(isSurveyExport(["序号", "提交答卷时间", "所用时间", "1、您的学段"])).toBe(true);
    expect(isSurveyExport(["第1题", "第2题", "第3题：总体满意"])).toBe(true);
    expect(cleanHeader("项目\n编号 ")).toBe("项目编号");
    expect(cleanHeader("ｑ０１")).toBe("q01");
  });

  it("parses durations and question texts as platforms write them", () => {
    expect(durationSeconds("95秒")).toBe(95);
    expect(durationSeconds("2分5秒")).toBe(125);
    expect(durationSeconds("1小时2分")).toBe(3720);
    expect(durationSeconds("１２０")).toBe(120);
    expect(durationSeconds("很久")).toBeNull();
    expect(questionText("5、授课专家水平高（单选题）")).toBe(questionText("授课专家水平高"));
    expect(questionText("第12题：课程内容贴近实际【矩阵量表题】")).toBe("课程内容贴近实际");
    expect(patternMatches("*满意度*.xlsx", "河南省/2025/P1_满意度.xlsx")).toBe(true);
    expect(patternMatches("export_??.csv", "export_05.csv")).toBe(true);
    expect(patternMatches("export_??.csv", "export_005.csv")).toBe(false);
  });
});

describe("a survey export without question texts or an instrument", () => {
  it("numbers its items as the export does (第N题 → qNN), labels read as scale points", () => {
    const r = reshapeSurvey([["序号", "提交答卷时间", "第1题", "第2题", "第3题"], ["1", "2025/6/1 10:00:00", "满意", "5", "一般"]], { path: "P1.csv", projects: [{ id: "P1", name: null }], instrument: [], labels: {}, scale: { min: 1, max: 5 }, constants: {} });
    expect(r.header).toEqual(["response_id", "project_id", "submitted_at", "duration_seconds", "comment", "q01", "q02", "q03"]);
    expect(r.rows).toEqual([["P1.csv#1", "P1", "2025-06-01 10:00:00", "", "", "4", "5", "3"]]);
    expect(r.notes.normalised).toEqual({ slashed_times: 1, answer_labels: 2 });
  });
});

describe("the policy's sources", () => {
  it("reads a file whose name and columns are its own: kind, renamed columns and a constant column", async () => {
    const input = await tmpDir();
    await writeFiles(input, {
      ...MINI,
      "platform_export_0601.csv": "答卷号,第1题,第2题,耗时\nX1,5,4,300\nX2,3,3,200\n",
    });
    const policy = path.join(await tmpDir(), "policy.json");
    await writeFiles(path.dirname(policy), {
      "policy.json": JSON.stringify({ sources: [{ pattern: "platform_export_*.csv", kind: "evaluations", columns: { 答卷号: "response_id", 第1题: "q01", 第2题: "q02", 耗时: "duration_seconds" }, constants: { project_id: "P2" } }] }),
    });
    const out = path.join(await tmpDir(), "results");
    const r = await runCli(["run", "--input", input, "--out", out, "--policy", policy]);
    expect(r.code, r.stderr).toBe(0);
    const rows = await query<{ response_id: string; project_id: string; duration_seconds: number }>(path.join(out, "guopei.duckdb"), `SELECT response_id, project_id, duration_seconds FROM evaluations WHERE response_id LIKE 'X%' ORDER BY 1`);
    expect(rows).toEqual([{ response_id: "X1", project_id: "P2", duration_seconds: 300 }, { response_id: "X2", project_id: "P2", duration_seconds: 200 }]);
    const m = JSON.parse(await readFile(path.join(out, "manifest.json"), "utf8")) as { files: { path: string; kind_by: string; reshaped: { renamed_columns: Record<string, string>; constant_columns: Record<string, string> } }[] };
    const f = m.files.find((x) => x.path === "platform_export_0601.csv")!;
    expect(f.kind_by).toBe("policy sources");
    expect(f.reshaped.renamed_columns).toEqual({ 答卷号: "response_id", 第1题: "q01", 第2题: "q02", 耗时: "duration_seconds" });
    expect(f.reshaped.constant_columns).toEqual({ project_id: "P2" });
  });
});
