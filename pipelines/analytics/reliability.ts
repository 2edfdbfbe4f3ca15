// Instrument reliability per year and dimension: Cronbach's alpha and McDonald's omega with
// percentile-bootstrap intervals, corrected item-total correlations, item non-response.
// Computed on up to SAMPLE responses per year (chosen by a hash of the response id, so that reruns give the same numbers) with all items of the
// dimension answered; suspicious responses (weight < 1) are left out, and alpha with them is
// reported beside it, so that straight-lining that inflates alpha shows.
import { ident, literal, type Db } from "../lib/db.ts";
import type { Policy } from "../lib/policy.ts";
import { itemTerms } from "./answers.ts";
import { bootstrap, bootstrapCovariance, covariance, cronbachAlpha, iccOneWay, mcdonaldOmega, pearson, type GroupSummary } from "../lib/shared/stats.ts";

const SAMPLE = 5000;

export interface ReliabilityRow {
  year: number | null;
  dimension: string;
  n_items: number;
  n_responses: number;
  alpha: number;
  alpha_low: number;
  alpha_high: number;
  omega: number;
  omega_low: number;
  omega_high: number;
  alpha_with_suspicious: number;
  warning: string;
}

export interface ItemRow {
  year: number | null;
  item_id: string;
  dimension: string;
  mean: number;
  sd: number;
  nonresponse: number;
  item_total_r: number;
}

export interface IccRow {
  year: number | null;
  n_projects: number;
  k0: number;
  icc1: number;
  icc1_low: number;
  icc1_high: number;
  icck: number;
  icck_low: number;
  icck_high: number;
}

/**
 * How reliable a project's mean evaluation is: ICC(1) and ICC(k) of the (integrity-weighted-in)
 * response scores within projects, per year, with a percentile bootstrap that resamples whole
 * projects (responses of one class are not independent). Projects below the minimum are left out.
 */
export async function projectIcc(db: Db, policy: Policy): Promise<IccRow[]> {
  const rows = await db.all<{ year: number | null; n: bigint; mean: number; ssw: number }>(
    `SELECT year, count(*) AS n, avg(score) AS mean, sum(score * score) - count(*) * avg(score) * avg(score) AS ssw
     FROM response_scores WHERE weight > 0 AND score IS NOT NULL
     GROUP BY year, project_id HAVING count(*) >= $min
     ORDER BY year NULLS LAST, project_id`,
    { min: policy.min_responses },
  );
  return iccByYear(rows);
}

/**
 * ICC rows per year from each project's summary (responses n, mean, within sum of squares ssw), in
 * the order of year then project id: what projectIcc reads from the warehouse, and what the
 * national roll-up (scale/rollup.ts) sums from each province's partial statistics.
 */
export function iccByYear(rows: { year: number | null; n: bigint | number; mean: number; ssw: number }[]): IccRow[] {
  const years = [...new Set(rows.map((r) => (r.year === null ? null : Number(r.year))))];
  return years.flatMap((year) => {
    const groups: GroupSummary[] = rows.filter((r) => (r.year === null ? null : Number(r.year)) === year).map((r) => ({ n: Number(r.n), mean: Number(r.mean), ssw: Math.max(0, Number(r.ssw)) }));
    if (groups.length < 3) return [];
    const est = iccOneWay(groups);
    const [l1, h1] = bootstrap(groups, (g) => iccOneWay(g).icc1, 200, 0.95, (year ?? 0) + 7);
    const [lk, hk] = bootstrap(groups, (g) => iccOneWay(g).icck, 200, 0.95, (year ?? 0) + 7);
    return [{ year, n_projects: groups.length, k0: est.k0, icc1: est.icc1, icc1_low: l1, icc1_high: h1, icck: est.icck, icck_low: lk, icck_high: hk }];
  });
}

