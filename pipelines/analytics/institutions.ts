// Institution rankings per year under the model of multilevel.ts: each institution's lasting
// quality estimated from its projects (class-to-class variance σ² carried), then empirical-Bayes
// shrinkage across institutions; institutions with fewer scored projects than the policy's
// minimum are shown but not ranked. This year's class mean is kept beside it for the report.
import type { Policy } from "../lib/policy.ts";
import { Z95, decideTier, recommend, type ProjectScore } from "./scores.ts";
import { betweenProjectVariance, classMean, discountedPool, lastingQuality } from "./multilevel.ts";
import { empiricalBayes, rankIntervals } from "../lib/shared/stats.ts";

export interface InstitutionScore {
  year: number;
  institution_id: string;
  n_projects: number;
  n_projects_scored: number;
  n_responses: number;
  raw: number;
  adjusted: number;
  se: number;
  score: number;
  postSd: number;
  shrinkWeight: number;
  ciLow: number;
  ciHigh: number;
  classScore: number;
  classCiLow: number;
  classCiHigh: number;
  sigma2: number;
  tau2: number;
  rank: number | null;
  rankLow: number | null;
  rankHigh: number | null;
  rankSimLow: number | null;
  rankSimHigh: number | null;
  rankRaw: number | null;
  rankAdjusted: number | null;
  tier: string;
  recommendation: string;
  pExcellent: number;
  pQualified: number;
  reasons: string;
  /** Discounted pooling over the last years (policy institutions.multi_year), shrunk like the year's. */
  multiYearScore: number;
  multiYearCiLow: number;
  multiYearCiHigh: number;
  multiYearYears: number;
}

function ranksOf(values: number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]);
  const r = new Array<number>(values.length);
  order.forEach(([, i], k) => (r[i] = k + 1));
  return r;
}

