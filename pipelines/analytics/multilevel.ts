// The institution model. A project's score y_p is one class of its institution i:
//   y_p = θᵢ + u_p + e_p,   u_p ~ N(0, σ²) class-to-class variation, e_p ~ N(0, s_p²) sampling error,
//   θᵢ ~ N(μ, τ²) across institutions.
// The estimand for retention is θᵢ, the institution's lasting quality, of which each class is one
// draw: an institution seen through one class carries σ² in full and is shrunk more.

export interface ProjectObs {
  y: number;
  se: number;
}

/**
 * σ² by the method of moments over institutions with two or more projects: with the plain mean ȳᵢ,
 * E Σ_p (y_p − ȳᵢ)² = (kᵢ − 1) σ² + (1 − 1/kᵢ) Σ_p s_p², so
 * σ̂² = max(0, [Σᵢ SSᵢ − Σᵢ (1 − 1/kᵢ) Σ_p s_p²] / Σᵢ (kᵢ − 1)). NaN when no institution has two projects.
 */
export function betweenProjectVariance(groups: ProjectObs[][]): number {
  let ss = 0;
  let sampling = 0;
  let df = 0;
  for (const g of groups) {
    const k = g.length;
    if (k < 2) continue;
    const mean = g.reduce((a, p) => a + p.y, 0) / k;
    ss += g.reduce((a, p) => a + (p.y - mean) ** 2, 0);
    sampling += (1 - 1 / k) * g.reduce((a, p) => a + p.se ** 2, 0);
    df += k - 1;
  }
  return df > 0 ? Math.max(0, (ss - sampling) / df) : NaN;
}

/** θᵢ's estimate from its projects: precision-weighted mean, weights 1/(σ² + s_p²); variance 1/Σ weights. */
export function lastingQuality(projects: ProjectObs[], sigma2: number): { mean: number; variance: number } {
  const w = projects.map((p) => 1 / (sigma2 + p.se ** 2));
  const sw = w.reduce((a, x) => a + x, 0);
  return { mean: projects.reduce((a, p, i) => a + w[i]! * p.y, 0) / sw, variance: 1 / sw };
}

/** This year's classes as they were (no σ²): mean weighted by responses, variance from sampling alone. */
export function classMean(projects: (ProjectObs & { n: number })[]): { mean: number; variance: number } {
  const W = projects.reduce((a, p) => a + p.n, 0);
  return {
    mean: projects.reduce((a, p) => a + p.n * p.y, 0) / W,
    variance: projects.reduce((a, p) => a + (p.n / W) ** 2 * p.se ** 2, 0),
  };
}

/**
 * Several years of one institution pooled, EVAAS-style: each year's estimate weighted by its
 * precision times discount^(age), over the last `window` years up to `current`. A discount of 1 is
 * plain precision pooling; 0 is the current year alone.
 */
export function discountedPool(years: { year: number; mean: number; variance: number }[], current: number, discount: number, window: number): { mean: number; variance: number; years: number } | null {
  const used = years.filter((y) => y.year <= current && y.year > current - window && y.variance > 0);
  if (!used.length) return null;
  const w = used.map((y) => discount ** (current - y.year) / y.variance);
  const sw = w.reduce((a, x) => a + x, 0);
  return { mean: used.reduce((a, y, i) => a + w[i]! * y.mean, 0) / sw, variance: 1 / sw, years: used.length };
}
