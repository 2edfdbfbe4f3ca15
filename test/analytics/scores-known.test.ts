// Known answers for a project's score (analytics/scores.ts): each number worked out in the comments.
import { describe, expect, it } from "vitest";
import { attendanceSe, decideTier, fitCaseMix, recommend, scoreProjects, type Evidence } from "../../pipelines/analytics/scores.ts";
import { normalCdf } from "../../pipelines/lib/shared/stats.ts";
import { parsePolicy } from "../../pipelines/lib/policy.ts";
import { evidence } from "./evidence.ts";

const policy = parsePolicy({});
const project = evidence;
const score = (rows: Evidence[]) => scoreProjects(rows, policy, fitCaseMix(rows));
const by = (rows: ReturnType<typeof score>, id: string) => rows.find((s) => s.e.project_id === id)!;

describe("a project's score", () => {
  it("moderates each class's SD towards the year's pooled SD with ν₀ = 10 degrees of freedom", () => {
    // Pool: (10·10² + 20·20²) / 30 = 300. A: (10·100 + 10·300) / 20 = 200; B: (20·400 + 10·300) / 30 = 366.67.
    const rows = score([project("A", { n_effective: 11, n_responses: 11, eval_sd: 10, eval_raw: 60 }), project("B", { n_effective: 21, n_responses: 21, eval_sd: 20 })]);
    expect(by(rows, "A").se).toBeCloseTo(Math.sqrt(200 / 11), 8);
    expect(by(rows, "B").se).toBeCloseTo(Math.sqrt(11000 / 30 / 21), 8);
    expect(by(rows, "A").score).toBe(60);
    // 95 % interval: score ± 1.959964 SE.
    expect(by(rows, "A").ciLow).toBeCloseTo(60 - 1.959964 * Math.sqrt(200 / 11), 6);
  });

  it("combines parts by their policy weights, variances by the squared weights", () => {
    // Evaluation 80 (SE √(100/30) with a pool of its own SD), expert 70 from one review (SE 5):
    // score = (0.5·80 + 0.2·70) / 0.7; SE² = (5/7)² · 100/30 + (2/7)² · 25.
    const rows = score([project("A", { n_reviews: 1, expert_score: 70 }), project("B", {})]);
    const a = by(rows, "A");
    expect(a.score).toBeCloseTo((0.5 * 80 + 0.2 * 70) / 0.7, 10);
    expect(a.se).toBeCloseTo(Math.sqrt((5 / 7) ** 2 * (100 / 30) + (2 / 7) ** 2 * 25), 8);
    expect(a.evidence).toEqual(["evaluation", "expert"]);
    expect(a.missing).toEqual(["attendance", "followup"]);
  });

  it("gives the attendance part a binomial SE: 100 √(¼·a(1−a)/n + ¼·c(1−c)/m)", () => {
    expect(attendanceSe({ attendance_rate: 0.9, n_trainees: 40, completion_rate: 0.8, n_results: 25 })).toBeCloseTo(100 * Math.sqrt(0.25 * 0.09 / 40 + 0.25 * 0.16 / 25), 10);
    expect(attendanceSe({ attendance_rate: 0.9, n_trainees: 40, completion_rate: null, n_results: 0 })).toBeCloseTo(100 * Math.sqrt(0.09 / 40), 10);
    expect(attendanceSe({ attendance_rate: null, n_trainees: 0, completion_rate: null, n_results: 0 })).toBe(0);
  });

  it("names the largest contributions against the year's mean, signed, in points", () => {
    // Evaluation only (weight 1 of the parts present): A 60 and B 80 against a mean of 70.
    const rows = score([project("A", { eval_raw: 60 }), project("B", { eval_raw: 80 })]);
    expect(by(rows, "A").reasons).toContain("匿名评估 evaluation -10.0");
    expect(by(rows, "B").reasons).toContain("匿名评估 evaluation +10.0");
  });

  it("gives no tier below the minimum of responses, and caps an integrity-suspect project at review", () => {
    const rows = score([project("few", { n_responses: 9, n_effective: 9 }), project("suspect", { eval_raw: 99, eval_sd: 1, integrity_suspect: "top_mark_block" }), project("ok", { eval_raw: 99, eval_sd: 1 })]);
    expect(by(rows, "few").decision.tier).toBe("insufficient_data");
    expect(by(rows, "few").warnings.join()).toContain("only 9 responses (< 10)");
    expect(by(rows, "ok").recommendation).toBe("priority");
    expect(by(rows, "suspect").recommendation).toBe("review");
    expect(by(rows, "suspect").reasons).toMatch(/^诚信存疑 integrity suspect \(top_mark_block\): at most review/);
  });

  it("drops a clearly unqualified project whose institution's same category was unqualified the year before", () => {
    // 2024: 60 (unqualified). 2025: 70 with SE √(100/30)·… : P(≥ 75) between 0.025 and 0.1 needs the previous year to drop.
    const prev = project("P24", { year: 2024, eval_raw: 60, eval_sd: 5 });
    const now = project("P25", { eval_raw: 71.5, eval_sd: 11 });
    const alone = score([now, project("other", { institution_id: "I2", eval_raw: 71.5, eval_sd: 11 })]);
    const p = by(alone, "P25").decision.pQualified;
    expect(p).toBeGreaterThan(0.025);
    expect(p).toBeLessThan(0.1);
    expect(by(alone, "P25").recommendation).toBe("review");
    const withHistory = score([prev, now, project("other", { institution_id: "I2", eval_raw: 71.5, eval_sd: 11 })]);
    expect(by(withHistory, "P25").recommendation).toBe("drop");
    expect(by(withHistory, "P25").reasons).toContain("上年不合格 previous year unqualified");
  });
});

