import { describe, expect, it } from "vitest";
import { KINDS, SPECS, canonicalHeader, kindOfFile } from "../../pipelines/ingest/contract.ts";

describe("kindOfFile", () => {
  it("takes the kind from the name's first word, with separators after it", () => {
    expect(kindOfFile("evaluations_I0001.csv")).toBe("evaluations");
    expect(kindOfFile("evaluations.csv")).toBe("evaluations");
    expect(kindOfFile("Attendance-2024-03.CSV")).toBe("attendance");
    expect(kindOfFile("expert_reviews.xlsx")).toBe("expert_reviews");
    expect(kindOfFile("trainees 411301 gbk.csv")).toBe("trainees");
  });
  it("does not read a longer word as a kind (hoursly is not hours)", () => {
    expect(kindOfFile("hoursly.csv")).toBeUndefined();
    expect(kindOfFile("notes.csv")).toBeUndefined();
  });
});

describe("canonicalHeader", () => {
  it("maps English and Chinese headers, and item columns", () => {
    const s = SPECS.evaluations;
    expect(canonicalHeader(s, "问卷编号")).toBe("response_id");
    expect(canonicalHeader(s, " Project_ID ")).toBe("project_id");
    expect(canonicalHeader(s, "Q07")).toBe("q07");
    expect(canonicalHeader(s, "班级")).toBeUndefined();
  });
  it("flags teacher columns in evaluations as forbidden", () => {
    expect(SPECS.evaluations.forbidden?.test("学员编号")).toBe(true);
    expect(SPECS.evaluations.forbidden?.test("teacher_id")).toBe(true);
    expect(SPECS.evaluations.forbidden?.test("comment")).toBe(false);
  });
});

describe("load order", () => {
  it("loads every kind after the kinds its references point to", () => {
    for (const [i, kind] of KINDS.entries())
      for (const ref of SPECS[kind].refs) expect(KINDS.indexOf(ref.kind), `${kind} refers to ${ref.kind}`).toBeLessThan(i);
  });
});

describe("keys", () => {
  it("are made of required columns only: a row without one is rejected, so the checks across files can match rows on a key's first column", () => {
    for (const kind of KINDS) {
      for (const k of SPECS[kind].key) expect(SPECS[kind].cols.find((c) => c.name === k)?.required, `${kind}.${k}`).toBe(true);
    }
  });
});
