// A project's whole record on a year worked out by hand (analytics/scores.ts): score, error, interval,
// tier, recommendation, parts used and missing, warnings, response rate and the reasons as printed.
// Five projects, fewer than 30 (no case-mix adjustment) and fewer than 10 per part (nothing imputed).
import { describe, expect, it } from "vitest";
import { caseMixAdjustment, caseMixVariance, fitCaseMix, scoreProjects, Z95, type Evidence } from "../../pipelines/analytics/scores.ts";
import { empiricalBayes, normalCdf } from "../../pipelines/lib/shared/stats.ts";
import { parsePolicy } from "../../pipelines/lib/policy.ts";
import { evidence } from "./evidence.ts";

const policy = parsePolicy({});
const project = evidence;

const ROWS = [
  // 2024: I1's category c scored 60 (unqualified): its 2025 projects of that category carry it.
  project("P0", { year: 2024, eval_raw: 60 }),
  // All four parts; 3 responses excluded.
  project("P1", { n_excluded: 3, n_reviews: 1, expert_score: 70, attendance_score: 90, attendance_rate: 0.9, completion_rate: 0.8, n_results: 25, followup_score: 60, n_followed: 10, followup_sd: 20 }),
  // Another institution, evaluation only, more responses than its population.
  project("P2", { institution_id: "I2", eval_raw: 90, population: 20 }),
  // Too few responses for a tier, population unknown (0).
  project("P3", { eval_raw: 70, n_responses: 5, n_effective: 5, population: 0 }),
  // No evaluation at all: two reviews only.
  project("P4", { eval_raw: null, eval_sd: null, n_responses: 0, n_effective: null, n_reviews: 2, expert_score: 85, expert_sd: 4 }),
];
// Scored inside each test (not at collection), so that mutation testing sees which test runs what.
const get = (id: string) => scoreProjects(ROWS, policy, fitCaseMix(ROWS)).find((s) => s.e.project_id === id)!;
// Every class has SD 10, so the pooled and moderated SDs are 10 too: evaluation SE = 10/√n.
const EVAL_SE = Math.sqrt(100 / 30);

describe("a project's whole record", () => {
  it("all four parts: weighted score, error from the weighted variances, review for an uncertain qualified", () => {
    const p = get("P1");
    expect(p.score).toBeCloseTo(0.5 * 80 + 0.2 * 70 + 0.15 * 90 + 0.15 * 60, 10); // 76.5
    const att = 100 * Math.sqrt(0.25 * (0.9 * 0.1) / 40 + 0.25 * (0.8 * 0.2) / 25);
    const se = Math.sqrt(0.25 * EVAL_SE ** 2 + 0.04 * 25 + 0.0225 * att ** 2 + 0.0225 * (20 / Math.sqrt(10)) ** 2);
    expect(p.se).toBeCloseTo(se, 10);
    expect(p.ciLow).toBeCloseTo(76.5 - Z95 * se, 10);
    expect(p.ciHigh).toBeCloseTo(76.5 + Z95 * se, 10);
    expect(p.decision.pQualified).toBeCloseTo(normalCdf(1.5 / se), 10); // 0.798: under 0.8, so not "keep"
    expect(p.decision.tier).toBe("qualified");
    expect(p.recommendation).toBe("review");
    expect(p.evidence).toEqual(["evaluation", "expert", "attendance", "followup"]);
    expect([p.missing, p.imputed, p.warnings]).toEqual([[], [], []]);
    expect(p.responseRate).toBe(0.75);
    // Against the year's means (evaluation (80 + 90 + 70)/3 = 80, expert (70 + 85)/2 = 77.5, the
    // others its own): expert 0.2 × (70 − 77.5) = −1.5 first, then the zero deltas in their order.
    expect(p.reasons).toBe("专家评审 expert -1.5; 匿名评估 evaluation +0.0; 考勤与结业 attendance +0.0; 剔除可疑问卷 excluded 3 suspicious responses; 上年不合格 previous year unqualified");
  });

  it("exactly on the excellent line is excellent (P = ½), kept; parts missing are re-weighted", () => {
    const p = get("P2");
    expect(p.score).toBe(90);
    expect(p.se).toBeCloseTo(EVAL_SE, 10);
    expect(p.decision.pExcellent).toBeCloseTo(0.5, 8);
    expect(p.decision.tier).toBe("excellent");
    expect(p.recommendation).toBe("keep");
    expect(p.ciHigh).toBeCloseTo(90 + Z95 * EVAL_SE, 10);
    expect(p.missing).toEqual(["expert", "attendance", "followup"]);
    expect(p.responseRate).toBe(1.5);
    expect(p.reasons).toBe("匿名评估 evaluation +10.0; 缺少 missing expert+attendance+followup: weights re-scaled");
  });

  it("too few responses: a score and its error, but no tier, a warning and no response rate without a population", () => {
    const p = get("P3");
    expect(p.score).toBe(70);
    expect(p.se).toBeCloseTo(Math.sqrt(100 / 5), 10);
    expect(p.decision.tier).toBe("insufficient_data");
    expect(p.recommendation).toBe("review");
    expect(p.warnings).toEqual(["only 5 responses (< 10): no tier"]);
    expect(p.responseRate).toBeNull();
    expect(p.reasons).toBe("匿名评估 evaluation -10.0; 缺少 missing expert+attendance+followup: weights re-scaled; 上年不合格 previous year unqualified");
  });

  it("no evaluation: the reviews alone, their SD over √2, no tier, and no evaluation to adjust", () => {
    const p = get("P4");
    expect(p.score).toBe(85);
    expect(p.evalAdjusted).toBeNull();
    expect(p.se).toBeCloseTo(4 / Math.SQRT2, 10);
    expect(p.decision.tier).toBe("insufficient_data");
    expect(p.warnings).toEqual(["no evaluation responses: no tier"]);
    expect(p.evidence).toEqual(["expert"]);
    expect(p.missing).toEqual(["evaluation", "attendance", "followup"]);
    expect(p.responseRate).toBe(0);
    expect(p.reasons).toBe("专家评审 expert +7.5; 缺少 missing evaluation+attendance+followup: weights re-scaled; 上年不合格 previous year unqualified");
  });

  it("lists projects by their empirical-Bayes estimate within year and programme", () => {
    const ids = ["P1", "P2", "P3", "P4"];
    const ps = ids.map(get);
    const eb = empiricalBayes(ps.map((p) => p.score!), ps.map((p) => p.se));
    ps.forEach((p, i) => expect(p.shrunk).toBeCloseTo(eb.shrunk[i]!, 10));
    // The 2024 project is alone in its year: shrunk to itself.
    expect(get("P0").shrunk).toBeCloseTo(60, 10);
    expect(get("P0").decision.tier).toBe("unqualified");
    expect(get("P0").reasons).toBe("匿名评估 evaluation +0.0; 缺少 missing expert+attendance+followup: weights re-scaled");
  });
});

