// The institution model's arithmetic on hand-made project scores (analytics/institutions.ts), each
// number worked out in the comments from multilevel.ts's formulas:
// three institutions A, B, C of two projects each, every project se 2.
import { describe, expect, it } from "vitest";
import { rankInstitutions } from "../../pipelines/analytics/institutions.ts";
import { Z95, type Evidence, type ProjectScore } from "../../pipelines/analytics/scores.ts";
import { normalCdf } from "../../pipelines/lib/shared/stats.ts";
import { parsePolicy } from "../../pipelines/lib/policy.ts";

const policy = parsePolicy({});

function scored(id: string, year: number, inst: string, score: number, over: { adjustment?: number; evidence?: string[]; imputed?: string[]; expert?: number; attendance?: number; followup?: number; n?: number; total?: number; tier?: string; pQualified?: number; se?: number } = {}): ProjectScore {
  const n = over.n ?? 40;
  const e = {
    project_id: id, year, institution_id: inst, n_responses: over.total ?? n, n_effective: n, expert_score: over.expert ?? null, attendance_score: over.attendance ?? null, followup_score: over.followup ?? null, integrity_suspect: null,
  } as unknown as Evidence;
  return {
    e, evalAdjusted: score, adjustment: over.adjustment ?? 0, score, se: over.se ?? 2, ciLow: null, ciHigh: null, evidence: over.evidence ?? ["evaluation"], missing: [],
    decision: { tier: (over.tier ?? "qualified") as ProjectScore["decision"]["tier"], pExcellent: 0.5, pQualified: over.pQualified ?? 0.9 }, recommendation: "keep", reasons: "", warnings: [], responseRate: null, imputed: over.imputed ?? [], shrunk: null,
  };
}

// 2025: A 80, 84; B 70, 74 (case mix moved both down by 25: raw 95, 99); C 90, 94.
// σ² = (Σ SS − Σ (1 − 1/2)(4 + 4)) / Σ (k − 1) = (3 × 8 − 3 × 4) / 3 = 4.
// Lasting quality: weights 1/(4 + 4) → means 82, 72, 92, variance 1/(2/8) = 4 each.
// Empirical Bayes over 82, 72, 92 with se 2: Q = ¼(0 + 100 + 100) = 50, c = ¾ − 3/16/¾ = ½,
// τ² = (50 − 2)/½ = 96, μ = 82, var μ = 1/(3/100) = 100/3; B = 96/100 = 0.96.
const year = (y: number) => [
  scored(`A1-${y}`, y, "A", 80, { expert: 50 }), scored(`A2-${y}`, y, "A", 84, { total: 50 }),
  scored(`B1-${y}`, y, "B", 70, { adjustment: -25, expert: 70 }), scored(`B2-${y}`, y, "B", 74, { adjustment: -25 }),
  scored(`C1-${y}`, y, "C", 90), scored(`C2-${y}`, y, "C", 94),
];
// Computed inside each test (not at import), so that mutation testing sees which test runs what.
const at = (y: number, id: string) => rankInstitutions([...year(2024), ...year(2025)], policy).find((r) => r.year === y && r.institution_id === id)!;
const SD = Math.sqrt(0.96 * 4 + 0.04 ** 2 * (100 / 3)); // 1.97315

