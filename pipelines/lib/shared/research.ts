// Small statistics of the research notebooks, computed when the site is built (publish/entities/
// projects.ts) and shipped with the other shared modules; tested in test/notebooks.
import { solve, tQuantile } from "./stats.js";

/** Mean with a 95 % interval: mean ± t(0.975, n − 1) · s / √n. */
export function meanInterval(values: (number | null | undefined)[]): { n: number; mean: number | null; low: number | null; high: number | null } {
  const v = values.filter((x): x is number => typeof x === "number" && Number.isFinite(x));
  const n = v.length;
  if (n < 2) return { n, mean: n ? v[0]! : null, low: null, high: null };
  const mean = v.reduce((a, x) => a + x, 0) / n;
  const sd = Math.sqrt(v.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  const half = tQuantile(0.975, n - 1) * (sd / Math.sqrt(n));
  return { n, mean, low: mean - half, high: mean + half };
}

/** Least squares on standardised predictors: β = change in y (its own units) per SD of each predictor. */
export function standardisedOls(rows: Record<string, unknown>[], y: string, predictors: string[]) {
  const complete = rows.filter((r) => [y, ...predictors].every((k) => typeof r[k] === "number" && Number.isFinite(r[k] as number)));
  const n = complete.length;
  const stats = predictors.map((p) => {
    const v = complete.map((r) => r[p] as number);
    const m = v.reduce((a, x) => a + x, 0) / n;
    const s = Math.sqrt(v.reduce((a, x) => a + (x - m) ** 2, 0) / (n - 1)) || 1;
    return { m, s };
  });
  const X = complete.map((r) => [1, ...predictors.map((p, j) => ((r[p] as number) - stats[j]!.m) / stats[j]!.s)]);
  const Y = complete.map((r) => r[y] as number);
  const k = predictors.length + 1;
  const XtX = Array.from({ length: k }, (_, a) => Array.from({ length: k }, (_, b) => X.reduce((acc, row) => acc + row[a]! * row[b]!, 0)));
  const XtY = Array.from({ length: k }, (_, a) => X.reduce((acc, row, i) => acc + row[a]! * Y[i]!, 0));
  const beta = solve(XtX, XtY);
  const fitted = X.map((row) => row.reduce((a, x, j) => a + x * beta[j]!, 0));
  const my = Y.reduce((a, x) => a + x, 0) / n;
  const ssTot = Y.reduce((a, x) => a + (x - my) ** 2, 0);
  const ssRes = Y.reduce((a, x, i) => a + (x - fitted[i]!) ** 2, 0);
  return { n, intercept: beta[0]!, coefficients: predictors.map((name, j) => ({ name, beta: beta[j + 1]! })), r2: ssTot > 0 ? 1 - ssRes / ssTot : NaN };
}
