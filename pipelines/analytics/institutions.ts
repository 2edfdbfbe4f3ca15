// Institution rankings per year: an institution's projects pooled, then empirical-Bayes
// shrinkage across institutions so that a lucky small sample is pulled towards the mean.
import type { Policy } from "../lib/policy.ts";
import { Z95, decideTier, recommend, type ProjectScore } from "./scores.ts";
import { empiricalBayes, rankIntervals } from "./stats.ts";

export interface InstitutionScore {
  year: number;
  institution_id: string;
  n_projects: number;
  n_responses: number;
  raw: number;
  adjusted: number;
  se: number;
  score: number;
  postSd: number;
  shrinkWeight: number;
  ciLow: number;
  ciHigh: number;
  rank: number;
  rankLow: number;
  rankHigh: number;
  rankRaw: number;
  rankAdjusted: number;
  tier: string;
  recommendation: string;
  pExcellent: number;
  pQualified: number;
}

/** Pool one institution's projects: response-weighted mean; SE from between-project spread and sampling. */
export function pool(projects: { value: number; se: number; weight: number }[]): { mean: number; se: number } {
  const W = projects.reduce((a, p) => a + p.weight, 0);
  const mean = projects.reduce((a, p) => a + p.weight * p.value, 0) / W;
  const sampling = projects.reduce((a, p) => a + (p.weight / W) ** 2 * p.se ** 2, 0);
  const k = projects.length;
  const between = k >= 2 ? projects.reduce((a, p) => a + (p.weight / W) * (p.value - mean) ** 2, 0) * (k / (k - 1)) / k : 0;
  return { mean, se: Math.sqrt(sampling + between) };
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
  const previous = new Map<string, string>();
  for (const year of years) {
    const byInst = new Map<string, ProjectScore[]>();
    for (const s of eligible.filter((x) => x.e.year === year)) byInst.set(s.e.institution_id!, [...(byInst.get(s.e.institution_id!) ?? []), s]);
    const ids = [...byInst.keys()].sort();
    const all = scores.filter((s) => s.e.year === year);
    const pooled = ids.map((id) => {
      const ps = byInst.get(id)!;
      const weight = (p: ProjectScore) => Math.max(p.e.n_effective ?? p.e.n_responses, 1);
      const adjusted = pool(ps.map((p) => ({ value: p.score!, se: p.se, weight: weight(p) })));
      // Raw: the same pooling of scores whose evaluation part is not case-mix adjusted.
      const raw = pool(ps.map((p) => ({ value: p.score! - rawShift(p, policy), se: p.se, weight: weight(p) })));
      return { id, adjusted, raw, ps };
    });
    const eb = empiricalBayes(
      pooled.map((p) => p.adjusted.mean),
      pooled.map((p) => Math.max(p.adjusted.se, 0.5)),
    );
    const intervals = rankIntervals(eb.shrunk, eb.postSd, 1000, year);
    const rank = ranksOf(eb.shrunk);
    const rankRaw = ranksOf(pooled.map((p) => p.raw.mean));
    const rankAdj = ranksOf(pooled.map((p) => p.adjusted.mean));
    pooled.forEach((p, i) => {
      const d = decideTier(eb.shrunk[i]!, eb.postSd[i]!, policy, true);
      const prevTier = previous.get(p.id);
      const rec = recommend(d, prevTier === "unqualified", { top: "continue", keep: "keep", review: "review", drop: "drop" });
      out.push({
        year,
        institution_id: p.id,
        n_projects: all.filter((s) => s.e.institution_id === p.id).length,
        n_responses: all.filter((s) => s.e.institution_id === p.id).reduce((a, s) => a + s.e.n_responses, 0),
        raw: p.raw.mean,
        adjusted: p.adjusted.mean,
        se: p.adjusted.se,
        score: eb.shrunk[i]!,
        postSd: eb.postSd[i]!,
        shrinkWeight: eb.weight[i]!,
        ciLow: Math.max(0, eb.shrunk[i]! - Z95 * eb.postSd[i]!),
        ciHigh: Math.min(100, eb.shrunk[i]! + Z95 * eb.postSd[i]!),
        rank: rank[i]!,
        rankLow: intervals[i]!.low,
        rankHigh: intervals[i]!.high,
        rankRaw: rankRaw[i]!,
        rankAdjusted: rankAdj[i]!,
        tier: d.tier,
        recommendation: rec,
        pExcellent: d.pExcellent,
        pQualified: d.pQualified,
      });
    });
    for (const r of out.filter((x) => x.year === year)) previous.set(r.institution_id, r.tier);
  }
  return out;
}

/** How much the case-mix adjustment moved a project's combined score. */
function rawShift(p: ProjectScore, policy: Policy): number {
  if (!p.evidence.includes("evaluation")) return 0;
  const W = p.evidence.reduce((a, c) => a + policy.weights[c as keyof Policy["weights"]], 0);
  return (policy.weights.evaluation / W) * p.adjustment;
}
