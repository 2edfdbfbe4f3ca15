// Known answers for the statistics every decision rests on: textbook values and small cases worked
// out by hand in the comments (not read back from the code).
import { describe, expect, it } from "vitest";
import {
  covariance, cronbachAlpha, empiricalBayes, iccOneWay, mcdonaldOmega, normalCdf, normalQuantile, pearson, quantile, seeded, solve, spearman, wlsFit,
} from "../../pipelines/lib/shared/stats.ts";

describe("normal distribution", () => {
  it("quantiles match the tables in the centre and both tails", () => {
    const table: [number, number][] = [[0.001, -3.090232], [0.01, -2.326348], [0.025, -1.959964], [0.3, -0.524401], [0.9, 1.281552], [0.99, 2.326348], [0.999, 3.090232]];
    for (const [p, z] of table) expect(normalQuantile(p), `p = ${p}`).toBeCloseTo(z, 5);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(-0.1)).toBe(-Infinity);
  });
  it("CDF: Φ(0) = ½, Φ(1.96) = 0.975, Φ(−1) = 0.158655", () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 6);
  });
});

describe("linear algebra and least squares", () => {
  it("solves with pivoting, and leaves a column without variation at 0", () => {
    expect(solve([[0, 1], [1, 0]], [3, 4])).toEqual([4, 3]);
    expect(solve([[1, 0], [0, 0]], [2, 0])).toEqual([2, 0]);
  });
  it("WLS: y = 1.4 + 0.8 x on five points, s² = RSS / (n − p) = 3.6 / 3, Cov = s² (XᵀX)⁻¹", () => {
    const X = [0, 1, 2, 3, 4].map((x) => [1, x]);
    const fit = wlsFit(X, [1, 3, 2, 5, 4], [1, 1, 1, 1, 1]);
    expect(fit.coef[0]).toBeCloseTo(1.4, 8);
    expect(fit.coef[1]).toBeCloseTo(0.8, 8);
    expect(fit.s2).toBeCloseTo(1.2, 8);
    // Var(a) = s² (1/n + x̄²/Sxx) = 1.2 × 0.6; Var(b) = s²/Sxx = 1.2/10; Cov(a, b) = −x̄ s²/Sxx.
    expect(fit.cov[0]![0]).toBeCloseTo(0.72, 6);
    expect(fit.cov[1]![1]).toBeCloseTo(0.12, 6);
    expect(fit.cov[0]![1]).toBeCloseTo(-0.24, 6);
    expect(fit.cov[1]![0]).toBeCloseTo(-0.24, 6);
    // One more degree of freedom absorbed (a fixed effect): s² = 3.6 / 2.
    expect(wlsFit(X, [1, 3, 2, 5, 4], [1, 1, 1, 1, 1], 1).s2).toBeCloseTo(1.8, 8);
    // Weights: doubling the weight of a point equals giving it twice.
    const twice = wlsFit([...X, [1, 4]], [1, 3, 2, 5, 4, 4], [1, 1, 1, 1, 1, 1]).coef;
    const weighted = wlsFit(X, [1, 3, 2, 5, 4], [1, 1, 1, 1, 2]).coef;
    expect(weighted[0]).toBeCloseTo(twice[0]!, 8);
    expect(weighted[1]).toBeCloseTo(twice[1]!, 8);
  });
});

describe("reliability", () => {
  it("covariance of (x, 2x) for x = 1, 2, 3: var 1 and 4, covariance 2", () => {
    expect(covariance([[1, 2], [2, 4], [3, 6]])).toEqual([[1, 2], [2, 4]]);
  });
  it("alpha of two items correlating 0.5: 2 × (1 − 2/3) = 2/3; one item has none", () => {
    expect(cronbachAlpha([[1, 0.5], [0.5, 1]])).toBeCloseTo(2 / 3, 10);
    expect(cronbachAlpha([[1]])).toBeNaN();
  });
  it("omega of a one-factor matrix with loadings .8 .7 .6: 2.1² / (2.1² + 1.51) = 0.744932; undefined for a constant item", () => {
    const l = [0.8, 0.7, 0.6];
    const R = l.map((a, i) => l.map((b, j) => (i === j ? 1 : a * b)));
    expect(mcdonaldOmega(R)).toBeCloseTo(4.41 / 5.92, 4);
    expect(mcdonaldOmega([[0, 0], [0, 1]])).toBeNaN();
    expect(mcdonaldOmega([[1]])).toBeNaN();
  });
  it("ICC of three unequal groups (1 1 | 3 4 5 | 7): MSB 12.75, MSW 2/3, k0 = 11/6", () => {
    const r = iccOneWay([{ n: 2, mean: 1, ssw: 0 }, { n: 3, mean: 4, ssw: 2 }, { n: 1, mean: 7, ssw: 0 }, { n: 0, mean: 0, ssw: 0 }]);
    expect(r.k0).toBeCloseTo(11 / 6, 10);
    expect(r.icc1).toBeCloseTo((12.75 - 2 / 3) / (12.75 + (5 / 6) * (2 / 3)), 10);
    expect(r.icck).toBeCloseTo((12.75 - 2 / 3) / 12.75, 10);
    expect(iccOneWay([{ n: 3, mean: 4, ssw: 2 }]).icc1).toBeNaN();
  });
});

describe("shrinkage", () => {
  it("DerSimonian-Laird on 0 and 10 with SE 1: τ² = (Q − 1)/c = 49, B = 0.98, estimates 0.1 and 9.9", () => {
    const r = empiricalBayes([0, 10], [1, 1]);
    expect(r.tau2).toBeCloseTo(49, 10);
    expect(r.mu).toBeCloseTo(5, 10);
    expect(r.weight[0]).toBeCloseTo(0.98, 10);
    expect(r.shrunk[0]).toBeCloseTo(0.1, 10);
    expect(r.shrunk[1]).toBeCloseTo(9.9, 10);
    // Posterior SD: √(B s² + (1 − B)² Var(μ)), Var(μ) = 1 / Σ 1/(s² + τ²) = 25.
    expect(r.postSd[0]).toBeCloseTo(Math.sqrt(0.98 + 0.0004 * 25), 10);
  });
  it("no spread beyond the noise (Q < n − 1): τ² = 0, every estimate the weighted mean", () => {
    const r = empiricalBayes([5, 5.5], [1, 1]);
    expect(r.tau2).toBe(0);
    expect(r.shrunk).toEqual([5.25, 5.25]);
  });
});

describe("small tools", () => {
  it("quantile by linear interpolation; none of an empty sample", () => {
    expect(quantile([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75, 12);
    expect(quantile([1, 2, 3, 4], 0)).toBe(1);
    expect(quantile([1, 2, 3, 4], 1)).toBe(4);
    expect(quantile([], 0.5)).toBeNaN();
  });
  it("Pearson 0.5 for (1 2 3, 1 3 2); Spearman with ties averages ranks (0.948683)", () => {
    expect(pearson([1, 2, 3], [1, 3, 2])).toBeCloseTo(0.5, 12);
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(4.5 / Math.sqrt(22.5), 10);
  });
  it("the seeded generator is mulberry32 (seed 1 starts 0.6270739405881613, 0.002735721180215478)", () => {
    const r = seeded(1);
    expect(r()).toBe(0.6270739405881613);
    expect(r()).toBe(0.002735721180215478);
  });
});
