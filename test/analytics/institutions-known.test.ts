// Institution decisions with memory and integrity (analytics/institutions.ts), on hand-made projects.
import { describe, expect, it } from "vitest";
import { rankInstitutions } from "../../pipelines/analytics/institutions.ts";
import { fitCaseMix, scoreProjects, type Evidence } from "../../pipelines/analytics/scores.ts";
import { parsePolicy } from "../../pipelines/lib/policy.ts";

const policy = parsePolicy({});
const project = (id: string, year: number, inst: string, evalRaw: number, over: Partial<Evidence> = {}): Evidence =>
  ({
    project_id: id, year, institution_id: inst, county_code: null, program: "provincial", category: "c", mode: "face_to_face", stage: "primary",
    enrolled: 40, population: 40, rural_share: null, n_trainees: 40, n_responses: 40, n_effective: 40, n_excluded: 0, eval_raw: evalRaw, eval_sd: 4, eval_unweighted: evalRaw,
    n_reviews: 0, expert_score: null, expert_sd: null, attendance_rate: null, n_results: 0, completion_rate: null, attendance_score: null,
    n_followed: 0, followup_score: null, followup_sd: null, integrity_suspect: null, ...over,
  }) as Evidence;

// I1 weak two years running; I2 one project only; I3 strong; I4 strong but one project suspect; I5 middling.
const evidence = [
  project("A24", 2024, "I1", 55), project("B24", 2024, "I1", 57), project("C24", 2024, "I3", 96), project("D24", 2024, "I3", 97), project("E24", 2024, "I5", 80), project("F24", 2024, "I5", 82),
  project("A25", 2025, "I1", 56), project("B25", 2025, "I1", 58), project("G25", 2025, "I2", 90),
  project("C25", 2025, "I3", 96), project("D25", 2025, "I3", 97), project("H25", 2025, "I4", 94), project("K25", 2025, "I4", 95, { integrity_suspect: "top_mark_block" }),
  project("E25", 2025, "I5", 80), project("F25", 2025, "I5", 82), project("L25", 2025, "I5", 81, { n_responses: 5, n_effective: 5 }),
];
// Computed inside each test (not at import), so that mutation testing sees which test runs what.
const rank = () => rankInstitutions(scoreProjects(evidence, policy, fitCaseMix(evidence)), policy);
const at = (year: number, id: string) => rank().find((r) => r.year === year && r.institution_id === id)!;

describe("institution decisions", () => {
  it("counts projects and scored projects per institution and year", () => {
    expect(at(2025, "I5").n_projects).toBe(3);
    expect(at(2025, "I5").n_projects_scored).toBe(2);
    expect(at(2025, "I5").n_responses).toBe(40 + 40 + 5);
  });

  it("does not rank an institution with fewer scored projects than the policy asks, and says why", () => {
    const i2 = at(2025, "I2");
    expect(i2.recommendation).toBe("insufficient_data");
    expect(i2.rank).toBeNull();
    expect(i2.reasons).toContain("仅 1 个项目有评分 only 1 scored project(s) (< 2): not ranked");
  });

  it("drops after two unqualified years in a row, and names the streak", () => {
    expect(at(2024, "I1").tier).toBe("unqualified");
    expect(at(2025, "I1").tier).toBe("unqualified");
    expect(at(2025, "I1").recommendation).toBe("drop");
    expect(at(2025, "I1").reasons).toContain("连续 2 年不合格 unqualified 2 years in a row (policy: drop after 2)");
  });

  it("keeps a strong institution with a suspect project to review, naming the project", () => {
    expect(at(2025, "I3").recommendation).toBe("continue");
    expect(at(2025, "I4").recommendation).toBe("review");
    expect(at(2025, "I4").reasons).toContain("诚信存疑项目 integrity suspect projects: K25 (top_mark_block)");
  });

  it("ranks the ranked institutions by their shrunk score, 1 the highest", () => {
    const year = rank().filter((r) => r.year === 2025 && r.rank !== null).sort((a, b) => a.rank! - b.rank!);
    expect(year.map((r) => r.institution_id).slice(-2)).toEqual(["I5", "I1"]);
    expect(year.map((r) => r.rank)).toEqual([1, 2, 3, 4]);
    for (let k = 1; k < year.length; k++) expect(year[k - 1]!.score!).toBeGreaterThan(year[k]!.score!);
  });
});
