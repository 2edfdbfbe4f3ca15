// Known answers for the prediction of a missing evidence part (analytics/impute.ts).
import { describe, expect, it } from "vitest";
import { partImputer, type PartObs } from "../../pipelines/analytics/impute.ts";

// Twelve projects, part = 10 + 0.5 × evaluation exactly, but for residuals (+2 at 45 and 90, −2 at 50
// and 85) that are orthogonal to (1, evaluation): the fit stays a = 10, b = 0.5, s² = 16 / 10.
const bases = [40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95];
const residual: Record<number, number> = { 45: 2, 90: 2, 50: -2, 85: -2 };
const rows: PartObs[] = bases.map((b) => ({ year: 2025, institution: b === 45 || b === 90 ? "I1" : "I9", base: b, value: 10 + 0.5 * b + (residual[b] ?? 0) }));

// Fitted inside each test (not at collection), so that mutation testing sees which test runs the fit.
const predict = (o: PartObs, from = rows) => partImputer(from)(o);

describe("predicting a missing part", () => {
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
    expect(predict({ year: 2025, institution: null, base: -200, value: null })!.value).toBe(0);
  });
  it("fits from exactly 10 projects (the minimum), n − 2 degrees of freedom in s²", () => {
    // The first ten (bases 40-85): residuals r = +2 at 45, −2 at 50 and 85, 0 elsewhere. By hand:
    // x̄ = 62.5, Sxx = 2062.5, r̄ = −0.2, ȳ = 10 + 0.5 x̄ + r̄ = 41.05, Σ(x − x̄) r = −35 + 25 − 45 = −55,
    // b = 0.5 − 55/2062.5; SS = Σ(r − r̄)² − 55²/Sxx = 11.6 − 1.46667 = 10.13333; s² = SS/8.
    const ten = rows.slice(0, 10);
    const b = 0.5 - 55 / 2062.5;
    const s2 = (11.6 - 55 ** 2 / 2062.5) / 8;
    const at = (base: number) => predict({ year: 2025, institution: "I7", base, value: null }, ten)!;
    expect(at(62.5).value).toBeCloseTo(41.05, 10);
    expect(at(72.5).value).toBeCloseTo(41.05 + 10 * b, 10);
    expect(at(62.5).se).toBeCloseTo(Math.sqrt(s2 * (1 + 1 / 10)), 10);
    expect(at(72.5).se).toBeCloseTo(Math.sqrt(s2 * (1 + 1 / 10 + 100 / 2062.5)), 10);
  });
  it("shrinks an institution's residual by the projects it has that year, and by nothing else", () => {
    // I1 in 2024 too: its 2024 residuals do not move its 2025 prediction.
    const two = [...rows, ...rows.map((r) => ({ ...r, year: 2024, value: r.institution === "I1" ? r.value! + 10 : r.value }))];
    expect(predict({ year: 2025, institution: "I1", base: 70, value: null }, two)!.value).toBeCloseTo(46, 10);
    // A row without a value is neither fitted nor anyone's residual.
    expect(predict({ year: 2025, institution: "I1", base: 70, value: null }, [...rows, { year: 2025, institution: "I1", base: 70, value: null }])!.value).toBeCloseTo(46, 10);
  });
  it("with every evaluation equal, predicts the mean and no slope term", () => {
    const flat = rows.map((r, i) => ({ ...r, base: 60, value: 40 + (i % 2 ? 3 : -3) }));
    const p = predict({ year: 2025, institution: null, base: 90, value: null }, flat)!;
    expect(p.value).toBeCloseTo(40, 10);
    // s² = 12 × 9 / 10; no (x − x̄)²/Sxx term with Sxx = 0.
    expect(p.se).toBeCloseTo(Math.sqrt(10.8 * (1 + 1 / 12)), 10);
  });
});