describe("institution model arithmetic", () => {
  it("σ², τ², the lasting-quality estimate and its shrinkage towards μ", () => {
    const a = at(2025, "A");
    expect(a.sigma2).toBeCloseTo(4, 9);
    expect(a.tau2).toBeCloseTo(96, 9);
    expect([at(2025, "A").adjusted, at(2025, "B").adjusted, at(2025, "C").adjusted]).toEqual([82, 72, 92].map((v) => expect.closeTo(v, 9)));
    expect(a.se).toBeCloseTo(2, 9);
    expect(a.shrinkWeight).toBeCloseTo(0.96, 9);
    expect(at(2025, "B").score).toBeCloseTo(82 + 0.96 * (72 - 82), 9); // 72.4
    expect(at(2025, "C").score).toBeCloseTo(91.6, 9);
    expect(a.postSd).toBeCloseTo(SD, 9);
    expect(a.ciLow).toBeCloseTo(82 - Z95 * SD, 9);
    expect(a.ciHigh).toBeCloseTo(82 + Z95 * SD, 9);
  });

  it("the tier from the shrunk score and its sd", () => {
    const c = at(2025, "C");
    expect(c.pExcellent).toBeCloseTo(normalCdf((91.6 - 90) / SD), 9);
    expect(c.pQualified).toBeCloseTo(normalCdf((91.6 - 75) / SD), 9);
    expect(c.tier).toBe("excellent");
    expect(at(2025, "B").tier).toBe("unqualified");
  });

  it("this year's classes: mean weighted by responses, sampling variance only", () => {
    // A: n 40 and 40 → mean 82, variance 2 × (½)² × 4 = 2.
    const a = at(2025, "A");
    expect(a.classScore).toBeCloseTo(82, 9);
    expect(a.classCiLow).toBeCloseTo(82 - Z95 * Math.SQRT2, 9);
    expect(a.classCiHigh).toBeCloseTo(82 + Z95 * Math.SQRT2, 9);
    expect(a.n_responses).toBe(90);
    expect(at(2025, "C").classCiHigh).toBeCloseTo(92 + Z95 * Math.SQRT2, 9);
  });

  it("ranks shrunk, adjusted and raw (the raw score undoes the case-mix shift)", () => {
    const rows = ["A", "B", "C"].map((id) => at(2025, id));
    expect(rows.map((r) => r.rank)).toEqual([2, 3, 1]);
    expect(rows.map((r) => r.rankAdjusted)).toEqual([2, 3, 1]);
    // B's raw projects 95 and 99: mean 97, first before case mix.
    expect(at(2025, "B").raw).toBeCloseTo(97, 9);
    expect(rows.map((r) => r.rankRaw)).toEqual([3, 1, 2]);
    for (const r of rows) {
      expect(r.rankLow!).toBeGreaterThanOrEqual(1);
      expect(r.rankHigh!).toBeLessThanOrEqual(3);
      expect(r.rankLow!).toBeLessThanOrEqual(r.rank!);
      expect(r.rankHigh!).toBeGreaterThanOrEqual(r.rank!);
      expect(r.rankSimLow!).toBeLessThanOrEqual(r.rankLow!);
      expect(r.rankSimHigh!).toBeGreaterThanOrEqual(r.rankHigh!);
    }
  });

  it("pools the years, discounted by 0.5, and shrinks the pool with the year's τ² and μ", () => {
    // C: 2024 and 2025 both mean 92, variance 4; weights 0.5/4 and 1/4 → mean 92, variance 4/1.5.
    const v = 4 / 1.5;
    const B = 96 / (96 + v);
    const c = at(2025, "C");
    expect(c.multiYearYears).toBe(2);
    expect(c.multiYearScore).toBeCloseTo(82 + B * 10, 9);
    const sd = Math.sqrt(B * v + (1 - B) ** 2 * (100 / 3));
    expect(c.multiYearCiLow).toBeCloseTo(82 + B * 10 - Z95 * sd, 9);
    expect(c.multiYearCiHigh).toBeCloseTo(82 + B * 10 + Z95 * sd, 9);
    expect(at(2024, "C").multiYearYears).toBe(1);
  });

  it("names the weakest and strongest project and the evidence part furthest from the province", () => {
    // Evaluation: province mean (80 + 84 + 70 + 74 + 90 + 94)/6 = 82. Expert: two projects, 50 and 70 → 60.
    expect(at(2025, "A").reasons).toBe("最弱项目 weakest A1-2025 80.0, 最强 strongest A2-2025 84.0; 专家评审 expert -10.0 vs 2025 全省 province mean");
    expect(at(2025, "B").reasons).toContain("匿名评估 evaluation -10.0 vs 2025 全省 province mean; 专家评审 expert +10.0 vs 2025 全省 province mean");
    expect(at(2025, "C").reasons).toBe("最弱项目 weakest C1-2025 90.0, 最强 strongest C2-2025 94.0; 匿名评估 evaluation +10.0 vs 2025 全省 province mean");
  });

  it("the raw shift is the evaluation's share of the weights present or imputed", () => {
    const w = policy.weights;
    const ps = [
      scored("P1", 2025, "A", 80, { adjustment: 10, evidence: ["evaluation", "expert"], imputed: ["followup"] }), scored("P2", 2025, "A", 84, { adjustment: 10, evidence: ["evaluation", "expert"], imputed: ["followup"] }),
      scored("P3", 2025, "B", 70, { adjustment: 10, evidence: ["expert"] }), scored("P4", 2025, "B", 74, { adjustment: 10, evidence: ["expert"] }),
    ];
    const [a, b] = rankInstitutions(ps, policy);
    expect(a!.raw).toBeCloseTo(82 - (w.evaluation / (w.evaluation + w.expert + w.followup)) * 10, 9);
    expect(b!.raw).toBeCloseTo(72, 9); // no evaluation, no case-mix shift
  });

  it("σ² from the spread of single projects when no institution has two: total variance beyond sampling", () => {
    // 70, 80, 90 with se 2: variance 100, minus mean se² 4 → 96; none ranked, each its own estimate.
    const single = rankInstitutions([scored("X", 2025, "X", 70), scored("Y", 2025, "Y", 80), scored("Z", 2025, "Z", 90)], policy);
    expect(single.map((r) => r.sigma2)).toEqual([96, 96, 96].map((v) => expect.closeTo(v, 9)));
    expect(single.map((r) => r.score)).toEqual([70, 80, 90]);
    expect(single[0]!.postSd).toBeCloseTo(10, 9);
    expect(single[0]!.shrinkWeight).toBe(1);
    expect(single.map((r) => r.rank)).toEqual([null, null, null]);
    expect(single[0]!.recommendation).toBe("insufficient_data");
    const one = rankInstitutions([scored("X", 2025, "X", 70)], policy);
    expect(one[0]!.sigma2).toBe(0);
    expect(one[0]!.postSd).toBeCloseTo(2, 9);
  });

  it("two single projects: σ² from their spread (50 − 4 = 46); nothing ranked, so no shrinkage and no ranks", () => {
    const two = rankInstitutions([scored("X", 2025, "X", 70), scored("Y", 2025, "Y", 80)], policy);
    expect(two[0]!.sigma2).toBeCloseTo(46, 9);
    expect(two.map((r) => [r.rank, r.rankRaw, r.rankAdjusted, r.rankLow, r.rankSimHigh])).toEqual([[null, null, null, null, null], [null, null, null, null, null]]);
    // The multi-year view of an unranked year is the institution's own estimate: sd √(46 + 4) = √50.
    expect(two[0]!.multiYearScore).toBeCloseTo(70, 9);
    expect(two[0]!.multiYearCiLow).toBeCloseTo(70 - Z95 * Math.sqrt(50), 9);
    expect(two[0]!.multiYearYears).toBe(1);
  });

  it("leaves out of the estimate projects with no tier, no score or no institution, but counts them", () => {
    const ps = [...year(2025), scored("A3", 2025, "A", 10, { tier: "insufficient_data" }), scored("N1", 2025, "", 10)];
    const a = rankInstitutions(ps, policy).find((r) => r.institution_id === "A")!;
    expect([a.n_projects, a.n_projects_scored, a.n_responses]).toEqual([3, 2, 130]);
    expect(a.adjusted).toBeCloseTo(82, 9);
    expect(rankInstitutions(ps, policy).map((r) => r.institution_id)).toEqual(["A", "B", "C"]);
  });

  it("weights this year's classes by their responses (at least 1 each)", () => {
    const ps = [scored("A1", 2025, "A", 80, { n: 40 }), scored("A2", 2025, "A", 84, { n: 60 }), scored("B1", 2025, "B", 70, { n: 0 }), scored("B2", 2025, "B", 74, { n: 0 })];
    const [a, b] = rankInstitutions(ps, policy);
    // (40 × 80 + 60 × 84)/100 = 82.4; variance (0.4² + 0.6²) × 4 = 2.08. B: 0 responses count 1 each.
    expect(a!.classScore).toBeCloseTo(82.4, 9);
    expect(a!.classCiHigh).toBeCloseTo(82.4 + Z95 * Math.sqrt(2.08), 9);
    expect(b!.classScore).toBeCloseTo(72, 9);
  });

  it("the evidence parts: attendance and follow-up compared only where two projects have them; ±1 point is no gap", () => {
    const ps = [
      scored("A1", 2025, "A", 80, { attendance: 70, followup: 20 }), scored("A2", 2025, "A", 80, { attendance: 70 }),
      scored("B1", 2025, "B", 81, { attendance: 90 }), scored("B2", 2025, "B", 81, { attendance: 90 }),
    ];
    const [a, b] = rankInstitutions(ps, policy);
    // Evaluation: A 80 vs the province's 80.5 (−0.5, no gap); attendance: A 70 vs 80 (−10); follow-up on one project only: not compared.
    // Equal scores: the weakest is the first by id.
    expect(a!.reasons).toBe("最弱项目 weakest A1 80.0, 最强 strongest A2 80.0; 考勤与结业 attendance -10.0 vs 2025 全省 province mean");
    expect(b!.reasons).toBe("最弱项目 weakest B1 81.0, 最强 strongest B2 81.0; 考勤与结业 attendance +10.0 vs 2025 全省 province mean");
    // Exactly one point apart is not a gap either.
    const edge = rankInstitutions([scored("A1", 2025, "A", 79), scored("A2", 2025, "A", 79), scored("B1", 2025, "B", 81), scored("B2", 2025, "B", 81)], policy);
    expect(edge.map((r) => r.reasons)).toEqual(["最弱项目 weakest A1 79.0, 最强 strongest A2 79.0", "最弱项目 weakest B1 81.0, 最强 strongest B2 81.0"]);
  });
});

