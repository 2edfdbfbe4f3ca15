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

/** A feature's value as the fit holds it: the number, NaN where it is missing or not finite. */
export const finiteOrNaN = (v: unknown): number => {
  const x = v === null || v === undefined ? NaN : Number(v);
  return Number.isFinite(x) ? x : NaN;
};

/** The design by column: a typed array of n values per feature, NaN where a value is missing or not finite. */
export function columnsOf(X: readonly (readonly (number | null | undefined)[])[], p: number): Float64Array[] {
  const n = X.length;
  const cols = Array.from({ length: p }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const row = X[i]!;
    for (let j = 0; j < p; j++) cols[j]![i] = finiteOrNaN(row[j]);
  }
  return cols;
}

/** Mean and SD (n − 1) of a column's finite values: 0 and 1 when there are none, an SD of 1 for a constant. */
function meanSd(col: Float64Array): { mean: number; sd: number } {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < col.length; i++) {
    const v = col[i]!;
    if (v === v) {
      sum += v;
      count++;
    }
  }
  const mean = count ? sum / count : 0;
  let ss = 0;
  for (let i = 0; i < col.length; i++) {
    const v = col[i]!;
    if (v === v) ss += (v - mean) ** 2;
  }
  const s = count > 1 ? Math.sqrt(ss / (count - 1)) : 1;
  return { mean, sd: s > 0 ? s : 1 };
}

/** A column standardised in place; a missing value becomes 0 (the mean). */
function standardiseColumn(col: Float64Array, mean: number, sd: number): Float64Array {
  for (let i = 0; i < col.length; i++) {
    const v = col[i]!;
    col[i] = v === v ? (v - mean) / sd : 0;
  }
  return col;
}

/** η = Zβ, column by column. */
function linearPredictor(Z: readonly Float64Array[], beta: readonly number[], eta: Float64Array): void {
  eta.fill(0);
  for (let j = 0; j < Z.length; j++) {
    const col = Z[j]!;
    const bj = beta[j]!;
    for (let i = 0; i < eta.length; i++) eta[i]! += col[i]! * bj;
  }
}

/** The IRLS weights μ(1 − μ) (at least 10⁻⁹) and residuals y − μ at η. */
function weightsAndResiduals(eta: Float64Array, y: Float64Array, w: Float64Array, r: Float64Array): void {
  for (let i = 0; i < eta.length; i++) {
    const mu = 1 / (1 + Math.exp(-eta[i]!));
    w[i] = Math.max(mu * (1 - mu), 1e-9);
    r[i] = y[i]! - mu;
  }
}

/** Rows a block of newtonSums takes at a time: its columns (and w ∘ each) stay in the CPU's cache. */
const BLOCK = 1024;

/**
 * The sums of a Newton step: the gradient gₐ = Σᵢ Zₐᵢ rᵢ and the Hessian Hₐᵦ = Σᵢ wᵢ Zₐᵢ Zᵦᵢ, each a
 * dot product of two columns, taken a block of rows at a time for all of them (one pass over the
 * design per step, not one per product: q(q+1)/2 products of 276 k rows read the design from memory
 * 150 times a step nationally). `wz`: scratch of the rows' length.
 */
function newtonSums(Z: readonly Float64Array[], w: Float64Array, r: Float64Array, wz: Float64Array): { H: number[][]; g: number[] } {
  const q = Z.length;
  const n = w.length;
  const H = Array.from({ length: q }, () => new Array<number>(q).fill(0));
  const g = new Array<number>(q).fill(0);
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    for (let a = 0; a < q; a++) {
      const za = Z[a]!;
      g[a]! += dotRange(za, r, start, end);
      for (let i = start; i < end; i++) wz[i] = w[i]! * za[i]!;
      const Ha = H[a]!;
      for (let b = a; b < q; b++) Ha[b]! += dotRange(wz, Z[b]!, start, end);
    }
  }
  for (let a = 0; a < q; a++) for (let b = a + 1; b < q; b++) H[b]![a] = H[a]![b]!;
  return { H, g };
}

/** Σ aᵢ bᵢ for start ≤ i < end, in four sums (rows i mod 4) so that the additions overlap. */
function dotRange(a: Float64Array, b: Float64Array, start: number, end: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = start;
  for (; i + 3 < end; i += 4) {
    s0 += a[i]! * b[i]!;
    s1 += a[i + 1]! * b[i + 1]!;
    s2 += a[i + 2]! * b[i + 2]!;
    s3 += a[i + 3]! * b[i + 3]!;
  }
  for (; i < end; i++) s0 += a[i]! * b[i]!;
  return s0 + s1 + (s2 + s3);
}

/**
 * L2-regularised logistic regression by Newton-Raphson (IRLS) on standardised features.
 * The intercept is not penalised; λ = 1 is a light ridge that keeps separable data finite.
 */
export function fitLogistic(features: string[], X: (number | null)[][], y: number[], lambda = 1): Logistic {
  return fitLogisticColumns(features, columnsOf(X, features.length), y, lambda);
}

/**
 * fitLogistic on the design by column (columnsOf; the columns are standardised in place). Every sum
 * of a Newton step is a dot product of two columns: summed row by row into a flat Hessian (a read
 * and a write of memory per product, the design an array of rows) the fit took 1.3 s for the 276 k
 * training rows nationally.
 */
export function fitLogisticColumns(features: string[], cols: Float64Array[], y: readonly number[], lambda = 1): Logistic {
  const p = features.length;
  const n = y.length;
  const stats = cols.map(meanSd);
  const mean = stats.map((s) => s.mean);
  const sd = stats.map((s) => s.sd);
  // The standardised design, the intercept's 1s first.
  const q = p + 1;
  const Z = [new Float64Array(n).fill(1), ...cols.map((c, j) => standardiseColumn(c, mean[j]!, sd[j]!))];
  const yv = Float64Array.from(y);
  let beta = new Array<number>(q).fill(0);
  const eta = new Float64Array(n);
  const w = new Float64Array(n);
  const r = new Float64Array(n);
  const wz = new Float64Array(n);
  for (let iter = 0; iter < 50; iter++) {
    linearPredictor(Z, beta, eta);
    weightsAndResiduals(eta, yv, w, r);
    const { H, g } = newtonSums(Z, w, r, wz);
    for (let a = 1; a <= p; a++) {
      H[a]![a]! += lambda;
      g[a]! -= lambda * beta[a]!;
    }
    const step = solve(H, g);
    beta = beta.map((b, j) => b + step[j]!);
    if (step.reduce((a, x) => a + Math.abs(x), 0) < 1e-8) break;
  }
  return { features, mean, sd, intercept: beta[0]!, coef: beta.slice(1) };
}

export function predict(m: Logistic, X: (number | null)[][]): number[] {
  return predictColumns(m, columnsOf(X, m.features.length), X.length);
}

/** predict on the design by column (columnsOf's form, NaN where missing: the mean). */
export function predictColumns(m: Logistic, cols: readonly Float64Array[], n = cols[0]?.length ?? 0): number[] {
  const eta = new Float64Array(n);
  cols.forEach((col, j) => {
    const mean = m.mean[j]!;
    const sd = m.sd[j]!;
    const c = m.coef[j]!;
    for (let i = 0; i < n; i++) {
      const v = col[i]!;
      eta[i]! += (v === v ? (v - mean) / sd : 0) * c;
    }
  });
  return Array.from(eta, (e) => 1 / (1 + Math.exp(-(m.intercept + e))));
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
