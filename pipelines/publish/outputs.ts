// The contract's output files, each one SELECT over the analytic tables: same columns every run,
// one row per entity and year, text cells defused against spreadsheet formulas (by copyCsv).
import path from "node:path";
import type { Db } from "../lib/db.ts";
import type { Policy } from "../lib/policy.ts";
import { copyCsv } from "./copy.ts";

// Rounded for publication in two steps: first to 9 places, where two runs of the same data agree
// (sums computed in parallel differ in the last bits), so that a value exactly on a half (79.875)
// does not round up in one run and down in the next.
export const r = (col: string, digits = 2) => `round(round(${col}, 9), ${digits}) AS ${col.split(".").pop()}`;

export const OUTPUTS: Record<string, string> = {
  "project_tiers.csv": `
    SELECT year, project_id, institution_id, n_responses, ${r("response_rate", 3)}, ${r("score")}, ${r("ci_low")}, ${r("ci_high")},
           tier, recommendation, ${r("p_excellent", 3)}, ${r("p_qualified", 3)},
           ${r("eval_raw")}, ${r("eval_adjusted")}, ${r("case_mix_adjustment")}, ${r("expert_score")}, ${r("attendance_score")}, ${r("followup_score")},
           n_used, n_excluded, evidence_used, evidence_missing, reasons, warnings,
           county_code, program, category, mode, stage, ${r("shrunk_score")}, evidence_imputed
    FROM project_scores ORDER BY year, project_id`,
  "institution_rankings.csv": `
    SELECT s.year, s.institution_id, i.name, s.n_projects, s.n_responses, ${r("s.score")}, ${r("s.ci_low")}, ${r("s.ci_high")},
           s.rank, s.tier, s.recommendation, round(s.rank_low, 1) AS rank_low, round(s.rank_high, 1) AS rank_high,
           ${r("s.raw_score")}, ${r("s.adjusted_score")}, ${r("s.shrink_weight", 3)}, ${r("s.p_excellent", 3)}, ${r("s.p_qualified", 3)}, i.type,
           s.n_projects_scored, ${r("s.class_score")}, ${r("s.class_ci_low")}, ${r("s.class_ci_high")}, ${r("s.sigma2_projects", 3)}, ${r("s.tau2_institutions", 3)}, s.reasons,
           s.rank_sim_low, s.rank_sim_high, ${r("s.multi_year_score")}, ${r("s.multi_year_ci_low")}, ${r("s.multi_year_ci_high")}, s.multi_year_years
    FROM institution_scores s LEFT JOIN institutions i USING (institution_id)
    ORDER BY s.year, s.rank NULLS LAST, s.institution_id`,
  "institution_sensitivity.csv": `
    SELECT year, institution_id, rank_raw, rank_adjusted, rank AS rank_shrunk,
           round(raw_score, 2) AS raw_score, round(adjusted_score, 2) AS adjusted_score, round(shrunk_score, 2) AS shrunk_score,
           rank_adjusted - rank_raw AS move_adjustment, rank - rank_adjusted AS move_shrinkage
    FROM institution_scores ORDER BY year, rank`,
  "county_performance.csv": `
    SELECT year, county_code, score, grade, support_cny, name, indicators_score, outcomes_score,
           trainer_team_size, studios, backbone_trained, has_dev_center, five_year_plan, training_budget_share,
           teachers_total, teachers_trained, coverage, project_quality, hours_share,
           se, ci_low, ci_high, p_excellent, p_qualified, near_cutoff, teachers_meeting_hours
    FROM county_performance ORDER BY year, county_code`,
  "integrity_flags.csv": `SELECT year, project_id, institution_id, flag, affected_responses, share, level FROM integrity_flags ORDER BY year, project_id, flag`,
  "reliability.csv": `
    SELECT year, dimension, n_items, n_responses, ${r("alpha", 3)}, ${r("alpha_low", 3)}, ${r("alpha_high", 3)},
           ${r("omega", 3)}, ${r("omega_low", 3)}, ${r("omega_high", 3)}, ${r("alpha_with_suspicious", 3)}, warning
    FROM reliability ORDER BY year, dimension`,
  "project_icc.csv": `
    SELECT year, n_projects, ${r("k0", 1)}, ${r("icc1", 3)}, ${r("icc1_low", 3)}, ${r("icc1_high", 3)}, ${r("icck", 3)}, ${r("icck_low", 3)}, ${r("icck_high", 3)}
    FROM project_icc ORDER BY year`,
  "item_stats.csv": `SELECT year, item_id, dimension, ${r("mean", 3)}, ${r("sd", 3)}, ${r("nonresponse", 4)}, ${r("item_total_r", 3)} FROM item_stats ORDER BY year, item_id`,
  "norms.csv": `
    SELECT year, coalesce(program, '') AS program, coalesce(category, '') AS category, count(*) AS n_projects,
           round(quantile_cont(score, 0.1), 2) AS p10, round(quantile_cont(score, 0.25), 2) AS p25, round(quantile_cont(score, 0.5), 2) AS p50,
           round(quantile_cont(score, 0.75), 2) AS p75, round(quantile_cont(score, 0.9), 2) AS p90, $policy_version AS policy_version
    FROM project_scores WHERE tier <> 'insufficient_data'
    GROUP BY GROUPING SETS ((year), (year, program), (year, program, category))
    ORDER BY year, program, category`,
};

