// Small, tested statistics. Each function names its method; tests check known answers.
import jStat from "jstat";

/** Standard normal CDF (Zelen & Severo 26.2.17 via erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(z / Math.SQRT2));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

/** Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
/** Student's t quantile with df degrees of freedom (jStat, a maintained library). */
export function tQuantile(p: number, df: number): number {
  return jStat.studentt.inv(p, df);
}

export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** Solve A x = b for symmetric positive (semi)definite A by Gaussian elimination with partial pivoting. */
export function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(M[r]![col]!) > Math.abs(M[pivot]![col]!)) pivot = r;
    [M[col], M[pivot]] = [M[pivot]!, M[col]!];
    const p = M[col]![col]!;
    if (Math.abs(p) < 1e-12) continue; // a column with no variation: its coefficient stays 0
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = M[r]![col]! / p;
      if (f === 0) continue;
      for (let c = col; c <= n; c++) M[r]![c]! -= f * M[col]![c]!;
    }
  }
  return M.map((row, i) => (Math.abs(row[i]!) < 1e-12 ? 0 : row[n]! / row[i]!));
}

/** Weighted least squares via the normal equations; a tiny ridge keeps collinear columns at 0. */
export function wls(X: number[][], y: number[], w: number[]): number[] {
  return solve(normalMatrix(X, w), X[0] ? X[0].map((_, a) => X.reduce((acc, xi, i) => acc + w[i]! * xi[a]! * y[i]!, 0)) : []);
}

/**
 * WLS with the coefficients' covariance: Cov(β̂) = s² (XᵀWX)⁻¹, s² = Σ wᵢ rᵢ² / (n − p − dfAbsorbed)
 * (dfAbsorbed: degrees of freedom already spent, e.g. fixed effects removed by demeaning).
 */
export function wlsFit(X: number[][], y: number[], w: number[], dfAbsorbed = 0): { coef: number[]; cov: number[][]; s2: number } {
  const coef = wls(X, y, w);
  const p = coef.length;
  const XtX = normalMatrix(X, w);
  const rss = X.reduce((a, xi, i) => a + w[i]! * (y[i]! - xi.reduce((b, x, j) => b + x * coef[j]!, 0)) ** 2, 0);
  const df = X.length - p - dfAbsorbed;
  const s2 = df > 0 ? rss / df : NaN;
  const inv = Array.from({ length: p }, (_, j) => solve(XtX.map((r) => [...r]), Array.from({ length: p }, (_, k) => (k === j ? 1 : 0))));
  return { coef, cov: inv.map((col, j) => col.map((_, k) => s2 * inv[k]![j]!)), s2 };
}

function normalMatrix(X: number[][], w: number[]): number[][] {
  const p = X[0]?.length ?? 0;
  const XtX = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let i = 0; i < X.length; i++) {
    const xi = X[i]!;
    const wi = w[i]!;
    for (let a = 0; a < p; a++) for (let b = a; b < p; b++) XtX[a]![b]! += wi * xi[a]! * xi[b]!;
  }
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < a; b++) XtX[a]![b] = XtX[b]![a]!;
    XtX[a]![a]! += 1e-9;
  }
  return XtX;
}

/** Cronbach's alpha from an item covariance matrix: k/(k-1) · (1 − Σσ²ᵢ / σ²_total). */
export function cronbachAlpha(cov: number[][]): number {
  const k = cov.length;
  if (k < 2) return NaN;
  let sumVar = 0;
  let total = 0;
  for (let i = 0; i < k; i++) {
    sumVar += cov[i]![i]!;
    for (let j = 0; j < k; j++) total += cov[i]![j]!;
  }
  return total > 0 ? (k / (k - 1)) * (1 - sumVar / total) : NaN;
}

/**
 * McDonald's omega (total) from a one-factor model fitted by iterated principal axis factoring
 * on the correlation matrix: ω = (Σλ)² / ((Σλ)² + Σψ), ψ = 1 − λ².
 */
