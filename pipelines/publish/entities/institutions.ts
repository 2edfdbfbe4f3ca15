// Institutions: rankings with intervals and rank ranges, the sensitivity of the rank to case-mix
// adjustment and shrinkage, dimension profiles, and the Institutions page's rows (an institution
// below the policy's minimum of responses shows no score).
import { blankSmall } from "../privacy.ts";
import { r, select, type Entity } from "../entity.ts";

// Dimension profiles (models/dimension_scores.sql): the province and each institution with at least
// the policy's minimum of responses.
export const DIMENSION_SCORES = `SELECT year, institution_id, dimension, n_responses, score, percentile FROM dimension_scores ORDER BY year, institution_id NULLS FIRST, dimension`;

export const institutions: Entity = {
  csv: {
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
           ${r("raw_score")}, ${r("adjusted_score")}, ${r("shrunk_score")},
           rank_adjusted - rank_raw AS move_adjustment, rank - rank_adjusted AS move_shrinkage
    FROM institution_scores ORDER BY year, rank`,
    "dimension_scores.csv": DIMENSION_SCORES,
  },
  async site({ db, policy }) {
    const rows = await select(
      db,
      `SELECT s.year, s.institution_id, i.name, i.type, s.n_projects, s.n_responses, ${r("s.score")}, ${r("s.ci_low")}, ${r("s.ci_high")}, s.rank,
              round(s.rank_low, 1) AS rank_low, round(s.rank_high, 1) AS rank_high, round(s.rank_sim_low, 1) AS rank_sim_low, round(s.rank_sim_high, 1) AS rank_sim_high,
              s.tier, s.recommendation, ${r("s.raw_score")}, ${r("s.adjusted_score")}, s.rank_raw, s.rank_adjusted, ${r("s.shrink_weight", 3)}, s.n_projects_scored, ${r("s.class_score")}, s.reasons,
              ${r("s.multi_year_score")}, s.multi_year_years
       FROM institution_scores s LEFT JOIN institutions i USING (institution_id) ORDER BY s.year, s.rank NULLS LAST, s.institution_id`,
      policy,
    );
    // The kinds of project each institution ran each year, for the page's filters: a few rows per
    // institution instead of every project.
    const kinds = await select(
      db,
      `SELECT DISTINCT year, institution_id, program, mode, stage FROM project_scores WHERE year IS NOT NULL AND institution_id IS NOT NULL ORDER BY ALL`,
      policy,
    );
    return {
      "institution-kinds.json": kinds,
      "institutions.json": blankSmall(rows, "n_responses", ["score", "ci_low", "ci_high", "raw_score", "adjusted_score", "class_score", "multi_year_score"], policy.min_group_public),
    };
  },
};
