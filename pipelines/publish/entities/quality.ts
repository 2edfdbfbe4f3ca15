// Data quality of the evaluations: integrity flags per project, the instrument's reliability (alpha,
// omega), how much of a score is the project's (ICC), item statistics and response rates; the
// Quality page shows them for the projects large enough to be shown.
import { r, select, type Entity } from "../entity.ts";

const RELIABILITY = `
    SELECT year, dimension, n_items, n_responses, ${r("alpha", 3)}, ${r("alpha_low", 3)}, ${r("alpha_high", 3)},
           ${r("omega", 3)}, ${r("omega_low", 3)}, ${r("omega_high", 3)}, ${r("alpha_with_suspicious", 3)}, warning
    FROM reliability ORDER BY year, dimension`;
const ICC = `
    SELECT year, n_projects, ${r("k0", 1)}, ${r("icc1", 3)}, ${r("icc1_low", 3)}, ${r("icc1_high", 3)}, ${r("icck", 3)}, ${r("icck_low", 3)}, ${r("icck_high", 3)}
    FROM project_icc ORDER BY year`;
const ITEMS = `SELECT year, item_id, dimension, ${r("mean", 3)}, ${r("sd", 3)}, ${r("nonresponse", 4)}, ${r("item_total_r", 3)} FROM item_stats ORDER BY year, item_id`;

export const quality: Entity = {
  csv: {
    "integrity_flags.csv": `SELECT year, project_id, institution_id, flag, affected_responses, share, level FROM integrity_flags ORDER BY year, project_id, flag`,
    "reliability.csv": RELIABILITY,
    "project_icc.csv": ICC,
    "item_stats.csv": ITEMS,
  },
  async site({ db, policy }) {
    const minN = policy.min_group_public;
    const q = (sql: string) => select(db, sql, policy);
    return {
      "quality.json": {
        reliability: await q(RELIABILITY),
        icc: await q(ICC),
        items: await q(ITEMS),
        flags: await q(`SELECT year, flag, level, count(DISTINCT project_id) AS projects, sum(affected_responses) AS responses FROM integrity_flags GROUP BY year, flag, level ORDER BY year, CASE level WHEN 'suspect' THEN 0 WHEN 'review' THEN 1 ELSE 2 END, flag`),
        flaggedProjects: await q(`SELECT f.year, f.project_id, f.institution_id, f.flag, f.level, f.affected_responses, f.share FROM integrity_flags f JOIN project_scores p USING (project_id)
                                  WHERE p.n_responses >= ${minN} AND f.level IN ('suspect', 'review')
                                  ORDER BY CASE f.level WHEN 'suspect' THEN 0 ELSE 1 END, f.share DESC, f.project_id, f.flag LIMIT 200`),
        responseRates: await q(`SELECT year, round(median(response_rate), 3) AS median_rate, round(quantile_cont(response_rate, 0.1), 3) AS p10_rate, count(*) FILTER (WHERE n_responses < ${policy.min_responses}) AS below_min FROM project_scores WHERE response_rate IS NOT NULL GROUP BY ALL ORDER BY year`),
      },
    };
  },
};
