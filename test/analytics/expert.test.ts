// The expert part of a project's score: its standard error from the reviewers' disagreement, or an
// assumed 5 points for a single review. Known answers on projects with nothing but expert evidence.
import { describe, expect, it } from "vitest";
import { fitCaseMix, scoreProjects, type Evidence } from "../../pipelines/analytics/scores.ts";
import { parsePolicy } from "../../pipelines/lib/policy.ts";

const policy = parsePolicy({});
const onlyExperts = (id: string, n_reviews: number, expert_sd: number | null): Evidence =>
  ({
    project_id: id, year: 2025, institution_id: "I1", county_code: null, program: "provincial", category: null, mode: "face_to_face", stage: "primary",
    enrolled: 40, population: 40, rural_share: null, n_trainees: 40, n_responses: 0, n_effective: null, n_excluded: null, eval_raw: null, eval_sd: null, eval_unweighted: null,
    n_reviews, expert_score: 80, expert_sd, attendance_rate: null, n_results: 0, completion_rate: null, attendance_score: null,
    n_followed: null, followup_score: null, followup_sd: null, integrity_suspect: null,
  }) as Evidence;

describe("expert evidence", () => {
  const rows = [onlyExperts("one", 1, null), onlyExperts("two", 2, 4), onlyExperts("four", 4, 6)];
  // Scored inside each test (not at collection), so that mutation testing sees which test runs what.
  const scored = () => scoreProjects(rows, policy, fitCaseMix(rows));
  const se = (id: string) => scored().find((s) => s.e.project_id === id)!.se;

  it("a single review: the assumed reviewer SD of 5 points", () => {
    expect(scored().find((s) => s.e.project_id === "one")!.score).toBe(80);
    expect(se("one")).toBeCloseTo(5, 10);
  });

  it("several reviews: their own SD over √n (4/√2, 6/√4)", () => {
    expect(se("two")).toBeCloseTo(4 / Math.SQRT2, 10);
    expect(se("four")).toBeCloseTo(3, 10);
  });

  it("no tier without evaluations, whatever the experts say", () => {
    expect(scored().every((s) => s.decision.tier === "insufficient_data")).toBe(true);
  });
});
