// Instrument reliability per year and dimension: Cronbach's alpha and McDonald's omega with
// percentile-bootstrap intervals, corrected item-total correlations, item non-response.
// Computed on up to SAMPLE responses per year (chosen by a hash of the response id, so that reruns give the same numbers) with all items of the
// dimension answered; suspicious responses (weight < 1) are left out, and alpha with them is
// reported beside it, so that straight-lining that inflates alpha shows.
import type { Db } from "../lib/db.ts";
import type { Policy } from "../lib/policy.ts";
import { bootstrap, covariance, cronbachAlpha, mcdonaldOmega, pearson } from "./stats.ts";

const SAMPLE = 5000;
const RELIABLE = 0.7;

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

export async function reliability(db: Db, policy: Policy): Promise<{ dims: ReliabilityRow[]; items: ItemRow[] }> {
  // Evaluations without a project file or dates have no year: they form one group of their own.
  const years = (await db.all<{ year: number | null }>(`SELECT DISTINCT year FROM response_scores ORDER BY 1 NULLS LAST`)).map((r) => (r.year === null ? null : Number(r.year)));
  const dims: ReliabilityRow[] = [];
  const items: ItemRow[] = [];
  const itemSummary = await db.all<{ year: number; item_id: string; dimension: string; mean: number; sd: number; nonresponse: number }>(
    `WITH n AS (SELECT year, count(*) AS n FROM response_scores GROUP BY ALL)
     SELECT r.year, a.item_id, coalesce(i.dimension, 'overall') AS dimension,
            avg(a.value) AS mean, stddev_samp(a.value) AS sd, 1 - count(*) / any_value(n.n) AS nonresponse
     FROM evaluation_answers a JOIN response_scores r USING (response_id) JOIN n ON n.year IS NOT DISTINCT FROM r.year
     LEFT JOIN instrument i ON lower(i.item_id) = a.item_id
     GROUP BY ALL ORDER BY 1, 2`,
  );
  for (const year of years) {
    const rows = await db.all<{ response_id: string; weight: number; item_id: string; dimension: string; v: number }>(
      `WITH s AS (
         -- A sample by hash of the id, not DuckDB's reservoir: the same rows in the same order whatever the threads do.
         SELECT response_id, weight FROM response_scores WHERE year IS NOT DISTINCT FROM $year
         ORDER BY hash(response_id), response_id LIMIT ${SAMPLE}
       )
       SELECT s.response_id, s.weight, a.item_id, coalesce(i.dimension, 'overall') AS dimension,
              CASE WHEN coalesce(i.reverse, false)
                   THEN coalesce(i.scale_min, $lo) + coalesce(i.scale_max, $hi) - a.value ELSE a.value END AS v
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
      const omega = omegaOf(clean);
      const [aLo, aHi] = bootstrap(clean, alphaOf, 200, 0.95, year ?? 0);
      const [oLo, oHi] = bootstrap(clean, omegaOf, 100, 0.95, (year ?? 0) + 1);
      const alphaAll = alphaOf(all);
      const warnings: string[] = [];
      if (alpha < RELIABLE) warnings.push(`unreliable: alpha ${alpha.toFixed(2)} < ${RELIABLE}`);
      if (alphaAll - alpha > 0.01) warnings.push(`straight-lining inflates alpha (${alpha.toFixed(2)} → ${alphaAll.toFixed(2)} with suspicious responses)`);
      dims.push({ year, dimension, n_items: itemIds.length, n_responses: clean.length, alpha, alpha_low: aLo, alpha_high: aHi, omega, omega_low: oLo, omega_high: oHi, alpha_with_suspicious: alphaAll, warning: warnings.join("; ") });
    }
  }
  return { dims, items };
}