describe("case mix by hand", () => {
  // 40 projects of 4 institutions: evaluation = 70 + 5·institution − 6·online + 4·junior + 10·(rural − 0.5),
  // exactly; P40 (I0) has no rural share (taken at the mean of the others, 0.46); P41 has no institution
  // and P42 no evaluation (both left out of the fit and of the rural mean, though their rural share is 0.9).
  const design = Array.from({ length: 40 }, (_, i) => ({ i, inst: i % 4, online: i % 8 < 4, junior: i % 5 === 0, rural: [0.2, 0.4, 0.6, 0.8][Math.floor(i / 4) % 4]! }));
  const rows = [
    ...design.map((d) =>
      project(`P${d.i}`, { institution_id: `I${d.inst}`, mode: d.online ? "online" : "face_to_face", stage: d.junior ? "junior" : "primary", rural_share: d.rural, eval_raw: 70 + 5 * d.inst - (d.online ? 6 : 0) + (d.junior ? 4 : 0) + 10 * (d.rural - 0.5) }),
    ),
    project("P40", { institution_id: "I0", rural_share: null, eval_raw: 70 + 10 * (0.46 - 0.5) }),
    project("P41", { institution_id: null, rural_share: 0.9, eval_raw: 80 }),
    project("P42", { rural_share: 0.9, eval_raw: null, eval_sd: null, n_responses: 0, n_effective: null, n_reviews: 1, expert_score: 80 }),
  ];
  const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;

  it("recovers each effect within institutions, and puts every project of an institution on the same average mix", () => {
    const mix = fitCaseMix(rows);
    expect(mix.n).toBe(41);
    expect(mix.coef[mix.terms.indexOf("mode:online")]).toBeCloseTo(-6, 8);
    expect(mix.coef[mix.terms.indexOf("stage:junior")]).toBeCloseTo(4, 8);
    expect(mix.coef[mix.terms.indexOf("rural_share")]).toBeCloseTo(10, 8);
    expect(mix.coef[mix.terms.indexOf("stage:senior")]).toBeCloseTo(0, 8);
    // The average mix over the 41 fitted projects (equal weights): P40 is face to face, primary, at the rural mean.
    const online = design.filter((d) => d.online).length / 41;
    const junior = design.filter((d) => d.junior).length / 41;
    expect(mix.means[mix.terms.indexOf("mode:online")]).toBeCloseTo(online, 12);
    expect(mix.means[mix.terms.indexOf("rural_share")]).toBeCloseTo(0, 12); // centred on the rural mean
    expect(mean(design.map((d) => d.rural))).toBeCloseTo(0.46, 12); // 12 × 0.2, 12 × 0.4, 8 × 0.6, 8 × 0.8
    const scored = scoreProjects(rows, policy, mix);
    const adjusted = (id: string) => scored.find((s) => s.e.project_id === id)!.evalAdjusted!;
    // Everyone on the average mix: online and junior at their shares, rural at 0.46 (10 × (0.46 − 0.5) = −0.4).
    for (const d of design) expect(adjusted(`P${d.i}`)).toBeCloseTo(70 + 5 * d.inst - 6 * online + 4 * junior - 0.4, 8);
    expect(adjusted("P40")).toBeCloseTo(70 - 6 * online + 4 * junior - 0.4, 8);
    // Not fitted, but adjusted all the same: the institution-less project at rural 0.9.
    expect(adjusted("P41")).toBeCloseTo(80 - (-6 * (0 - online) + 4 * (0 - junior) + 10 * (0.9 - 0.46)), 8);
    expect(scored.find((s) => s.e.project_id === "P42")!.adjustment).toBe(0);
  });

  it("carries the coefficients' covariance into the adjusted score's error: dᵀ C d", () => {
    const mix = { ...fitCaseMix(rows) };
    const k = mix.terms.length;
    // A hand covariance: variance 4 for online, 9 for rural, covariance 1 between them.
    const on = mix.terms.indexOf("mode:online");
    const ru = mix.terms.indexOf("rural_share");
    mix.cov = Array.from({ length: k }, (_, j) => Array.from({ length: k }, (_, l) => (j === on && l === on ? 4 : j === ru && l === ru ? 9 : (j === on && l === ru) || (j === ru && l === on) ? 1 : 0)));
    const e = rows.find((r) => r.project_id === "P1")!; // online, primary, rural 0.2
    const dOn = 1 - mix.means[on]!;
    const dRu = 0.2 - 0.46 - mix.means[ru]!;
    expect(caseMixVariance(e, mix, 0.46)).toBeCloseTo(4 * dOn ** 2 + 9 * dRu ** 2 + 2 * dOn * dRu, 10);
    expect(caseMixAdjustment(e, mix, 0.46)).toBeCloseTo(-(mix.coef[on]! * dOn + mix.coef[ru]! * dRu + mix.coef.reduce((a, b, j) => (j === on || j === ru ? a : a + b * (0 - mix.means[j]!)), 0)), 8);
    // A negative variance from rounding is taken as 0; not applied, no adjustment and no variance.
    mix.cov = mix.cov.map((r, j) => r.map((x, l) => (j === l && j === on ? -1 : 0)));
    expect(caseMixVariance(e, mix, 0.46)).toBe(0);
    expect(caseMixVariance(e, { ...mix, applied: false }, 0.46)).toBe(0);
    expect(caseMixAdjustment(e, { ...mix, applied: false }, 0.46)).toBe(0);
    // And the score's error carries it: √(s²/n + dᵀ C d).
    const withCov = { ...fitCaseMix(rows), cov: Array.from({ length: k }, (_, j) => Array.from({ length: k }, (_, l) => (j === l && j === on ? 4 : 0))) };
    const p1 = scoreProjects(rows, policy, withCov).find((s) => s.e.project_id === "P1")!;
    expect(p1.se).toBeCloseTo(Math.sqrt(100 / 30 + 4 * dOn ** 2), 8);
  });
});

describe("the pooled SD", () => {
  it("leaves out classes of one and classes without an SD; a year with no pool keeps each class's own", () => {
    const one = scoreProjects([project("A", { n_effective: 1, n_responses: 1, eval_sd: 7 })], policy, fitCaseMix([]));
    expect(one[0]!.se).toBeCloseTo(7, 10);
    // B has no SD: 0 of its own, moderated towards the pool of A alone (SD 10): √(10·100/(29 + 10)) / √30.
    const rows = [project("A", {}), project("B", { eval_sd: null }), project("C", { n_effective: 1, eval_sd: 50 })];
    const s = scoreProjects(rows, policy, fitCaseMix(rows));
    expect(s[1]!.se).toBeCloseTo(Math.sqrt((10 * 100) / 39 / 30), 10);
    expect(s[0]!.se).toBeCloseTo(Math.sqrt(100 / 30), 10);
  });
});
