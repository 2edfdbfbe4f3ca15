// The analytics step of `guopei run`: reads the core tables, writes the analytic tables.
import type { Db } from "../lib/db.ts";
import { info } from "../lib/log.ts";
import type { Policy } from "../lib/policy.ts";
import { runSqlFile } from "../lib/sql.ts";
import { cols, writeTable } from "../lib/table.ts";
import { rankInstitutions } from "./institutions.ts";
import { projectIcc, reliability } from "./reliability.ts";
import { earlyWarning, hoursCompliance, type WarningReport } from "../warnings/warnings.ts";
import { fitCaseMix, loadEvidence, scoreProjects, writeProjectScores } from "./scores.ts";

export interface AnalysisNotes {
  seconds: Record<string, number>;
  warning: WarningReport;
  case_mix: { applied: boolean; note: string; coefficients: Record<string, number> };
  /** Personal data scrubbed from the comments that public pages and extracts may use. */
  comments_scrubbed: Record<string, number>;
  notes: string[];
}

export async function analyse(db: Db, policy: Policy): Promise<AnalysisNotes> {
  const notes: string[] = [];
  const seconds: Record<string, number> = {};
  let t0 = performance.now();
  const lap = (name: string) => {
    seconds[name] = Math.round(performance.now() - t0) / 1000;
    t0 = performance.now();
  };
  const evidence = await loadEvidence(db, policy);
  const mix = fitCaseMix(evidence);
  info(`  case mix: ${mix.note}`);
  const scores = scoreProjects(evidence, policy, mix);
  await writeProjectScores(db, scores);
  if (!evidence.some((e) => e.n_responses > 0)) notes.push("no evaluation responses: project scores rest on the other evidence, tiers are insufficient_data");

  // Comments are personal data until scrubbed: everything public reads comments_public.
  await runSqlFile(db, "analytics", "comments_public", { min_group: policy.min_group_comments });
  const [scrub] = await db.all<Record<string, bigint | null>>(
    `SELECT count(*) AS comments, sum(n_id_card) AS id_card, sum(n_phone) AS phone, sum(n_email) AS email, sum(n_qq) AS qq, sum(n_wechat) AS wechat, sum(n_name) AS name FROM comments_public`,
  );
  const commentsScrubbed = Object.fromEntries(Object.entries(scrub ?? {}).map(([k, v]) => [k, Number(v ?? 0)]));
  lap("project_scores");
  const ranked = rankInstitutions(scores, policy);
  if (ranked.length === 0) notes.push("institution ranking skipped: no project with an institution and enough responses");
  await writeTable(
    db,
    "institution_scores",
    cols({
      year: "BIGINT", institution_id: "VARCHAR", n_projects: "BIGINT", n_projects_scored: "BIGINT", n_responses: "BIGINT", score: "DOUBLE", ci_low: "DOUBLE", ci_high: "DOUBLE",
      rank: "BIGINT", rank_low: "DOUBLE", rank_high: "DOUBLE", tier: "VARCHAR", recommendation: "VARCHAR",
      raw_score: "DOUBLE", adjusted_score: "DOUBLE", shrunk_score: "DOUBLE", se: "DOUBLE", posterior_sd: "DOUBLE", shrink_weight: "DOUBLE",
      rank_raw: "BIGINT", rank_adjusted: "BIGINT", p_excellent: "DOUBLE", p_qualified: "DOUBLE",
      class_score: "DOUBLE", class_ci_low: "DOUBLE", class_ci_high: "DOUBLE", sigma2_projects: "DOUBLE", tau2_institutions: "DOUBLE", reasons: "VARCHAR",
      rank_sim_low: "DOUBLE", rank_sim_high: "DOUBLE",
      multi_year_score: "DOUBLE", multi_year_ci_low: "DOUBLE", multi_year_ci_high: "DOUBLE", multi_year_years: "BIGINT",
    }),
    ranked.map((r) => [
      r.year, r.institution_id, r.n_projects, r.n_projects_scored, r.n_responses, r.score, r.ciLow, r.ciHigh, r.rank, r.rankLow, r.rankHigh, r.tier, r.recommendation,
      r.raw, r.adjusted, r.score, r.se, r.postSd, r.shrinkWeight, r.rankRaw, r.rankAdjusted, r.pExcellent, r.pQualified,
      r.classScore, r.classCiLow, r.classCiHigh, r.sigma2, r.tau2, r.reasons, r.rankSimLow, r.rankSimHigh,
      r.multiYearScore, r.multiYearCiLow, r.multiYearCiHigh, r.multiYearYears,
    ]),
  );

  lap("institution_rankings");
  await runSqlFile(db, "analytics", "county_performance", {
    trainer_team_min: policy.county.trainer_team_min,
    studio_share_min: policy.county.studio_share_min,
    budget_share_min: policy.county.budget_share_min,
    w_indicators: policy.county.weights.indicators,
    w_outcomes: policy.county.weights.outcomes,
    coverage_target: policy.county_coverage_target,
    cycle_hours: policy.hours.cycle_hours,
    cycle_years: policy.hours.cycle_years,
    excellent: policy.county.excellent,
    qualified: policy.county.qualified,
    support_excellent: policy.county.support_cny.excellent,
    support_qualified: policy.county.support_cny.qualified,
    support_unqualified: policy.county.support_cny.unqualified,
  });

  lap("county_performance");
  const rel = await reliability(db, policy);
  await writeTable(
    db,
    "reliability",
    cols({ year: "BIGINT", dimension: "VARCHAR", n_items: "BIGINT", n_responses: "BIGINT", alpha: "DOUBLE", alpha_low: "DOUBLE", alpha_high: "DOUBLE", omega: "DOUBLE", omega_low: "DOUBLE", omega_high: "DOUBLE", alpha_with_suspicious: "DOUBLE", warning: "VARCHAR" }),
    rel.dims.map((d) => [d.year, d.dimension, d.n_items, d.n_responses, d.alpha, d.alpha_low, d.alpha_high, d.omega, d.omega_low, d.omega_high, d.alpha_with_suspicious, d.warning]),
  );
  await writeTable(
    db,
    "item_stats",
    cols({ year: "BIGINT", item_id: "VARCHAR", dimension: "VARCHAR", mean: "DOUBLE", sd: "DOUBLE", nonresponse: "DOUBLE", item_total_r: "DOUBLE" }),
    rel.items.map((i) => [i.year, i.item_id, i.dimension, i.mean, i.sd, i.nonresponse, i.item_total_r]),
  );
  const icc = await projectIcc(db, policy);
  await writeTable(
    db,
    "project_icc",
    cols({ year: "BIGINT", n_projects: "BIGINT", k0: "DOUBLE", icc1: "DOUBLE", icc1_low: "DOUBLE", icc1_high: "DOUBLE", icck: "DOUBLE", icck_low: "DOUBLE", icck_high: "DOUBLE" }),
    icc.map((r) => [r.year, r.n_projects, r.k0, r.icc1, r.icc1_low, r.icc1_high, r.icck, r.icck_low, r.icck_high]),
  );
  lap("reliability");
  const warning = await earlyWarning(db, policy);
  await hoursCompliance(db, policy, Number(warning.as_of.slice(0, 4)));
  lap("early_warning");
  return {
    seconds,
    warning,
    comments_scrubbed: commentsScrubbed,
    case_mix: { applied: mix.applied, note: mix.note, coefficients: Object.fromEntries(mix.terms.map((t, i) => [t, Math.round(mix.coef[i]! * 100) / 100])) },
    notes,
  };
}