export function mcdonaldOmega(cov: number[][]): number {
  const k = cov.length;
  if (k < 2) return NaN;
  const sd = cov.map((row, i) => Math.sqrt(row[i]!));
  if (sd.some((s) => !(s > 0))) return NaN;
  const R = cov.map((row, i) => row.map((v, j) => v / (sd[i]! * sd[j]!)));
  // Start communalities at squared multiple correlations' simple stand-in: max |r| per row.
  let h = R.map((row, i) => Math.max(...row.map((v, j) => (i === j ? 0 : Math.abs(v)))));
  let lambda = new Array<number>(k).fill(0);
  for (let iter = 0; iter < 200; iter++) {
    const Rh = R.map((row, i) => row.map((v, j) => (i === j ? h[i]! : v)));
    // Leading eigenvector by power iteration.
    let v = new Array<number>(k).fill(1 / Math.sqrt(k));
    let eig = 0;
    for (let it = 0; it < 500; it++) {
      const nv = Rh.map((row) => row.reduce((a, x, j) => a + x * v[j]!, 0));
      const norm = Math.sqrt(nv.reduce((a, x) => a + x * x, 0));
      if (norm === 0) break;
      const next = nv.map((x) => x / norm);
      const diff = next.reduce((a, x, j) => a + Math.abs(x - v[j]!), 0);
      v = next;
      eig = norm;
      if (diff < 1e-12) break;
    }
    lambda = v.map((x) => x * Math.sqrt(Math.max(eig, 0)));
    const sign = lambda.reduce((a, x) => a + x, 0) < 0 ? -1 : 1;
    lambda = lambda.map((x) => sign * x);
    const nh = lambda.map((l) => Math.min(l * l, 0.995));
    const change = nh.reduce((a, x, i) => a + Math.abs(x - h[i]!), 0);
    h = nh;
    if (change < 1e-9) break;
  }
  const sumL = lambda.reduce((a, x) => a + x, 0);
  const sumPsi = lambda.reduce((a, l) => a + (1 - Math.min(l * l, 0.995)), 0);
  return (sumL * sumL) / (sumL * sumL + sumPsi);
}

/** Sample covariance matrix of complete rows. */
export function covariance(rows: number[][]): number[][] {
  const n = rows.length;
  const k = rows[0]?.length ?? 0;
  const mean = new Array<number>(k).fill(0);
  for (const r of rows) for (let j = 0; j < k; j++) mean[j]! += r[j]! / n;
  const cov = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (const r of rows) {
    for (let a = 0; a < k; a++) {
      const da = r[a]! - mean[a]!;
      for (let b = a; b < k; b++) cov[a]![b]! += (da * (r[b]! - mean[b]!)) / (n - 1);
    }
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) cov[a]![b] = cov[b]![a]!;
  return cov;
}

/** A seeded generator (mulberry32) so that bootstrap and simulation results are reproducible. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function quantile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = (sorted.length - 1) * p;
  const lo = Math.floor(idx);
  const hi = Math.ceil(idx);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (idx - lo);
}

/**
 * Percentile bootstrap interval of a statistic, resampling the units with replacement: rows of
 * responses, or whole groups (a cluster bootstrap, when the units are the groups).
 */
export function bootstrap<T>(units: T[], stat: (units: T[]) => number, reps = 200, level = 0.95, seed = 1): [number, number] {
  const rand = seeded(seed);
  const values: number[] = [];
  for (let r = 0; r < reps; r++) {
    const sample = units.map(() => units[Math.floor(rand() * units.length)]!);
    const v = stat(sample);
    if (Number.isFinite(v)) values.push(v);
  }
  return percentileInterval(values, level);
}

/** The central `level` interval of the resampled values (NaN, NaN without any). */
function percentileInterval(values: number[], level: number): [number, number] {
  values.sort((a, b) => a - b);
  return values.length ? [quantile(values, (1 - level) / 2), quantile(values, 1 - (1 - level) / 2)] : [NaN, NaN];
}

/**
 * `bootstrap` of a statistic of the rows' covariance matrix, with the same resamples (the same draws
 * for the same seed): each resample's covariance from the sums of its rows and of their products
 * (about the whole sample's means, so that little cancels), kept in flat arrays, not from a copy of
 * its rows. A reliability run takes some ten thousand resamples of up to 5,000 rows.
 */
