import { describe, expect, it } from "vitest";
import { bootstrap, bootstrapCovariance, covariance, cronbachAlpha, empiricalBayes, iccOneWay, mcdonaldOmega, normalCdf, normalQuantile, rankIntervals, seeded, spearman } from "../../pipelines/lib/shared/stats.ts";

describe("Cronbach's alpha", () => {
  it("matches a hand-computed textbook example (3 items, 4 respondents: 0.9643)", () => {
    const rows = [
      [1, 2, 3],
      [2, 3, 3],
      [3, 3, 4],
      [4, 5, 5],
    ];
    // Σσ²ᵢ = 5/3 + 19/12 + 11/12 = 4.1667; σ²_total = 35/3; α = 3/2 (1 − 4.1667/11.6667)
    expect(cronbachAlpha(covariance(rows))).toBeCloseTo(0.964286, 5);
  });
  it("is 1 for identical items and undefined for one item", () => {
    expect(cronbachAlpha(covariance([[1, 1], [2, 2], [4, 4]]))).toBeCloseTo(1, 10);
    expect(cronbachAlpha([[1]])).toBeNaN();
  });
});

describe("McDonald's omega", () => {
  it("recovers the closed form of a one-factor correlation matrix (λ = .8 .7 .6 .5 → ω = 6.76/9.02)", () => {
    const l = [0.8, 0.7, 0.6, 0.5];
    const R = l.map((a, i) => l.map((b, j) => (i === j ? 1 : a * b)));
    expect(mcdonaldOmega(R)).toBeCloseTo(6.76 / (6.76 + 2.26), 3);
  });
  it("equals alpha for tau-equivalent items", () => {
    const R = [0, 1, 2].map((i) => [0, 1, 2].map((j) => (i === j ? 1 : 0.5)));
    expect(mcdonaldOmega(R)).toBeCloseTo(cronbachAlpha(R), 4);
  });
});

describe("empirical-Bayes shrinkage", () => {
  it("matches the closed form with equal standard errors: τ² = s²_y − s², B = τ²/(τ²+s²)", () => {
    const y = [60, 70, 75, 80, 95];
    const s = 5;
    const eb = empiricalBayes(y, y.map(() => s));
    const mean = y.reduce((a, x) => a + x, 0) / y.length;
    const varY = y.reduce((a, x) => a + (x - mean) ** 2, 0) / (y.length - 1);
    const tau2 = varY - s * s;
    expect(eb.tau2).toBeCloseTo(tau2, 8);
    expect(eb.mu).toBeCloseTo(mean, 8);
    const B = tau2 / (tau2 + s * s);
    y.forEach((x, i) => expect(eb.shrunk[i]).toBeCloseTo(mean + B * (x - mean), 8));
    // Posterior variance B s² plus (1 − B)² Var(μ̂), Var(μ̂) = (τ² + s²)/n with equal errors.
    expect(eb.postSd[0]).toBeCloseTo(Math.sqrt(B * s * s + (1 - B) ** 2 * ((tau2 + s * s) / y.length)), 8);
  });
  it("pulls a noisy small sample further towards the mean than a precise one", () => {
    const eb = empiricalBayes([95, 95, 70, 72, 75, 78], [15, 1, 1, 1, 1, 1]);
    expect(eb.shrunk[0]! - eb.mu).toBeLessThan(eb.shrunk[1]! - eb.mu);
    expect(eb.shrunk[1]).toBeGreaterThan(94);
  });
});

