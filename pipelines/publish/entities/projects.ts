// Projects: each project's tier and score with its interval and evidence (project_scores), the
// norms of its peer groups, and the Projects page's rows (a project below the policy's minimum of
// responses shows no figure of its own).
import { blankSmall } from "../privacy.ts";
import { r, select, type Entity } from "../entity.ts";

/** Score percentiles by year, programme and category, among projects with a tier. */
export const NORMS = `
    SELECT year, coalesce(program, '') AS program, coalesce(category, '') AS category, count(*) AS n_projects,
           round(quantile_cont(score, 0.1), 2) AS p10, round(quantile_cont(score, 0.25), 2) AS p25, round(quantile_cont(score, 0.5), 2) AS p50,
           round(quantile_cont(score, 0.75), 2) AS p75, round(quantile_cont(score, 0.9), 2) AS p90, $policy_version AS policy_version
    FROM project_scores WHERE tier <> 'insufficient_data'
    GROUP BY GROUPING SETS ((year), (year, program), (year, program, category))
    ORDER BY year, program, category`;

/** The fields of a project's own figures, blanked on the page below the minimum of responses. */
const PER_PROJECT = ["response_rate", "score", "shrunk_score", "ci_low", "ci_high", "tier", "recommendation", "eval_raw", "eval_adjusted", "expert_score", "attendance_score", "followup_score", "evidence_used", "reasons", "peer_percentile", "peer_n"];

export const projects: Entity = {
  csv: {
    "project_tiers.csv": `
    SELECT year, project_id, institution_id, n_responses, ${r("response_rate", 3)}, ${r("score")}, ${r("ci_low")}, ${r("ci_high")},
           tier, recommendation, ${r("p_excellent", 3)}, ${r("p_qualified", 3)},
           ${r("eval_raw")}, ${r("eval_adjusted")}, ${r("case_mix_adjustment")}, ${r("expert_score")}, ${r("attendance_score")}, ${r("followup_score")},
           n_used, n_excluded, evidence_used, evidence_missing, reasons, warnings,
           county_code, program, category, mode, stage, ${r("shrunk_score")}, evidence_imputed
    FROM project_scores ORDER BY year, project_id`,
    "norms.csv": NORMS,
  },
  async site({ db, policy }) {
    const minN = policy.min_group_public;
    // Percentile in the project's peer group (year, programme, category), among projects with a tier.
    const peer = `PARTITION BY ps.year, ps.program, ps.category, ps.tier <> 'insufficient_data' AND ps.n_responses >= ${minN}`;
    const rows = await select(
      db,
      `SELECT ps.year, ps.project_id, pr.name, ps.institution_id, i.name AS institution, ps.program, ps.category, ps.mode, ps.stage, ps.county_code,
              ps.n_responses, ${r("ps.response_rate", 3)}, ${r("ps.score")}, ${r("ps.ci_low")}, ${r("ps.ci_high")},
              ps.tier, ps.recommendation, ${r("ps.eval_raw")}, ${r("ps.eval_adjusted")}, ${r("ps.expert_score")},
              ${r("ps.attendance_score")}, ${r("ps.followup_score")}, ps.evidence_used, ps.reasons, ${r("ps.shrunk_score")},
              CASE WHEN ps.tier <> 'insufficient_data' AND ps.n_responses >= ${minN} THEN round(100 * percent_rank() OVER (${peer} ORDER BY ps.score)) END AS peer_percentile,
              CASE WHEN ps.tier <> 'insufficient_data' AND ps.n_responses >= ${minN} THEN count(*) OVER (${peer}) END AS peer_n
       FROM project_scores ps LEFT JOIN projects pr USING (project_id) LEFT JOIN institutions i ON i.institution_id = ps.institution_id
       ORDER BY ps.year, ps.shrunk_score DESC NULLS LAST, ps.project_id`,
      policy,
    );
    return { "projects.json": blankSmall(rows, "n_responses", PER_PROJECT, minN) };
  },
};
