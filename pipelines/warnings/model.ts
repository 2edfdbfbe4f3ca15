// Logistic regression and the metrics that judge it. Small and tested; the per-row work
// (features, scoring) stays in SQL.
import { quantile as sortedQuantile, seeded, solve } from "../lib/shared/stats.ts";

export interface Logistic {
  features: string[];
  mean: number[];
  sd: number[];
  intercept: number;
  coef: number[];
}

/** Standardise with training means and SDs; a missing value becomes the mean (z = 0). */
export function standardise(rows: (number | null)[][], mean: number[], sd: number[]): number[][] {
  return rows.map((r) => r.map((v, j) => (v === null || !Number.isFinite(v) ? 0 : (v - mean[j]!) / sd[j]!)));
}

/**
 * L2-regularised logistic regression by Newton-Raphson (IRLS) on standardised features.
 * The intercept is not penalised; λ = 1 is a light ridge that keeps separable data finite.
 */
export function fitLogistic(features: string[], X: (number | null)[][], y: number[], lambda = 1): Logistic {
  const p = features.length;
  const n = X.length;
  const finite = (v: number | null | undefined): v is number => v !== null && v !== undefined && Number.isFinite(v);
  const mean = features.map((_, j) => {
    let sum = 0;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const v = X[i]![j];
      if (finite(v)) {
        sum += v;
        count++;
      }
    }
    return count ? sum / count : 0;
  });
  const sd = features.map((_, j) => {
    let ss = 0;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const v = X[i]![j];
      if (finite(v)) {
        ss += (v - mean[j]!) ** 2;
        count++;
      }
    }
    const s = count > 1 ? Math.sqrt(ss / (count - 1)) : 1;
    return s > 0 ? s : 1;
  });
  // The standardised design, one row of q = p + 1 values (the intercept's 1 first) after another.
  const q = p + 1;
  const Z = new Float64Array(n * q);
  for (let i = 0; i < n; i++) {
    Z[i * q] = 1;
    for (let j = 0; j < p; j++) {
      const v = X[i]![j];
      Z[i * q + 1 + j] = finite(v) ? (v - mean[j]!) / sd[j]! : 0;
    }
  }
  let beta = new Array<number>(q).fill(0);
  // The Hessian's upper triangle summed in one flat typed array (row a at a * q), then copied out
  // for the solver: nested arrays of numbers made the fit twice as slow nationally.
  const flat = new Float64Array(q * q);
  const gv = new Float64Array(q);
  const bv = new Float64Array(q);
  for (let iter = 0; iter < 50; iter++) {
    flat.fill(0);
    gv.fill(0);
    bv.set(beta);
    for (let i = 0; i < n; i++) {
      const o = i * q;
      let eta = 0;
      for (let j = 0; j < q; j++) eta += Z[o + j]! * bv[j]!;
      const mu = 1 / (1 + Math.exp(-eta));
      const w = Math.max(mu * (1 - mu), 1e-9);
      const r = y[i]! - mu;
      for (let a = 0; a < q; a++) {
        const za = Z[o + a]!;
        gv[a]! += za * r;
        const wa = w * za;
        const ha = a * q;
        for (let b = a; b < q; b++) flat[ha + b]! += wa * Z[o + b]!;
      }
    }
    const H = Array.from({ length: q }, (_, a) => Array.from(flat.subarray(a * q, a * q + q)));
    const g = Array.from(gv);
    for (let a = 0; a <= p; a++) {
      for (let b = 0; b < a; b++) H[a]![b] = H[b]![a]!;
      if (a > 0) {
        H[a]![a]! += lambda;
        g[a]! -= lambda * beta[a]!;
      }
    }
    const step = solve(H, g);
    beta = beta.map((b, j) => b + step[j]!);
    if (step.reduce((a, x) => a + Math.abs(x), 0) < 1e-8) break;
  }
  return { features, mean, sd, intercept: beta[0]!, coef: beta.slice(1) };
}

