import { describe, expect, it } from "vitest";
import { KINDS, SPECS, canonicalHeader, kindOfFile } from "../../pipelines/ingest/contract.ts";
import { TYPED_AFTER } from "../../pipelines/ingest/load.ts";

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

describe("the load's order", () => {
  it("types a kind only after the kinds its typed pass reads, each earlier in KINDS (the load finishes kinds in that order)", () => {
    const deps = Object.entries(TYPED_AFTER);
    expect(deps.length).toBeGreaterThan(0);
    for (const [kind, after] of deps) {
      for (const before of after!) expect(KINDS.indexOf(before), `${kind} after ${before}`).toBeLessThan(KINDS.indexOf(kind as (typeof KINDS)[number]));
    }
    // What the typed passes read: the item scales (instrument) and the roster's ids (trainees).
    expect(TYPED_AFTER.evaluations).toEqual(["instrument", "trainees"]);
    expect(TYPED_AFTER.followups).toEqual(["instrument"]);
  });
});
