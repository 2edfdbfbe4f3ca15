import { describe, expect, it } from "vitest";
import { blankSmall, suppressCounts } from "../../pipelines/publish/privacy.ts";
import { publicCounties } from "../../pipelines/publish/entities/counties.ts";
import { terms } from "../../pipelines/lib/terms.ts";

describe("complementary suppression", () => {
  it("hides a small cell and a second one, so the total cannot reveal it", () => {
    const rows = [
      { year: 2024, county: "A", n: 3 },
      { year: 2024, county: "B", n: 40 },
      { year: 2024, county: "C", n: 25 },
      { year: 2025, county: "A", n: 30 },
      { year: 2025, county: "B", n: 2 },
      { year: 2025, county: "C", n: 4 },
    ];
    const out = suppressCounts(rows, "n", "year", 5);
    expect(out.filter((r) => r.year === 2024).map((r) => r.n)).toEqual([null, 40, null]);
    // Two small cells already protect each other.
    expect(out.filter((r) => r.year === 2025).map((r) => r.n)).toEqual([30, null, null]);
    expect(rows[0]!.n).toBe(3); // input untouched
  });
  it("leaves groups with no small cell alone, and zero is not a disclosure", () => {
    const rows = [
      { g: 1, n: 0 },
      { g: 1, n: 9 },
    ];
    expect(suppressCounts(rows, "n", "g", 5)).toEqual(rows);
  });
  it("blanks the measures of small groups only", () => {
    const out = blankSmall([{ n: 4, score: 88, id: "x" }, { n: 5, score: 70, id: "y" }], "n", ["score"], 5);
    expect(out).toEqual([{ n: 4, score: null, id: "x" }, { n: 5, score: 70, id: "y" }]);
  });
});

describe("Chinese word segmentation of comments", () => {
  it("finds two-character words and drops stop words and punctuation", () => {
    const t = terms("理论太多，实践太少，希望多一些案例。");
    expect(t).toContain("理论");
    expect(t).toContain("实践");
    expect(t).toContain("案例");
    expect(t).not.toContain("希望");
    expect(t.every((w) => w.length >= 2)).toBe(true);
  });
});

describe("counties in public: the differencing attack", () => {
  const rows = [
    { year: 2025, county_code: "A", teachers_total: 100, teachers_trained: 3, coverage: 0.03, backbone_trained: 40, teachers_meeting_hours: 60, hours_share: 0.6 },
    { year: 2025, county_code: "B", teachers_total: 200, teachers_trained: 40, coverage: 0.2, backbone_trained: 30, teachers_meeting_hours: 197, hours_share: 0.985 },
    { year: 2025, county_code: "C", teachers_total: 300, teachers_trained: 90, coverage: 0.3, backbone_trained: 20, teachers_meeting_hours: 4, hours_share: 4 / 300 },
  ];
  it("recovers no suppressed count from a rate and a total, nor from a total minus the others", () => {
    const out = publicCounties(rows, 5);
    const a = out.find((r) => r.county_code === "A")!;
    const b = out.find((r) => r.county_code === "B")!;
    // 3 trained is below 5: gone, with the rate that gives it back (0.03 × 100 = 3) …
    expect(a.teachers_trained).toBeNull();
    expect(a.coverage).toBeNull();
    // … and with the smallest other cell, so that the year's total minus the others says nothing.
    expect(b.teachers_trained).toBeNull();
    expect(b.coverage).toBeNull();
    expect(out.find((r) => r.county_code === "C")!.teachers_trained).toBe(90);
    for (const r of out) if (r.coverage !== null) expect(Number(r.coverage) * Number(r.teachers_total)).toBeGreaterThanOrEqual(5);
    // Hours: 3 missing in B (197 of 200) and 4 meeting in C are small groups: no share.
    expect(a.hours_share).toBe(0.6);
    expect(b.hours_share).toBeNull();
    expect(out.find((r) => r.county_code === "C")!.hours_share).toBeNull();
  });
});
