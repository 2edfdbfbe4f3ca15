// Known answers for the prediction of a missing evidence part (analytics/impute.ts).
import { describe, expect, it } from "vitest";
import { partImputer, type PartObs } from "../../pipelines/analytics/impute.ts";

// Twelve projects, part = 10 + 0.5 × evaluation exactly, but for residuals (+2 at 45 and 90, −2 at 50
// and 85) that are orthogonal to (1, evaluation): the fit stays a = 10, b = 0.5, s² = 16 / 10.
const bases = [40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95];
const residual: Record<number, number> = { 45: 2, 90: 2, 50: -2, 85: -2 };
const rows: PartObs[] = bases.map((b) => ({ year: 2025, institution: b === 45 || b === 90 ? "I1" : "I9", base: b, value: 10 + 0.5 * b + (residual[b] ?? 0) }));

describe("predicting a missing part", () => {
  const predict = partImputer(rows);
  it("is the year's line plus the institution's shrunk mean residual, m/(m + 2)", () => {
    // I1: residuals +2, +2 → mean 2, shrunk by 2/4 → +1. Base 70 → 10 + 35 + 1.
    expect(predict({ year: 2025, institution: "I1", base: 70, value: null })!.value).toBeCloseTo(46, 10);
    expect(predict({ year: 2025, institution: "I5", base: 70, value: null })!.value).toBeCloseTo(45, 10);
    expect(predict({ year: 2025, institution: null, base: 70, value: null })!.value).toBeCloseTo(45, 10);
  });
  it("carries the prediction error s²(1 + 1/n + (x − x̄)²/Sxx), Sxx = 3575, x̄ = 67.5", () => {
    expect(predict({ year: 2025, institution: "I5", base: 70, value: null })!.se).toBeCloseTo(Math.sqrt(1.6 * (1 + 1 / 12 + 6.25 / 3575)), 10);
  });
  it("stays on 0-100, uses all years for a year with too few, and predicts nothing from fewer than 10", () => {
    expect(predict({ year: 2025, institution: null, base: 200, value: null })!.value).toBe(100);
    expect(predict({ year: 2030, institution: null, base: 70, value: null })!.value).toBeCloseTo(45, 10);
    expect(partImputer(rows.slice(0, 9))({ year: 2025, institution: null, base: 70, value: null })).toBeNull();
  });
});