export function predict(m: Logistic, X: (number | null)[][]): number[] {
  return standardise(X, m.mean, m.sd).map((z) => 1 / (1 + Math.exp(-(m.intercept + z.reduce((a, x, j) => a + x * m.coef[j]!, 0)))));
}

/** Area under the ROC curve (Mann-Whitney, ties counted half). */
export function auc(score: number[], y: number[]): number {
  const order = score.map((s, i) => [s, y[i]!] as const).sort((a, b) => a[0] - b[0]);
  let rankSum = 0;
  let nPos = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (order[k]![1] === 1) {
      rankSum += avgRank;
      nPos++;
    }
    i = j + 1;
  }
  const nNeg = order.length - nPos;
  return nPos && nNeg ? (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg) : NaN;
}

/** Average precision (area under the precision-recall curve, step-wise). */
export function averagePrecision(score: number[], y: number[]): number {
  const order = score.map((s, i) => [s, y[i]!] as const).sort((a, b) => b[0] - a[0]);
  const nPos = y.reduce((a, x) => a + x, 0);
  let tp = 0;
  let ap = 0;
  order.forEach(([, label], k) => {
    if (label === 1) {
      tp++;
      ap += tp / (k + 1);
    }
  });
  return nPos ? ap / nPos : NaN;
}

export function brier(p: number[], y: number[]): number {
  return p.reduce((a, x, i) => a + (x - y[i]!) ** 2, 0) / p.length;
}

export interface CalibrationBin {
  bin: number;
  n: number;
  mean_predicted: number;
  observed: number;
}

/** Calibration by deciles of the predicted probability. */
export function calibration(p: number[], y: number[], bins = 10): CalibrationBin[] {
  const order = p.map((x, i) => [x, y[i]!] as const).sort((a, b) => a[0] - b[0]);
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const part = order.slice(Math.floor((b * order.length) / bins), Math.floor(((b + 1) * order.length) / bins));
    if (!part.length) continue;
    out.push({
      bin: b + 1,
      n: part.length,
      mean_predicted: part.reduce((a, x) => a + x[0], 0) / part.length,
      observed: part.reduce((a, x) => a + x[1], 0) / part.length,
    });
  }
  return out;
}

export interface Confusion {
  n: number;
  base_rate: number;
  flagged: number;
  precision: number;
  recall: number;
  false_positive_rate: number;
  false_negative_rate: number;
}

export function confusion(flag: boolean[], y: number[]): Confusion {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  flag.forEach((f, i) => {
    if (f && y[i] === 1) tp++;
    else if (f) fp++;
    else if (y[i] === 1) fn++;
    else tn++;
  });
  const n = flag.length;
  return {
    n,
    base_rate: (tp + fn) / n,
    flagged: (tp + fp) / n,
    precision: tp + fp ? tp / (tp + fp) : NaN,
    recall: tp + fn ? tp / (tp + fn) : NaN,
    false_positive_rate: fp + tn ? fp / (fp + tn) : NaN,
    false_negative_rate: tp + fn ? fn / (tp + fn) : NaN,
  };
}

/** Row indices of a bootstrap resample. */
export function resample(n: number, seed: number): number[] {
  const rand = seeded(seed);
  return Array.from({ length: n }, () => Math.floor(rand() * n));
}

/**
 * AUCs of one score over many weightings of its rows (a cluster bootstrap gives each project's rows
 * the number of times the project was drawn): the rows are sorted once, each weighting costs one pass.
 */
export function weightedAucs(score: number[], y: number[], weightings: Iterable<ArrayLike<number>>): number[] {
  return weightedAucsOf([score], y, weightings)[0]!;
}

/** Weighted AUCs of several scores over the same weightings, each weighting used once and let go. */
export function weightedAucsOf(scores: number[][], y: number[], weightings: Iterable<ArrayLike<number>>): number[][] {
  const orders = scores.map((score) => score.map((_, i) => i).sort((a, b) => score[a]! - score[b]!));
  const out: number[][] = scores.map(() => []);
  for (const w of weightings) scores.forEach((score, k) => out[k]!.push(weightedAuc(score, orders[k]!, y, w)));
  return out;
}