export function rankInstitutions(scores: ProjectScore[], policy: Policy): InstitutionScore[] {
  const eligible = scores.filter((s) => s.e.institution_id && s.e.year !== null && s.score !== null && s.decision.tier !== "insufficient_data");
  const years = [...new Set(eligible.map((s) => s.e.year!))].sort();
  const out: InstitutionScore[] = [];
  // Each institution's lasting-quality estimate by year (before shrinkage), for the multi-year view.
  const lastingByInst = new Map<string, { year: number; mean: number; variance: number }[]>();
  // Memory: each institution's tier and recommendation by year, as decided.
  const history = new Map<string, Map<number, { tier: string; recommendation: string }>>();
  for (const year of years) {
    const byInst = new Map<string, ProjectScore[]>();
    for (const s of eligible) {
      if (s.e.year !== year) continue;
      const list = byInst.get(s.e.institution_id!);
      if (list) list.push(s);
      else byInst.set(s.e.institution_id!, [s]);
    }
    const ids = [...byInst.keys()].sort();
    const all = scores.filter((s) => s.e.year === year);
    // Every project of the year by institution, scored or not: its count and responses.
    const allOf = new Map<string, { n: number; responses: number }>();
    for (const s of all) {
      const id = s.e.institution_id;
      if (!id) continue;
      const acc = allOf.get(id) ?? { n: 0, responses: 0 };
      acc.n++;
      acc.responses += s.e.n_responses;
      allOf.set(id, acc);
    }
    const means = provinceMeans(all);
    const obs = (ps: ProjectScore[], shift = (_: ProjectScore) => 0) => ps.map((p) => ({ y: p.score! - shift(p), se: p.se, n: Math.max(p.e.n_effective ?? p.e.n_responses, 1) }));
    const sigma2 = classVariance(ids.map((id) => obs(byInst.get(id)!)));
    const pooled = ids.map((id) => {
      const ps = byInst.get(id)!;
      return {
        id,
        ps,
        lasting: lastingQuality(obs(ps), sigma2),
        raw: lastingQuality(obs(ps, (p) => rawShift(p, policy)), sigma2),
        cls: classMean(obs(ps)),
        ranked: ps.length >= policy.institutions.min_projects,
      };
    });
    // τ² and μ from the institutions with enough projects; the others are shrunk towards the same μ.
    const ranked = pooled.filter((p) => p.ranked);
    const fit = empiricalBayes(ranked.map((p) => p.lasting.mean), ranked.map((p) => Math.sqrt(p.lasting.variance)));
    const shrink = (v: number) => (fit.tau2 + v > 0 ? fit.tau2 / (fit.tau2 + v) : 0);
    const varMu = 1 / ranked.reduce((a, p) => a + 1 / (fit.tau2 + p.lasting.variance), 0);
    const est = pooled.map((p) => {
      const B = ranked.length ? shrink(p.lasting.variance) : 1;
      const mu = ranked.length ? fit.mu : p.lasting.mean;
      return { B, score: mu + B * (p.lasting.mean - mu), sd: Math.sqrt(B * p.lasting.variance + (ranked.length ? (1 - B) ** 2 * varMu : 0)) };
    });
    const rIdx = pooled.flatMap((p, i) => (p.ranked ? [i] : []));
    const intervals = rankIntervals(rIdx.map((i) => est[i]!.score), rIdx.map((i) => est[i]!.sd), 1000, year);
    const rank = ranksOf(rIdx.map((i) => est[i]!.score));
    const rankRaw = ranksOf(rIdx.map((i) => pooled[i]!.raw.mean));
    const rankAdj = ranksOf(rIdx.map((i) => pooled[i]!.lasting.mean));
    pooled.forEach((p, i) => {
      const e = est[i]!;
      const j = rIdx.indexOf(i);
      const d = decideTier(e.score, e.sd, policy, p.ranked);
      const past = history.get(p.id) ?? new Map<number, { tier: string; recommendation: string }>();
      const prevTier = past.get(year - 1)?.tier;
      const suspect = p.ps.filter((x) => x.e.integrity_suspect).map((x) => `${x.e.project_id} (${x.e.integrity_suspect})`);
      let rec = p.ranked ? recommend(d, prevTier === "unqualified", { top: "continue", keep: "keep", review: "review", drop: "drop" }) : "insufficient_data";
      // A suspect project stops its institution from continuing or being kept without a look.
      if (suspect.length && (rec === "continue" || rec === "keep")) rec = "review";
      // Consecutive unqualified years, this one included: at the policy's count, drop.
      let streak = d.tier === "unqualified" ? 1 : 0;
      while (streak > 0 && past.get(year - streak)?.tier === "unqualified") streak++;
      const limit = policy.institutions.drop_after_unqualified_years;
      if (streak >= limit) rec = "drop";
      const lastAdvice = past.get(year - 1)?.recommendation;
      const reasons = [
        ...(p.ranked ? [] : [`仅 ${p.ps.length} 个项目有评分 only ${p.ps.length} scored project(s) (< ${policy.institutions.min_projects}): not ranked`]),
        ...(suspect.length ? [`诚信存疑项目 integrity suspect projects: ${suspect.join(", ")}`] : []),
        ...(streak >= limit ? [`连续 ${streak} 年不合格 unqualified ${streak} years in a row (policy: drop after ${limit})`] : []),
        ...(lastAdvice === "drop" ? [`${year - 1} 年建议淘汰，未执行 drop advised for ${year - 1}, not acted upon`] : []),
        ...(lastAdvice === "review" && d.tier === "unqualified" ? [`${year - 1} 年建议复核，本年仍不合格 review advised for ${year - 1}, unqualified again`] : []),
        ...evidenceReasons(p.ps, means, year),
      ];
      const clsSd = Math.sqrt(p.cls.variance);
      // Several years pooled (discounted), shrunk with this year's τ² and μ: beside the year's estimate.
      const mine = [...(lastingByInst.get(p.id) ?? []), { year, mean: p.lasting.mean, variance: p.lasting.variance }];
      lastingByInst.set(p.id, mine);
      const my = discountedPool(mine, year, policy.institutions.multi_year.discount, policy.institutions.multi_year.window);
      const myB = my && ranked.length ? shrink(my.variance) : 1;
      const myScore = my ? (ranked.length ? fit.mu + myB * (my.mean - fit.mu) : my.mean) : NaN;
      const mySd = my ? Math.sqrt(myB * my.variance + (ranked.length ? (1 - myB) ** 2 * varMu : 0)) : NaN;
      out.push({
        year,
        institution_id: p.id,
        n_projects: allOf.get(p.id)?.n ?? 0,
        n_projects_scored: p.ps.length,
        n_responses: allOf.get(p.id)?.responses ?? 0,
        raw: p.raw.mean,
        adjusted: p.lasting.mean,
        se: Math.sqrt(p.lasting.variance),
        score: e.score,
        postSd: e.sd,
        shrinkWeight: e.B,
        ciLow: Math.max(0, e.score - Z95 * e.sd),
        ciHigh: Math.min(100, e.score + Z95 * e.sd),
        classScore: p.cls.mean,
        classCiLow: Math.max(0, p.cls.mean - Z95 * clsSd),
        classCiHigh: Math.min(100, p.cls.mean + Z95 * clsSd),
        sigma2,
        tau2: fit.tau2,
        rank: j >= 0 ? rank[j]! : null,
        rankLow: j >= 0 ? intervals[j]!.low : null,
        rankHigh: j >= 0 ? intervals[j]!.high : null,
        rankSimLow: j >= 0 ? intervals[j]!.simLow : null,
        rankSimHigh: j >= 0 ? intervals[j]!.simHigh : null,
        rankRaw: j >= 0 ? rankRaw[j]! : null,
        rankAdjusted: j >= 0 ? rankAdj[j]! : null,
        tier: d.tier,
        recommendation: rec,
        pExcellent: d.pExcellent,
        pQualified: d.pQualified,
        reasons: reasons.join("; "),
        multiYearScore: myScore,
        multiYearCiLow: Math.max(0, myScore - Z95 * mySd),
        multiYearCiHigh: Math.min(100, myScore + Z95 * mySd),
        multiYearYears: my?.years ?? 0,
      });
    });
    for (const r of out.filter((x) => x.year === year)) {
      const h = history.get(r.institution_id) ?? new Map();
      h.set(year, { tier: r.tier, recommendation: r.recommendation });
      history.set(r.institution_id, h);
    }
  }
  return out;
}