export function bootstrapCovariance(rows: number[][], stat: (cov: number[][]) => number, reps = 200, level = 0.95, seed = 1): [number, number] {
  const n = rows.length;
  const k = rows[0]?.length ?? 0;
  const center = new Float64Array(k);
  for (const r of rows) for (let j = 0; j < k; j++) center[j]! += r[j]!;
  for (let j = 0; j < k; j++) center[j]! /= n;
  const pairs = (k * (k + 1)) / 2;
  const x = new Float64Array(n * k);
  const xx = new Float64Array(n * pairs);
  rows.forEach((r, i) => {
    for (let j = 0; j < k; j++) x[i * k + j] = r[j]! - center[j]!;
    for (let a = 0, p = 0; a < k; a++) for (let b = a; b < k; b++, p++) xx[i * pairs + p] = x[i * k + a]! * x[i * k + b]!;
  });
  const rand = seeded(seed);
  const values: number[] = [];
  const sum = new Float64Array(k);
  const sumXX = new Float64Array(pairs);
  for (let r = 0; r < reps; r++) {
    sum.fill(0);
    sumXX.fill(0);
    for (let t = 0; t < n; t++) {
      const i = Math.floor(rand() * n);
      for (let j = 0; j < k; j++) sum[j]! += x[i * k + j]!;
      for (let p = 0; p < pairs; p++) sumXX[p]! += xx[i * pairs + p]!;
    }
    const cov = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    for (let a = 0, p = 0; a < k; a++) for (let b = a; b < k; b++, p++) cov[a]![b] = cov[b]![a] = (sumXX[p]! - (sum[a]! * sum[b]!) / n) / (n - 1);
    const v = stat(cov);
    if (Number.isFinite(v)) values.push(v);
  }
  return percentileInterval(values, level);
}

export interface Shrunk {
  mu: number;
  tau2: number;
  shrunk: number[];
  postSd: number[];
  weight: number[];
}

/**
 * Empirical-Bayes normal-normal shrinkage: yᵢ ~ N(θᵢ, sᵢ²), θᵢ ~ N(μ, τ²).
 * τ² by DerSimonian-Laird moments, μ by precision weights; θ̂ᵢ = μ + Bᵢ(yᵢ − μ), Bᵢ = τ²/(τ²+sᵢ²),
 * posterior variance Bᵢ sᵢ² + (1 − Bᵢ)² Var(μ̂), Var(μ̂) = 1 / Σ 1/(τ²+sᵢ²) (Morris 1983: the
 * uncertainty of the mean carried; that of τ² is not).
 */
export function empiricalBayes(y: number[], se: number[]): Shrunk {
  const n = y.length;
  const w = se.map((s) => 1 / (s * s));
  const sw = w.reduce((a, x) => a + x, 0);
  const yFixed = y.reduce((a, x, i) => a + w[i]! * x, 0) / sw;
  const Q = y.reduce((a, x, i) => a + w[i]! * (x - yFixed) ** 2, 0);
  const c = sw - w.reduce((a, x) => a + x * x, 0) / sw;
  const tau2 = n > 1 && c > 0 ? Math.max(0, (Q - (n - 1)) / c) : 0;
  const wr = se.map((s) => 1 / (s * s + tau2));
  const swr = wr.reduce((a, x) => a + x, 0);
  const mu = y.reduce((a, x, i) => a + wr[i]! * x, 0) / swr;
  const varMu = 1 / swr;
  const B = se.map((s) => (tau2 + s * s > 0 ? tau2 / (tau2 + s * s) : 0));
  return {
    mu,
    tau2,
    weight: B,
    shrunk: y.map((x, i) => mu + B[i]! * (x - mu)),
    postSd: se.map((s, i) => Math.sqrt(B[i]! * s * s + (1 - B[i]!) ** 2 * varMu)),
  };
}

/**
 * Rank intervals by simulation from independent normal posteriors (rank 1 = highest):
 * - low/high: each institution's own 95 % interval (marginal);
 * - simLow/simHigh: simultaneous intervals, all institutions covered together in ≥ 95 % of draws
 *   (the per-institution level widened until the joint coverage reaches 95 %, as ICRanks asks of
 *   a joint statement "every institution's rank lies in its interval").
 */