function weightedAuc(score: number[], order: number[], y: number[], w: ArrayLike<number>): number {
  let negBelow = 0; // weighted negatives with a lower score
  let num = 0;
  let pos = 0;
  let neg = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && score[order[j + 1]!] === score[order[i]!]) j++;
    let tiePos = 0;
    let tieNeg = 0;
    for (let k = i; k <= j; k++) {
      const r = order[k]!;
      if (y[r] === 1) tiePos += w[r]!;
      else tieNeg += w[r]!;
    }
    num += tiePos * (negBelow + tieNeg / 2);
    negBelow += tieNeg;
    pos += tiePos;
    neg += tieNeg;
    i = j + 1;
  }
  return pos && neg ? num / (pos * neg) : NaN;
}

/** Row weights of `b` cluster-bootstrap resamples: clusters drawn with replacement, each row weighted by its cluster's draws. */
export function clusterWeights(clusters: string[], b: number, seed: number): number[][] {
  return [...clusterDraws(clusters, b, seed)].map((w) => Array.from(w));
}

/** The same resamples one at a time (a national validation set is not held 200 times over). */
export function* clusterDraws(clusters: string[], b: number, seed: number): Generator<Float64Array> {
  const ids = [...new Set(clusters)].sort();
  const at = new Map(ids.map((c, i) => [c, i]));
  const index = clusters.map((c) => at.get(c)!);
  const rand = seeded(seed);
  // (Typed arrays: 200 resamples of a national validation set, as plain arrays, kept the collector busy for seconds.)
  const draws = new Float64Array(ids.length);
  for (let r = 0; r < b; r++) {
    draws.fill(0);
    for (let k = 0; k < ids.length; k++) draws[Math.floor(rand() * ids.length)]!++;
    const w = new Float64Array(index.length);
    for (let i = 0; i < index.length; i++) w[i] = draws[index[i]!]!;
    yield w;
  }
}

/** The p-quantile of a sample (linear interpolation), NaNs left out. */
export function quantile(xs: number[], p: number): number {
  return sortedQuantile(xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b), p);
}

/** Wilson 95 % interval of k successes in n. */
export function wilson(k: number, n: number, z = 1.96): [number, number] {
  if (!n) return [NaN, NaN];
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, c - h), Math.min(1, c + h)];
}

const logit = (p: number) => Math.log(Math.min(Math.max(p, 1e-6), 1 - 1e-6) / (1 - Math.min(Math.max(p, 1e-6), 1 - 1e-6)));

/** Platt recalibration: y ~ a + b·logit(p), fitted by Newton-Raphson; returns (a, b). */
export function platt(p: number[], y: number[]): { a: number; b: number } {
  let a = 0;
  let b = 1;
  const x = p.map(logit);
  for (let it = 0; it < 50; it++) {
    let ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
    x.forEach((xi, i) => {
      const q = 1 / (1 + Math.exp(-(a + b * xi)));
      const r = y[i]! - q;
      const w = q * (1 - q);
      ga += r;
      gb += r * xi;
      haa += w;
      hab += w * xi;
      hbb += w * xi * xi;
    });
    const det = haa * hbb - hab * hab;
    if (!(Math.abs(det) > 1e-12)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a += da;
    b += db;
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  return { a, b };
}

export const recalibrate = (p: number[], c: { a: number; b: number }) => p.map((x) => 1 / (1 + Math.exp(-(c.a + c.b * logit(x)))));

/** Calibration in the large (mean predicted − observed) and the decile error (rows-weighted mean |predicted − observed| over deciles). */
export function calibrationError(p: number[], y: number[]): { in_the_large: number; decile_error: number } {
  const bins = calibration(p, y);
  const n = bins.reduce((a, b) => a + b.n, 0);
  return {
    in_the_large: p.reduce((a, x) => a + x, 0) / p.length - y.reduce((a, x) => a + x, 0) / y.length,
    decile_error: bins.reduce((a, b) => a + b.n * Math.abs(b.mean_predicted - b.observed), 0) / n,
  };
}