describe("tiers and recommendations", () => {
  it("tier by P(true score ≥ cut) ≥ ½ with Φ((score − cut)/SE)", () => {
    const d = decideTier(88, 2, policy, true);
    expect(d.pExcellent).toBeCloseTo(normalCdf(-1), 12);
    expect(d.pQualified).toBeCloseTo(normalCdf(6.5), 12);
    expect(d.tier).toBe("qualified");
    expect(decideTier(90, 0, policy, true)).toEqual({ tier: "excellent", pExcellent: 1, pQualified: 1 });
    expect(decideTier(74.9, 0, policy, true).tier).toBe("unqualified");
    expect(decideTier(null, 1, policy, true).tier).toBe("insufficient_data");
  });
  it("recommendation thresholds 0.8, 0.1 and 0.025", () => {
    const L = { top: "top", keep: "keep", review: "review", drop: "drop" };
    const d = (pExcellent: number, pQualified: number) => ({ tier: "qualified" as const, pExcellent, pQualified });
    expect(recommend(d(0.8, 1), false, L)).toBe("top");
    expect(recommend(d(0.79, 0.8), false, L)).toBe("keep");
    expect(recommend(d(0, 0.79), false, L)).toBe("review");
    expect(recommend(d(0, 0.09), false, L)).toBe("review");
    expect(recommend(d(0, 0.09), true, L)).toBe("drop");
    expect(recommend(d(0, 0.1), true, L)).toBe("review");
    expect(recommend(d(0, 0.024), false, L)).toBe("drop");
    expect(recommend({ tier: "insufficient_data", pExcellent: NaN, pQualified: NaN }, true, L)).toBe("review");
  });
});

describe("case mix", () => {
  // 40 projects of 4 institutions (10 each, half online): evaluation = 70 + 5 × institution − 6 online.
  const rows = Array.from({ length: 40 }, (_, i) => {
    const inst = i % 4;
    const online = i % 8 < 4;
    return project(`P${i}`, { institution_id: `I${inst}`, mode: online ? "online" : "face_to_face", rural_share: 0.5, eval_raw: 70 + 5 * inst - (online ? 6 : 0), eval_sd: 10 });
  });

  it("learns the online effect within institutions (−6) and puts every project on the average mix (±3)", () => {
    const mix = fitCaseMix(rows);
    expect(mix.applied).toBe(true);
    expect(mix.coef[mix.terms.indexOf("mode:online")]).toBeCloseTo(-6, 8);
    expect(mix.means[mix.terms.indexOf("mode:online")]).toBeCloseTo(0.5, 12);
    const scored = score(rows);
    // Online: raw + 6 × (1 − 0.5); face to face: raw − 6 × 0.5 → equal within an institution.
    expect(by(scored, "P0").adjustment).toBeCloseTo(3, 8);
    expect(by(scored, "P4").adjustment).toBeCloseTo(-3, 8);
    expect(by(scored, "P0").evalAdjusted).toBeCloseTo(by(scored, "P4").evalAdjusted!, 8);
    expect(by(scored, "P0").reasons).toContain("个案调整 case-mix +3.0 (online)");
  });

  it("is not applied with fewer than 30 projects or 3 institutions", () => {
    expect(fitCaseMix(rows.slice(0, 29)).applied).toBe(false);
    expect(fitCaseMix(rows.filter((r) => r.institution_id !== "I2" && r.institution_id !== "I3")).applied).toBe(false);
    expect(by(score(rows.slice(0, 29)), "P0").adjustment).toBe(0);
  });
});
