import { setImmediate as turn } from "node:timers/promises";
import { info } from "../lib/log.ts";
import { fitCaseMix, loadEvidence, scoreProjectsTurning, type ProjectScore } from "../analytics/scores.ts";
import { bound, count, probability, projectAttributes, projectId, score100, share, TIERS, year } from "./columns.ts";
import { defineModel, type RunContext } from "./model.ts";

/** The scored projects of this run, for the models that rank from them (institution_scores). */
export const scoredProjects = (ctx: RunContext) => ctx.memo.get("project_scores") as ProjectScore[];

export default defineModel({
  name: "project_scores",
  grain: "one row per project",
  key: ["project_id"],
  dependsOn: ["project_evidence"],
  // institution_scores ranks from the scored projects this model leaves in memo.
  sharesMemo: true,
  columns: {
    year: year(false),
    project_id: projectId,
    ...projectAttributes,
    n_responses: count("问卷数 loaded responses", true),
    n_used: { type: "number", doc: "有效问卷 sum of integrity weights", min: 0 },
    n_excluded: count("剔除问卷 responses with weight 0"),
    response_rate: { type: "number", doc: "回收率 responses over the population (or the roster); above 1 when more responses than enrolled (integrity_flags)", min: 0 },
    eval_raw: score100("学员评价（原始） integrity-weighted mean response score"),
    eval_adjusted: { type: "number", doc: "学员评价（调整） after the case-mix adjustment" },
    case_mix_adjustment: { type: "number", doc: "个案调整 points added for mode and rural share (fitted, methods page)" },
    expert_score: score100("专家评分"),
    attendance_score: score100("出勤与结业"),
    followup_score: score100("跟踪评价"),
    score: { type: "number", doc: "综合得分 weighted evidence (policy weights), missing parts imputed or re-weighted" },
    se: { type: "number", doc: "标准误 of the score (sampling, rater and imputation variance)", min: 0 },
    ci_low: bound("95 % 区间下限"),
    ci_high: bound("95 % 区间上限"),
    p_excellent: probability("P(优秀) probability the true score reaches the excellent cut"),
    p_qualified: probability("P(合格) probability the true score reaches the qualified cut"),
    tier: { type: "text", doc: "等级 tier (P ≥ ½ rule), insufficient_data below min_responses", notNull: true, accepted: TIERS },
    recommendation: { type: "text", doc: "建议 priority, keep, review or drop", notNull: true, accepted: ["priority", "keep", "review", "drop"] },
    evidence_used: { type: "text", doc: "所用证据 parts of the score present, '+'-joined" },
    evidence_missing: { type: "text", doc: "缺少证据 parts missing" },
    reasons: { type: "text", doc: "理由 the three largest contributions, adjustments and their causes" },
    warnings: { type: "text", doc: "提示 integrity and data warnings" },
    shrunk_score: { type: "number", doc: "收缩得分 empirical-Bayes estimate towards the peer mean" },
    evidence_imputed: { type: "text", doc: "插补证据 parts predicted from the project's evaluation and institution" },
  },
  build: {
    rows: async (ctx) => {
      const evidence = await loadEvidence(ctx.db);
      const mix = fitCaseMix(evidence);
      await turn();
      info(`  case mix: ${mix.note}`);
      ctx.notes.case_mix = { applied: mix.applied, note: mix.note, coefficients: Object.fromEntries(mix.terms.map((t, i) => [t, Math.round(mix.coef[i]! * 100) / 100])) };
      if (!evidence.some((e) => e.n_responses > 0)) ctx.notes.no_responses = "no evaluation responses: project scores rest on the other evidence, tiers are insufficient_data";
      const scores = await scoreProjectsTurning(evidence, ctx.policy, mix);
      ctx.memo.set("project_scores", scores);
      return scores.map((s) => ({
        year: s.e.year, project_id: s.e.project_id, institution_id: s.e.institution_id, county_code: s.e.county_code,
        program: s.e.program, category: s.e.category, mode: s.e.mode, stage: s.e.stage,
        n_responses: s.e.n_responses, n_used: s.e.n_effective, n_excluded: s.e.n_excluded, response_rate: s.responseRate,
        eval_raw: s.e.eval_raw, eval_adjusted: s.evalAdjusted, case_mix_adjustment: s.adjustment,
        expert_score: s.e.expert_score, attendance_score: s.e.attendance_score, followup_score: s.e.followup_score,
        score: s.score, se: s.se, ci_low: s.ciLow, ci_high: s.ciHigh, p_excellent: s.decision.pExcellent, p_qualified: s.decision.pQualified,
        tier: s.decision.tier, recommendation: s.recommendation,
        evidence_used: s.evidence.join("+"), evidence_missing: s.missing.join("+"), reasons: s.reasons, warnings: s.warnings.join("; "),
        shrunk_score: s.shrunk, evidence_imputed: s.imputed.join("+"),
      }));
    },
  },
});