export async function reliability(db: Db, policy: Policy): Promise<{ dims: ReliabilityRow[]; items: ItemRow[] }> {
  // Evaluations without a project file or dates have no year: they form one group of their own.
  const years = (await db.all<{ year: number | null }>(`SELECT DISTINCT year FROM response_scores ORDER BY 1 NULLS LAST`)).map((r) => (r.year === null ? null : Number(r.year)));
  const dims: ReliabilityRow[] = [];
  const items: ItemRow[] = [];
  // Each item's mean, SD and non-response per year, read across the responses' rows (one aggregate
  // per item column over 2 M rows nationally, not 40 M answers grouped by year and item).
  const columns = [...new Set((await itemTerms(db, policy)).map((t) => t.column))];
  const itemSummary = columns.length
    ? await db.all<{ year: number; item_id: string; mean: number; sd: number; nonresponse: number }>(
        `WITH n AS (SELECT year, count(*) AS n FROM response_scores GROUP BY ALL),
         y AS (
           SELECT r.year, [${columns.map((c) => `{'item_id': ${literal(c)}, 'mean': avg(e.${ident(c)}), 'sd': stddev_samp(e.${ident(c)}), 'nonresponse': 1 - count(e.${ident(c)}) / any_value(n.n), 'answered': count(e.${ident(c)})}`).join(", ")}] AS items
           FROM evaluations e JOIN response_scores r USING (response_id) JOIN n ON n.year IS NOT DISTINCT FROM r.year
           GROUP BY r.year)
         SELECT year, item_id, mean, sd, nonresponse FROM (SELECT year, unnest(items, recursive := true) FROM y)
         WHERE answered > 0 ORDER BY 1, 2`,
      )
    : [];
  for (const year of years) {
    const rows = await db.all<{ response_id: string; weight: number; item_id: string; dimension: string; v: number }>(
      `WITH s AS (
         -- A sample by hash of the id, not DuckDB's reservoir: the same rows in the same order whatever the threads do.
         SELECT response_id, weight FROM response_scores WHERE year IS NOT DISTINCT FROM $year
         ORDER BY hash(response_id), response_id LIMIT ${SAMPLE}
       )
       SELECT s.response_id, s.weight, a.item_id, coalesce(i.dimension, 'overall') AS dimension,
              reverse_coded(a.value, coalesce(i.scale_min, $lo), coalesce(i.scale_max, $hi), coalesce(i.reverse, false)) AS v
       FROM s JOIN evaluation_answers a USING (response_id)
       LEFT JOIN instrument i ON lower(i.item_id) = a.item_id
       ORDER BY s.response_id, a.item_id`,
      { year, lo: policy.likert.min, hi: policy.likert.max },
    );
    const byDim = new Map<string, Map<string, { weight: number; values: Map<string, number> }>>();
    for (const r of rows) {
      const d = byDim.get(r.dimension) ?? new Map();
      const resp = d.get(r.response_id) ?? { weight: Number(r.weight), values: new Map<string, number>() };
      resp.values.set(r.item_id, Number(r.v));
      d.set(r.response_id, resp);
      byDim.set(r.dimension, d);
    }
    for (const [dimension, responses] of [...byDim.entries()].sort()) {
      const itemIds = [...new Set([...responses.values()].flatMap((r) => [...r.values.keys()]))].sort();
      const complete = [...responses.values()].filter((r) => itemIds.every((i) => r.values.has(i)));
      const matrix = (rs: typeof complete) => rs.map((r) => itemIds.map((i) => r.values.get(i)!));
      const clean = matrix(complete.filter((r) => r.weight >= 1));
      const all = matrix(complete);
      for (const [j, item] of itemIds.entries()) {
        const rest = clean.map((row) => row.reduce((a, x, k) => (k === j ? a : a + x), 0));
        const s = itemSummary.find((x) => (x.year === null ? null : Number(x.year)) === year && x.item_id === item);
        items.push({
          year,
          item_id: item,
          dimension,
          mean: Number(s?.mean),
          sd: Number(s?.sd),
          nonresponse: Number(s?.nonresponse),
          item_total_r: itemIds.length >= 2 && clean.length > 2 ? pearson(clean.map((r) => r[j]!), rest) : NaN,
        });
      }
      if (itemIds.length < 2 || clean.length < 10) continue;
      const alphaOf = (m: number[][]) => cronbachAlpha(covariance(m));
      const omegaOf = (m: number[][]) => mcdonaldOmega(covariance(m));
      const alpha = alphaOf(clean);
      // ω needs a factor to be identified: three items at least.
      const hasOmega = itemIds.length >= 3;
      const omega = hasOmega ? omegaOf(clean) : NaN;
      const [aLo, aHi] = bootstrapCovariance(clean, cronbachAlpha, 200, 0.95, year ?? 0);
      const [oLo, oHi] = hasOmega ? bootstrapCovariance(clean, mcdonaldOmega, 100, 0.95, (year ?? 0) + 1) : [NaN, NaN];
      const alphaAll = alphaOf(all);
      const warnings: string[] = [];
      const { alpha_min: floor, straight_lining_shift: shift } = policy.reliability;
      if (alpha < floor) warnings.push(`unreliable: alpha ${alpha.toFixed(2)} < ${floor}`);
      // Suspicious responses moving alpha by more than the stated shift, either way, is worth a look.
      if (alphaAll - alpha > shift) warnings.push(`straight-lining inflates alpha (${alpha.toFixed(2)} → ${alphaAll.toFixed(2)} with suspicious responses)`);
      if (alpha - alphaAll > shift) warnings.push(`suspicious responses deflate alpha (${alpha.toFixed(2)} → ${alphaAll.toFixed(2)} with them)`);
      dims.push({
        year, dimension, n_items: itemIds.length, n_responses: clean.length, alpha, alpha_low: aLo, alpha_high: aHi,
        omega, omega_low: oLo, omega_high: oHi,
        alpha_with_suspicious: alphaAll, warning: warnings.join("; "),
      });
    }
  }
  return { dims, items };
}
