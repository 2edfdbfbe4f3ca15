// Comparable composites: a missing evidence part is predicted (impute.ts), not re-weighted away.
import { describe, expect, it } from "vitest";
import { fitCaseMix, scoreProjects, type Evidence } from "../../pipelines/analytics/scores.ts";
import { seeded } from "../../pipelines/lib/shared/stats.ts";
import { parsePolicy } from "../../pipelines/lib/policy.ts";

const policy = parsePolicy({});

function province(year: number, seed: number, opts: { followups: boolean; expertEvery: number }): Evidence[] {
  const rand = seeded(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand());
  return Array.from({ length: 60 }, (_, i) => {
    const q = 78 + 6 * gauss();
    return {
      project_id: `P${year}-${i}`, year, institution_id: `I${i % 12}`, county_code: null, program: "provincial", category: null, mode: "face_to_face", stage: "primary",
      population: 40, rural_share: 0.5, n_responses: 35, n_effective: 35, n_excluded: 0, eval_raw: q, eval_sd: 12, eval_unweighted: q,
      n_reviews: i % opts.expertEvery === 0 ? 2 : 0, expert_score: i % opts.expertEvery === 0 ? 0.8 * q + 18 + 3 * gauss() : null, expert_sd: 4,
      attendance_score: 88 + 3 * gauss(), attendance_rate: 0.9, completion_rate: 0.9, n_results: 40,
      n_followed: opts.followups ? 30 : 0, followup_score: opts.followups ? 0.7 * q + 25 + 4 * gauss() : null, followup_sd: 10, n_trainees: 40, integrity_suspect: null,
    } as Evidence;
  });
}

const sd = (xs: number[]) => {
  const m = xs.reduce((a, x) => a + x, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
};

describe("comparable composites", () => {
  it("adding an expert review equal to the project's predicted review leaves its score unchanged", () => {
    const rows = province(2025, 1, { followups: true, expertEvery: 2 });
    const before = scoreProjects(rows, policy, fitCaseMix(rows));
    const x = before.find((s) => s.e.project_id === "P2025-1")!;
    expect(x.imputed).toEqual(["expert"]);
    expect(x.evidence).not.toContain("expert");
    const predicted = (x as unknown as { comps: { name: string; value: number }[] }).comps.find((c) => c.name === "expert")!.value;
    const withReview = rows.map((r) => (r.project_id === "P2025-1" ? { ...r, n_reviews: 2, expert_score: predicted, expert_sd: 4 } : r));
    const after = scoreProjects(withReview, policy, fitCaseMix(withReview)).find((s) => s.e.project_id === "P2025-1")!;
    expect(after.imputed).toEqual([]);
    expect(after.score).toBeCloseTo(x.score!, 10);
    // Predicted evidence is less certain than observed: the interval narrows when the review arrives.
    expect(after.se).toBeLessThan(x.se);
  });

  it("a year without follow-ups has the same spread of scores as one with", () => {
    const rows = [...province(2024, 7, { followups: true, expertEvery: 3 }), ...province(2025, 7, { followups: false, expertEvery: 3 }).map((r) => ({ ...r }))];
    const scores = scoreProjects(rows, policy, fitCaseMix(rows));
    const of = (y: number) => scores.filter((s) => s.e.year === y).map((s) => s.score!);
    // Same classes, same evaluations: only the follow-ups differ.
    const ratio = sd(of(2025)) / sd(of(2024));
    expect(ratio).toBeGreaterThan(0.9);
    expect(ratio).toBeLessThan(1.1);
    expect(scores.filter((s) => s.e.year === 2025).every((s) => s.imputed.includes("followup"))).toBe(true);
  });
});
