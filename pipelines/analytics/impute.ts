// Comparable composites: a project's missing evidence part (no expert review, no follow-up yet) is
// predicted rather than left out, so that the parts it has are not re-weighted to fill the gap.
// Model, per part and year: value = a + b · evaluation + u_institution + ε, fitted by least squares
// on the projects that have both; u is the mean residual of the institution's projects that have
// the part that year, shrunk by m/(m + 2) (m of them; the 2 is the project's own choice). The
// prediction carries its error: SE² = s²_ε (1 + 1/n + (x − x̄)²/Sxx).

export interface PartObs {
  year: number | null;
  institution: string | null;
  /** The project's (case-mix adjusted) evaluation score, the evidence every scored project has. */
  base: number;
  /** The part's value, or null where it is missing. */
  value: number | null;
}

export interface Prediction {
  value: number;
  se: number;
}

const MIN_FIT = 10;
const INSTITUTION_PRIOR = 2;

interface Fit {
  a: number;
  b: number;
  s2: number;
  n: number;
  meanX: number;
  sxx: number;
}

function fit(rows: PartObs[]): Fit | null {
  const xs = rows.filter((r) => r.value !== null);
  const n = xs.length;
  if (n < MIN_FIT) return null;
  const meanX = xs.reduce((a, r) => a + r.base, 0) / n;
  const meanY = xs.reduce((a, r) => a + r.value!, 0) / n;
  const sxx = xs.reduce((a, r) => a + (r.base - meanX) ** 2, 0);
  const sxy = xs.reduce((a, r) => a + (r.base - meanX) * (r.value! - meanY), 0);
  const b = sxx > 0 ? sxy / sxx : 0;
  const a = meanY - b * meanX;
  const s2 = xs.reduce((acc, r) => acc + (r.value! - a - b * r.base) ** 2, 0) / Math.max(n - 2, 1);
  return { a, b, s2, n, meanX, sxx };
}

/** A predictor of one part for the projects of `rows` (one fit per year; all years where a year has too few). */
export function partImputer(rows: PartObs[]): (o: PartObs) => Prediction | null {
  const all = fit(rows);
  const byYearRows = new Map<string, PartObs[]>();
  for (const r of rows) {
    const list = byYearRows.get(String(r.year)) ?? [];
    list.push(r);
    byYearRows.set(String(r.year), list);
  }
  const byYear = new Map<string, Fit | null>([...byYearRows].map(([y, rs]) => [y, fit(rs)]));
  // Residuals summed per institution and year once (not per prediction: 30,000 projects nationally).
  const resid = new Map<string, { sum: number; m: number }>();
  for (const r of rows) {
    const f = byYear.get(String(r.year)) ?? all;
    if (!f || r.value === null || r.institution === null) continue;
    const k = `${r.year}|${r.institution}`;
    const acc = resid.get(k) ?? { sum: 0, m: 0 };
    acc.sum += r.value - f.a - f.b * r.base;
    acc.m++;
    resid.set(k, acc);
  }
  return (o) => {
    const f = byYear.get(String(o.year)) ?? all;
    if (!f) return null;
    const acc = o.institution === null ? undefined : resid.get(`${o.year}|${o.institution}`);
    const m = acc?.m ?? 0;
    const u = m ? (m / (m + INSTITUTION_PRIOR)) * (acc!.sum / m) : 0;
    const value = Math.min(100, Math.max(0, f.a + f.b * o.base + u));
    const se = Math.sqrt(f.s2 * (1 + 1 / f.n + (f.sxx > 0 ? (o.base - f.meanX) ** 2 / f.sxx : 0)));
    return { value, se };
  };
}