const PART_ZH: Record<string, string> = { evaluation: "匿名评估", expert: "专家评审", attendance: "考勤与结业", followup: "训后跟踪" };
const partValue = (s: ProjectScore, part: string): number | null =>
  part === "evaluation" ? s.evalAdjusted : part === "expert" ? s.e.expert_score : part === "attendance" ? s.e.attendance_score : s.e.followup_score;

/** Mean of one evidence part over the projects that have it observed; null when none has. */
function partMean(ps: ProjectScore[], part: string): number | null {
  const values = ps.map((x) => partValue(x, part)).filter((v): v is number => v !== null);
  return values.length ? values.reduce((a, v) => a + v, 0) / values.length : null;
}

/** The year's mean of each evidence part over all projects (two projects at least), computed once a year. */
export function provinceMeans(year: ProjectScore[]): Map<string, number> {
  return new Map(
    Object.keys(PART_ZH).flatMap((part) => {
      const n = year.filter((x) => partValue(x, part) !== null).length;
      const mean = partMean(year, part);
      return n >= 2 && mean !== null ? [[part, mean] as [string, number]] : [];
    }),
  );
}

/**
 * What moved an institution: its weakest and strongest scored project, and the evidence part
 * furthest below and above the year's mean over all projects (points on 0-100).
 */
export function evidenceReasons(ps: ProjectScore[], provinceMeans: Map<string, number>, yr: number): string[] {
  const out: string[] = [];
  // Ordered on the score to 9 places, then the id: sums computed in parallel differ in the last
  // bits, and two projects with the same score must come in the same order every run.
  const at9 = (x: number) => Math.round(x * 1e9) / 1e9;
  const scored = [...ps].filter((x) => x.score !== null).sort((a, b) => at9(a.score!) - at9(b.score!) || (a.e.project_id < b.e.project_id ? -1 : 1));
  if (scored.length >= 2) out.push(`最弱项目 weakest ${scored[0]!.e.project_id} ${scored[0]!.score!.toFixed(1)}, 最强 strongest ${scored.at(-1)!.e.project_id} ${scored.at(-1)!.score!.toFixed(1)}`);
  const gaps = Object.keys(PART_ZH).flatMap((part) => {
    const mean = partMean(ps, part);
    const province = provinceMeans.get(part);
    return mean === null || province === undefined ? [] : [{ part, gap: mean - province }];
  });
  const low = gaps.filter((g) => g.gap < -1).sort((a, b) => a.gap - b.gap)[0];
  const high = gaps.filter((g) => g.gap > 1).sort((a, b) => b.gap - a.gap)[0];
  for (const g of [low, high]) if (g) out.push(`${PART_ZH[g.part]} ${g.part} ${g.gap > 0 ? "+" : ""}${g.gap.toFixed(1)} vs ${yr} 全省 province mean`);
  return out;
}

/**
 * σ² of the year; where no institution has two scored projects it cannot be separated from the
 * institutions' spread, and the total variance of project scores beyond sampling (its upper bound) is used.
 */
function classVariance(groups: { y: number; se: number }[][]): number {
  const s2 = betweenProjectVariance(groups);
  if (Number.isFinite(s2)) return s2;
  const all = groups.flat();
  if (all.length < 2) return 0;
  const mean = all.reduce((a, p) => a + p.y, 0) / all.length;
  const total = all.reduce((a, p) => a + (p.y - mean) ** 2, 0) / (all.length - 1);
  return Math.max(0, total - all.reduce((a, p) => a + p.se ** 2, 0) / all.length);
}

/** How much the case-mix adjustment moved a project's combined score. */
function rawShift(p: ProjectScore, policy: Policy): number {
  if (!p.evidence.includes("evaluation")) return 0;
  const W = [...p.evidence, ...(p.imputed ?? [])].reduce((a, c) => a + policy.weights[c as keyof Policy["weights"]], 0);
  return (policy.weights.evaluation / W) * p.adjustment;
}
