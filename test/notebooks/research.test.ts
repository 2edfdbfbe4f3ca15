import { describe, expect, it } from "vitest";
import { meanInterval, standardisedOls } from "../../pipelines/lib/shared/research.ts";

describe("notebook statistics", () => {
  it("mean interval of a known sample", () => {
    const r = meanInterval([2, 4, 4, 4, 5, 5, 7, 9, null]);
    expect(r.n).toBe(8);
    expect(r.mean).toBe(5);
    // sd = √(32/7); half-width t(0.975, 7) · sd / √8 with t(0.975, 7) = 2.364624 (statistical tables)
    expect(r.high! - r.mean!).toBeCloseTo(2.364624 * Math.sqrt(32 / 7) / Math.sqrt(8), 5);
  });
  it("standardised least squares recovers an exact linear relation", () => {
    const rows = Array.from({ length: 50 }, (_, i) => ({ a: i, b: (i * 7) % 11, y: 3 + 2 * i - 0.5 * ((i * 7) % 11) }));
    const fit = standardisedOls(rows, "y", ["a", "b"]);
    const sd = (v: number[]) => {
      const m = v.reduce((s, x) => s + x, 0) / v.length;
      return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1));
    };
    expect(fit.r2).toBeCloseTo(1, 10);
    expect(fit.coefficients[0]!.beta).toBeCloseTo(2 * sd(rows.map((r) => r.a)), 8);
    expect(fit.coefficients[1]!.beta).toBeCloseTo(-0.5 * sd(rows.map((r) => r.b)), 8);
  });
});