/** Teacher-level outputs: for county officers and institutions, never for the public site. */
export const RESTRICTED_OUTPUTS: Record<string, string> = {
  "teacher_warnings.csv": `
    SELECT year, project_id, teacher_id, risk, level, reasons, interventions, county_code, school_id, stage, rural, progress, as_of, method
    FROM teacher_warnings`,
  "hours_compliance.csv": `
    SELECT year, teacher_id, county_code, school_id, hours, it_hours, it_practice_hours, behind_hours, behind_it_hours, behind_it_practice_hours, meets_hours, meets_it
    FROM hours_compliance`,
};

// Hours by county in public: counties of at least the policy's minimum of teachers, and no
// province total (with it, a county left out would be the total minus the others). By school, the
// groups are small: restricted.
OUTPUTS["hours_by_county.csv"] = `
    SELECT year, county_code, count(*) AS teachers,
           round(avg(meets_hours::INT), 4) AS share_meeting_hours, round(avg(meets_it::INT), 4) AS share_meeting_it,
           round(avg(behind_hours), 1) AS mean_behind_hours
    FROM hours_compliance WHERE county_code IS NOT NULL
    GROUP BY ALL HAVING count(*) >= $min_group
    ORDER BY year, county_code`;
// The warning list per school and county office, for the people who act on it: counts by level and
// the commonest first reason (restricted: small groups).
RESTRICTED_OUTPUTS["warnings_by_school.csv"] = `
    SELECT year, coalesce(county_code, '') AS county_code, coalesce(school_id, '') AS school_id, count(*) AS trainees,
           count(*) FILTER (WHERE level = 'high') AS high, count(*) FILTER (WHERE level = 'medium') AS medium,
           mode(regexp_replace(split_part(reasons, '; ', 1), '^\\[.\\] | [0-9].*$', '', 'g')) FILTER (WHERE level <> 'low' AND reasons <> '') AS commonest_reason
    FROM teacher_warnings
    GROUP BY ALL ORDER BY year, county_code, school_id`;
RESTRICTED_OUTPUTS["hours_by_school.csv"] = `
    SELECT year, coalesce(county_code, '') AS county_code, coalesce(school_id, '') AS school_id, count(*) AS teachers,
           round(avg(meets_hours::INT), 4) AS share_meeting_hours, round(avg(meets_it::INT), 4) AS share_meeting_it,
           round(avg(behind_hours), 1) AS mean_behind_hours
    FROM hours_compliance
    GROUP BY ALL ORDER BY year, county_code, school_id`;

// Dimension profiles: each response's dimension score (items reverse-coded and rescaled 0-100, as in
// response_scores), weighted by its integrity weight; the province (institution_id empty) and each
// institution with at least the policy's minimum of responses, with its percentile among them.
OUTPUTS["dimension_scores.csv"] = `WITH item AS (
         SELECT r.year, r.institution_id, r.response_id, r.weight, coalesce(i.dimension, 'overall') AS dimension,
                avg(100.0 * ((CASE WHEN coalesce(i.reverse, false) THEN coalesce(i.scale_min, $likert_min) + coalesce(i.scale_max, $likert_max) - a.value ELSE a.value END)
                     - coalesce(i.scale_min, $likert_min)) / (coalesce(i.scale_max, $likert_max) - coalesce(i.scale_min, $likert_min))) AS v
         FROM evaluation_answers a JOIN response_scores r USING (response_id) LEFT JOIN instrument i ON lower(i.item_id) = a.item_id
         WHERE r.weight > 0 AND r.year IS NOT NULL
         GROUP BY ALL),
       g AS (
         SELECT year, institution_id, dimension, count(*) AS n_responses, sum(weight * v) / sum(weight) AS score, GROUPING(institution_id) AS province
         FROM item GROUP BY GROUPING SETS ((year, dimension), (year, institution_id, dimension))),
       -- (ranked on the score rounded to 6 places: sums in parallel differ in the last bits, and ties must stay ties)
       shown AS (SELECT * FROM g WHERE province = 1 OR (institution_id IS NOT NULL AND n_responses >= $min_group))
       SELECT year, CASE WHEN province = 1 THEN NULL ELSE institution_id END AS institution_id, dimension, n_responses, round(score, 2) AS score,
              CASE WHEN province = 0 THEN round(100 * percent_rank() OVER (PARTITION BY year, dimension, province ORDER BY round(score, 6)), 0) END AS percentile
       FROM shown
       ORDER BY year, institution_id NULLS FIRST, dimension`;

export async function publishOutputs(db: Db, dir: string, policy: Policy): Promise<string[]> {
  const written: string[] = [];
  for (const [file, sql] of Object.entries({ ...OUTPUTS, ...RESTRICTED_OUTPUTS })) {
    const params = { policy_version: policy.version, min_group: policy.min_group_public, likert_min: policy.likert.min, likert_max: policy.likert.max };
    const used = Object.fromEntries(Object.entries(params).filter(([k]) => sql.includes(`$${k}`)));
    await copyCsv(db, sql, path.join(dir, file), Object.keys(used).length ? used : undefined);
    written.push(file);
  }
  return written;
}
