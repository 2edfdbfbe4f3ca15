// Known answers for the early warning's statistics (pipelines/warnings/model.ts).
import { describe, expect, it } from "vitest";
import {
  auc,
  columnsOf, calibration, calibrationError, clusterDraws, clusterWeights, platt, predict, quantile, recalibrate, resample, weightedAucs, wilson,
} from "../../pipelines/warnings/model.ts";

describe("warning statistics", () => {
  it("Wilson interval: 5 of 10 → (0.2366, 0.7634); 0 of 10 → (0, 0.27754); nothing of nothing", () => {
    const [lo, hi] = wilson(5, 10);
    expect(lo).toBeCloseTo(0.236593, 5);
    expect(hi).toBeCloseTo(0.763407, 5);
    const [lo0, hi0] = wilson(0, 10);
    expect(lo0).toBe(0);
    expect(hi0).toBeCloseTo(3.8416 / 13.8416, 10); // z² / (n + z²)
    expect(wilson(0, 0).every(Number.isNaN)).toBe(true);
  });

  it("quantile leaves NaN out and interpolates", () => {
    expect(quantile([3, 1, NaN, 2, 4], 0.25)).toBeCloseTo(1.75, 12);
    expect(quantile([3, 1, NaN, 2, 4], 1)).toBe(4);
    expect(quantile([NaN], 0.5)).toBeNaN();
  });

  it("calibration bins and errors of four predictions", () => {
    const p = [0.1, 0.2, 0.3, 0.4];
    const y = [0, 0, 1, 1];
    expect(calibration(p, y, 2)).toEqual([
      { bin: 1, n: 2, mean_predicted: expect.closeTo(0.15, 12), observed: 0 },
      { bin: 2, n: 2, mean_predicted: expect.closeTo(0.35, 12), observed: 1 },
    ]);
    // In the large: 0.25 − 0.5; by deciles (one row each): (0.1 + 0.2 + 0.7 + 0.6) / 4.
    const e = calibrationError(p, y);
    expect(e.in_the_large).toBeCloseTo(-0.25, 12);
    expect(e.decile_error).toBeCloseTo(0.4, 12);
  });

  it("Platt leaves calibrated predictions alone (a = 0, b = 1) and corrects a shift", () => {
    // 1 of 5 positive at 0.2 and 4 of 5 at 0.8: the score equations hold at a = 0, b = 1.
    const p = [...Array(5).fill(0.2), ...Array(5).fill(0.8)];
    const y = [1, 0, 0, 0, 0, 1, 1, 1, 1, 0];
    const c = platt(p, y);
    expect(c.a).toBeCloseTo(0, 8);
    expect(c.b).toBeCloseTo(1, 8);
    expect(recalibrate([0.2, 0.8], c)[0]).toBeCloseTo(0.2, 8);
        const shifted = platt([...Array(4).fill(0.2), ...Array(4).fill(0.5)], [1, 1, 0, 0, 1, 1, 1, 0]);
    // At 0.2 → observed 1/2, at 0.5 → observed 3/4: logit = a + b·logit(p) through (−log 4, 0) and (0, log 3).
    expect(shifted.a).toBeCloseTo(Math.log(3), 6);
    expect(shifted.b).toBeCloseTo(Math.log(3) / Math.log(4), 6);
  });

  it("standardises with the training mean and SD (a missing value is the mean) and predicts the logistic", () => {
    expect(columnsOf([[3, null], [5, 2], [Infinity, 1]], 2).map((c) => [...c])).toEqual([[3, 5, NaN], [NaN, 2, 1]]);
    // Standardised with the training mean and SD, a missing value at the mean: z = (−0.5, 0) and (0.5, 2).
    const two = { features: ["x", "z"], mean: [4, 1], sd: [2, 0.5], intercept: 0.25, coef: [1, -1] };
    const [q0, q1] = predict(two, [[3, null], [5, 2]]);
    expect(q0).toBeCloseTo(1 / (1 + Math.exp(-(0.25 - 0.5))), 12);
    expect(q1).toBeCloseTo(1 / (1 + Math.exp(-(0.25 + 0.5 - 2))), 12);
    const m = { features: ["x"], mean: [0], sd: [1], intercept: 0, coef: [1] };
    const [p0, p1] = predict(m, [[0], [Math.log(3)]]);
    expect(p0).toBeCloseTo(0.5, 12);
    expect(p1).toBeCloseTo(0.75, 12);
  });

  it("a weighted AUC equals the AUC of the rows repeated by their weights", () => {
    const score = [0.1, 0.4, 0.35, 0.8, 0.4];
    const y = [0, 0, 1, 1, 1];
    expect(weightedAucs(score, y, [[1, 1, 1, 1, 1]])[0]).toBeCloseTo(auc(score, y), 12);
    const w = [2, 0, 1, 3, 1];
    const rep = (xs: number[]) => xs.flatMap((x, i) => Array(w[i]).fill(x));
    expect(weightedAucs(score, y, [w])[0]).toBeCloseTo(auc(rep(score), rep(y)), 12);
  });

  it("cluster draws weight the rows of a project alike, and draw as many projects as there are", () => {
    const clusters = ["a", "a", "b", "c", "c", "c"];
    const draws = clusterWeights(clusters, 50, 3);
    expect(draws).toHaveLength(50);
    for (const w of draws) {
      expect(w[0]).toBe(w[1]);
      expect(w[3]).toBe(w[4]);
      expect(w[4]).toBe(w[5]);
      expect(w[0]! + w[2]! + w[3]!).toBe(3);
    }
    expect(new Set(draws.map((w) => w.join())).size).toBeGreaterThan(1);
    expect([...clusterDraws(clusters, 50, 3)].map((w) => Array.from(w))).toEqual(draws);
    const r = resample(20, 9);
    expect(r).toHaveLength(20);
    expect(r.every((i) => Number.isInteger(i) && i >= 0 && i < 20)).toBe(true);
    expect(resample(20, 9)).toEqual(r);
  });
});
