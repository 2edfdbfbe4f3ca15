import { describe, expect, it } from "vitest";
import { blankSmall, suppressCounts } from "../../pipelines/publish/privacy.ts";
import { terms } from "../../pipelines/publish/site-data.ts";

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