describe("institution memory", () => {
  // Eight steady institutions (scores 84-88) and D; drop after three unqualified years (policy).
  const three = parsePolicy({ institutions: { drop_after_unqualified_years: 3 } });
  const steady = (y: number) => Array.from({ length: 8 }, (_, i) => [scored(`N${i}a-${y}`, y, `N${i}`, 84 + (i % 5), { se: 1 }), scored(`N${i}b-${y}`, y, `N${i}`, 85 + (i % 5), { se: 1 })]).flat();
  const d = (y: number, v: number, se = 1) => [scored(`D1-${y}`, y, "D", v, { se }), scored(`D2-${y}`, y, "D", v, { se })];

  it("a likely failure after an unqualified year is dropped; without that year it is reviewed", () => {
    const history = [...steady(2024), ...d(2024, 60), ...steady(2025), ...d(2025, 70.5, 2)];
    const rows = rankInstitutions(history, three);
    const d25 = rows.find((r) => r.year === 2025 && r.institution_id === "D")!;
    expect(d25.tier).toBe("unqualified");
    expect(d25.pQualified).toBeGreaterThan(0.025);
    expect(d25.pQualified).toBeLessThan(0.1);
    expect(d25.recommendation).toBe("drop");
    // Two years in a row is not yet the policy's three: no streak reason.
    expect(d25.reasons).not.toContain("连续");
    const alone = rankInstitutions([...steady(2025), ...d(2025, 70.5, 2)], three).find((r) => r.institution_id === "D")!;
    expect(alone.recommendation).toBe("review");
  });

  it("says when last year's review did not help: unqualified again", () => {
    const rows = rankInstitutions([...steady(2024), ...d(2024, 74, 1), ...steady(2025), ...d(2025, 60)], three);
    const d24 = rows.find((r) => r.year === 2024 && r.institution_id === "D")!;
    expect(d24.recommendation).toBe("review");
    const d25 = rows.find((r) => r.year === 2025 && r.institution_id === "D")!;
    expect(d25.reasons).toContain("2024 年建议复核，本年仍不合格 review advised for 2024, unqualified again");
    // A review followed by a qualified year says nothing of it.
    const better = rankInstitutions([...steady(2024), ...d(2024, 74, 1), ...steady(2025), ...d(2025, 86)], three).find((r) => r.year === 2025 && r.institution_id === "D")!;
    expect(better.reasons).not.toContain("建议复核");
  });
});