describe("normal distribution, bootstrap, ranks", () => {
  it("has the usual quantiles", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
  });
  it("gives a bootstrap interval around the mean that shrinks with n", () => {
    const rand = seeded(3);
    const mk = (n: number) => Array.from({ length: n }, () => [rand() * 10]);
    const mean = (rows: number[][]) => rows.reduce((a, r) => a + r[0]!, 0) / rows.length;
    const [a, b] = bootstrap(mk(100), mean, 300);
    const [c, d] = bootstrap(mk(2000), mean, 300);
    expect(a).toBeLessThan(5.6);
    expect(b).toBeGreaterThan(4.4);
    expect(d - c).toBeLessThan((b - a) / 3);
  });
  it("bootstraps a statistic of the covariance as `bootstrap` does, from the same draws, with sums kept flat", () => {
    // 600 answers to 4 items on 1-5 (one item reversed-like) and 3 answers far from 0 (1000 + …):
    // the interval is the generic bootstrap's over covariance() of each resample's rows.
    const rand = seeded(3);
    const likert = Array.from({ length: 600 }, () => {
      const t = 1 + Math.floor(rand() * 5);
      return [t, Math.min(5, t + Math.floor(rand() * 2)), 6 - t, 1 + Math.floor(rand() * 5)];
    });
    const far = Array.from({ length: 300 }, () => [1000 + rand(), 1000 + 2 * rand(), 999.5 + rand()]);
    for (const [rows, stat] of [
      [likert, cronbachAlpha],
      [likert, mcdonaldOmega],
      [far, cronbachAlpha],
    ] as const) {
      for (const seed of [1, 2025]) {
        const [lo, hi] = bootstrapCovariance(rows, stat, 200, 0.95, seed);
        const [glo, ghi] = bootstrap(rows, (m) => stat(covariance(m)), 200, 0.95, seed);
        expect(lo).toBeCloseTo(glo, 9);
        expect(hi).toBeCloseTo(ghi, 9);
        expect(lo).toBeLessThan(hi);
      }
    }
  });

  it("gives rank intervals that are tight when separated and wide when not", () => {
    const r = rankIntervals([90, 80, 70, 69.9], [0.1, 0.1, 3, 3], 2000);
    expect(r[0]).toEqual({ low: 1, high: 1, simLow: 1, simHigh: 1 });
    expect(r[2]!.low).toBe(3);
    expect(r[2]!.high).toBe(4);
  });
  it("gives simultaneous rank intervals that cover all institutions together in 95 % of fresh draws, where marginal ones do not", () => {
    const mean = Array.from({ length: 20 }, (_, i) => 80 + i);
    const sd = mean.map(() => 1.5);
    const r = rankIntervals(mean, sd, 4000, 1);
    for (const x of r) {
      expect(x.simLow).toBeLessThanOrEqual(x.low);
      expect(x.simHigh).toBeGreaterThanOrEqual(x.high);
    }
    // Fresh draws from the same posteriors (another seed): joint coverage of each kind of interval.
    const rand = seeded(99);
    const gauss = () => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand());
    let marginal = 0;
    let joint = 0;
    const draws = 2000;
    for (let d = 0; d < draws; d++) {
      const v = mean.map((m, i) => m + sd[i]! * gauss());
      const order = v.map((_, i) => i).sort((a, b) => v[b]! - v[a]!);
      const rank = new Array<number>(20);
      order.forEach((i, k) => (rank[i] = k + 1));
      if (rank.every((k, i) => k >= r[i]!.low && k <= r[i]!.high)) marginal++;
      if (rank.every((k, i) => k >= r[i]!.simLow && k <= r[i]!.simHigh)) joint++;
    }
    expect(joint / draws).toBeGreaterThan(0.93);
    expect(marginal / draws).toBeLessThan(0.8);
  });
  it("Spearman is 1 for monotone and −1 for reversed order", () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 100])).toBeCloseTo(1);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1);
  });
});

describe("reliability of a project's mean", () => {
  it("matches Shrout & Fleiss (1979), 6 targets × 4 ratings: ICC(1) = 0.166, ICC(k) = 0.443", () => {
    const table = [
      [9, 2, 5, 8],
      [6, 1, 3, 2],
      [8, 4, 6, 8],
      [7, 1, 2, 6],
      [10, 5, 6, 9],
      [6, 2, 4, 7],
    ];
    const groups = table.map((r) => {
      const mean = r.reduce((a, x) => a + x, 0) / r.length;
      return { n: r.length, mean, ssw: r.reduce((a, x) => a + (x - mean) ** 2, 0) };
    });
    // BMS = 11.24, WMS = 6.26 in the paper's Table 3.
    const r = iccOneWay(groups);
    expect(r.k0).toBe(4);
    expect(r.icc1).toBeCloseTo((11.2417 - 6.2639) / (11.2417 + 3 * 6.2639), 3);
    expect(r.icc1).toBeCloseTo(0.166, 3);
    expect(r.icck).toBeCloseTo(0.443, 3);
  });
  it("resamples whole groups in its bootstrap, so the interval covers the estimate", () => {
    const rand = seeded(5);
    const groups = Array.from({ length: 40 }, () => ({ n: 20, mean: 75 + 5 * (rand() - 0.5) * 3.4, ssw: 19 * 100 }));
    const est = iccOneWay(groups).icc1;
    const [lo, hi] = bootstrap(groups, (g) => iccOneWay(g).icc1, 300, 0.95, 2);
    expect(lo).toBeLessThan(est);
    expect(hi).toBeGreaterThan(est);
  });
});