export function rankIntervals(mean: number[], sd: number[], draws = 1000, seed = 7): { low: number; high: number; simLow: number; simHigh: number }[] {
  const rand = seeded(seed);
  const n = mean.length;
  const ranks: number[][] = Array.from({ length: n }, () => []);
  const gauss = () => {
    const u = Math.max(rand(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  };
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let d = 0; d < draws; d++) {
    const v = mean.map((m, i) => m + sd[i]! * gauss());
    idx.sort((a, b) => v[b]! - v[a]!);
    idx.forEach((i, r) => ranks[i]!.push(r + 1));
  }
  const sorted = ranks.map((r) => [...r].sort((a, b) => a - b));
  const at = (alpha: number) => sorted.map((r) => ({ low: quantile(r, alpha / 2), high: quantile(r, 1 - alpha / 2) }));
  const coverage = (iv: { low: number; high: number }[]) => {
    let all = 0;
    for (let d = 0; d < draws; d++) if (ranks.every((r, i) => r[d]! >= iv[i]!.low && r[d]! <= iv[i]!.high)) all++;
    return all / draws;
  };
  let sim = at(0);
  for (let k = 0; k <= 40; k++) {
    const alpha = 0.05 * Math.pow(1 / Math.max(n, 1), k / 40); // from 0.05 down to 0.05/n (Bonferroni)
    const iv = at(alpha);
    if (coverage(iv) >= 0.95) {
      sim = iv;
      break;
    }
  }
  return at(0.05).map((m, i) => ({ ...m, simLow: sim[i]!.low, simHigh: sim[i]!.high }));
}

export function pearson(a: number[], b: number[]): number {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < n; i++) {
    num += (a[i]! - ma) * (b[i]! - mb);
    da += (a[i]! - ma) ** 2;
    db += (b[i]! - mb) ** 2;
  }
  return num / Math.sqrt(da * db);
}

/** Spearman rank correlation: Pearson on average ranks (ties share their mean rank). */
export function spearman(a: number[], b: number[]): number {
  const rank = (xs: number[]) => {
    const order = xs.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0]);
    const r = new Array<number>(xs.length);
    for (let i = 0; i < order.length; ) {
      let j = i;
      while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
      for (let k = i; k <= j; k++) r[order[k]![1]] = (i + j) / 2 + 1;
      i = j + 1;
    }
    return r;
  };
  return pearson(rank(a), rank(b));
}

export interface GroupSummary {
  n: number;
  mean: number;
  /** Sum of squares within the group, Σ (x − mean)². */
  ssw: number;
}

/**
 * Reliability of group means from a one-way random-effects ANOVA (Shrout & Fleiss; unequal group
 * sizes with k₀ = (N − Σnᵢ²/N)/(g − 1)): ICC(1) = (MSB − MSW)/(MSB + (k₀ − 1) MSW), the share of a
 * single response's variance that lies between groups; ICC(k) = (MSB − MSW)/MSB, the reliability of
 * a group's mean (Spearman-Brown of ICC(1) at k₀).
 */
export function iccOneWay(groups: GroupSummary[]): { icc1: number; icck: number; k0: number } {
  const g = groups.filter((x) => x.n > 0);
  const N = g.reduce((a, x) => a + x.n, 0);
  if (g.length < 2 || N - g.length < 1) return { icc1: NaN, icck: NaN, k0: NaN };
  const grand = g.reduce((a, x) => a + x.n * x.mean, 0) / N;
  const msb = g.reduce((a, x) => a + x.n * (x.mean - grand) ** 2, 0) / (g.length - 1);
  const msw = g.reduce((a, x) => a + x.ssw, 0) / (N - g.length);
  const k0 = (N - g.reduce((a, x) => a + x.n * x.n, 0) / N) / (g.length - 1);
  return { icc1: (msb - msw) / (msb + (k0 - 1) * msw), icck: msb > 0 ? (msb - msw) / msb : NaN, k0 };
}
