import { rankInstitutions } from "../analytics/institutions.ts";
import { bound, count, probability, TIERS, year } from "./columns.ts";
import { defineModel } from "./model.ts";
import { scoredProjects } from "./project_scores.ts";

const rank = (doc: string) => ({ type: "number" as const, doc, min: 1 });

export default defineModel({
  name: "institution_scores",
  grain: "one row per institution and year",
  key: ["year", "institution_id"],
  dependsOn: ["project_scores"],
  columns: {
    year: year(),
    institution_id: { type: "text", doc: "承训机构编号 institution id", notNull: true },
    n_projects: count("项目数 projects that year", true),
    n_projects_scored: count("有得分项目 projects with enough responses", true),
    n_responses: count("问卷数 responses over its projects", true),
    score: { type: "number", doc: "得分 shrunk estimate of the institution's mean project score (multilevel)" },
    ci_low: bound("95 % 区间下限 (posterior)"),
    ci_high: bound("95 % 区间上限 (posterior)"),
    rank: { type: "integer", doc: "名次 by score (ranked institutions only)", min: 1 },
    rank_low: rank("名次区间（高） 2.5 % of simulated ranks"),
    rank_high: rank("名次区间（低） 97.5 % of simulated ranks"),
    tier: { type: "text", doc: "等级", notNull: true, accepted: TIERS },
    recommendation: { type: "text", doc: "建议 continue, keep, review, drop or insufficient_data", notNull: true, accepted: ["continue", "keep", "review", "drop", "insufficient_data"] },
    raw_score: { type: "number", doc: "原始得分 mean of its projects' raw scores" },
    adjusted_score: { type: "number", doc: "调整得分 after case mix" },
    shrunk_score: { type: "number", doc: "收缩得分 (= score)" },
    se: { type: "number", doc: "标准误 of the unshrunk mean", min: 0 },
    posterior_sd: { type: "number", doc: "后验标准差", min: 0 },
    shrink_weight: share01("收缩权重 weight on its own data"),
    rank_raw: { type: "integer", doc: "名次（原始）", min: 1 },
    rank_adjusted: { type: "integer", doc: "名次（调整）", min: 1 },
    p_excellent: probability("P(优秀)"),
    p_qualified: probability("P(合格)"),
    class_score: { type: "number", doc: "学员加权得分 weighted by responses (classes)" },
    class_ci_low: bound("学员加权区间下限"),
    class_ci_high: bound("学员加权区间上限"),
    sigma2_projects: { type: "number", doc: "项目间方差 within-institution variance of projects", min: 0 },
    tau2_institutions: { type: "number", doc: "机构间方差 between-institution variance", min: 0 },
    reasons: { type: "text", doc: "理由 in Chinese and English" },
    rank_sim_low: rank("模拟名次下限"),
    rank_sim_high: rank("模拟名次上限"),
    multi_year_score: { type: "number", doc: "多年得分 earlier years weighted by discount^age" },
    multi_year_ci_low: bound("多年区间下限"),
    multi_year_ci_high: bound("多年区间上限"),
    multi_year_years: count("多年年数 years in the multi-year estimate"),
  },
  build: {
    rows: async (ctx) => {
      const ranked = rankInstitutions(scoredProjects(ctx), ctx.policy);
      if (ranked.length === 0) ctx.notes.no_ranking = "institution ranking skipped: no project with an institution and enough responses";
      return ranked.map((r) => ({
        year: r.year, institution_id: r.institution_id, n_projects: r.n_projects, n_projects_scored: r.n_projects_scored, n_responses: r.n_responses,
        score: r.score, ci_low: r.ciLow, ci_high: r.ciHigh, rank: r.rank, rank_low: r.rankLow, rank_high: r.rankHigh, tier: r.tier, recommendation: r.recommendation,
        raw_score: r.raw, adjusted_score: r.adjusted, shrunk_score: r.score, se: r.se, posterior_sd: r.postSd, shrink_weight: r.shrinkWeight,
        rank_raw: r.rankRaw, rank_adjusted: r.rankAdjusted, p_excellent: r.pExcellent, p_qualified: r.pQualified,
        class_score: r.classScore, class_ci_low: r.classCiLow, class_ci_high: r.classCiHigh, sigma2_projects: r.sigma2, tau2_institutions: r.tau2, reasons: r.reasons,
        rank_sim_low: r.rankSimLow, rank_sim_high: r.rankSimHigh,
        multi_year_score: r.multiYearScore, multi_year_ci_low: r.multiYearCiLow, multi_year_ci_high: r.multiYearCiHigh, multi_year_years: r.multiYearYears,
      }));
    },
  },
});

function share01(doc: string) {
  return { type: "number" as const, doc, min: 0, max: 1 };
}
