import { describe, expect, it } from "vitest";
import { auc, averagePrecision, brier, calibration, confusion, fitLogistic, predict } from "../../pipelines/warnings/model.ts";
import { seeded } from "../../pipelines/lib/shared/stats.ts";

describe("metrics with known answers", () => {
  it("AUC: perfect, reversed, ties and a hand-counted case", () => {
    expect(auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(auc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    expect(auc([0.5, 0.5], [0, 1])).toBe(0.5);
    // pairs (pos, neg): (0.7>0.2) (0.7<0.8) (0.4>0.2) (0.4<0.8) → 2 of 4
    expect(auc([0.7, 0.4, 0.2, 0.8], [1, 1, 0, 0])).toBe(0.5);
  });
  it("average precision and Brier score", () => {
    expect(averagePrecision([0.9, 0.8, 0.1], [1, 0, 1])).toBeCloseTo((1 + 2 / 3) / 2, 10);
    expect(brier([1, 0, 0.5], [1, 0, 1])).toBeCloseTo(0.25 / 3, 10);
  });
  it("confusion rates", () => {
    const c = confusion([true, true, false, false], [1, 0, 1, 0]);
    expect(c).toMatchObject({ precision: 0.5, recall: 0.5, false_positive_rate: 0.5, false_negative_rate: 0.5, base_rate: 0.5, flagged: 0.5 });
  });
});

describe("logistic regression", () => {
  it("recovers planted coefficients and is calibrated on its own kind of data", () => {
    const rand = seeded(11);
    const gauss = () => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand());
    const X: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const a = gauss();
      const b = gauss();
      const p = 1 / (1 + Math.exp(-(-1 + 1.5 * a - 0.8 * b)));
      X.push([a, b]);
      y.push(rand() < p ? 1 : 0);
    }
    const m = fitLogistic(["a", "b"], X, y, 0);
    // Coefficients are per SD; the planted features have SD ≈ 1.
    expect(m.coef[0]).toBeCloseTo(1.5, 1);
    expect(m.coef[1]).toBeCloseTo(-0.8, 1);
    for (const bin of calibration(predict(m, X), y)) expect(Math.abs(bin.mean_predicted - bin.observed)).toBeLessThan(0.03);
  });
  it("treats a missing value as the training mean", () => {
    const m = fitLogistic(["a"], [[0], [1], [2], [3]], [0, 0, 1, 1]);
    const [pMissing, pMean] = predict(m, [[null], [1.5]]);
    expect(pMissing).toBeCloseTo(pMean!, 12);
  });
});
