// Memory across years: consecutive unqualified years drop an institution at the policy's count,
// advice not acted upon is said so, and every row names what moved it.
import { describe, expect, it } from "vitest";
import { rankInstitutions } from "../../pipelines/analytics/institutions.ts";
import type { ProjectScore } from "../../pipelines/analytics/scores.ts";
import { parsePolicy } from "../../pipelines/lib/policy.ts";

function project(id: string, inst: string, year: number, score: number, parts: { expert?: number } = {}): ProjectScore {
  return {
    e: { project_id: id, year, institution_id: inst, n_responses: 40, n_effective: 40, expert_score: parts.expert ?? 85, attendance_score: 90, followup_score: null, integrity_suspect: null },
    evalAdjusted: score,
    score,
    se: 1,
    adjustment: 0,
    evidence: ["evaluation"],
    decision: { tier: "qualified", pExcellent: 0, pQualified: 1 },
  } as unknown as ProjectScore;
}

/** Ten ordinary institutions, A unqualified in `badA` years, B unqualified in `badB` years. */
function province(badA: number[], badB: number[]): ProjectScore[] {
  const out: ProjectScore[] = [];
  for (const year of [2023, 2024, 2025]) {
    for (let i = 0; i < 10; i++) for (let k = 0; k < 2; k++) out.push(project(`N${i}-${year}-${k}`, `N${i}`, year, 82 + (i % 5) + k));
    for (const [inst, bad] of [["A", badA], ["B", badB]] as const) {
      for (let k = 0; k < 2; k++) out.push(project(`${inst}-${year}-${k}`, inst, year, bad.includes(year) ? 62 + k : 84 + k, { expert: bad.includes(year) ? 70 : 85 }));
    }
  }
  return out;
}

const row = (rows: ReturnType<typeof rankInstitutions>, id: string, year: number) => rows.find((r) => r.institution_id === id && r.year === year)!;

describe("memory and reasons", () => {
  it("drops after two unqualified years in a row (the default), not after one", () => {
    const rows = rankInstitutions(province([2023, 2024], [2023]), parsePolicy({}));
    expect(row(rows, "A", 2023).tier).toBe("unqualified");
    expect(row(rows, "A", 2024).recommendation).toBe("drop");
    expect(row(rows, "A", 2024).reasons).toContain("unqualified 2 years in a row (policy: drop after 2)");
    expect(row(rows, "B", 2023).reasons).not.toContain("years in a row");
    expect(row(rows, "B", 2024).tier).not.toBe("unqualified");
  });

  it("follows the policy's count: three years needed, two are not enough", () => {
    const rows = rankInstitutions(province([2023, 2024, 2025], []), parsePolicy({ institutions: { drop_after_unqualified_years: 3 } }));
    expect(row(rows, "A", 2024).reasons).not.toContain("years in a row");
    expect(row(rows, "A", 2025).recommendation).toBe("drop");
    expect(row(rows, "A", 2025).reasons).toContain("unqualified 3 years in a row (policy: drop after 3)");
  });

  it("says so when last year's drop advice was not acted upon", () => {
    const rows = rankInstitutions(province([2023, 2024], []), parsePolicy({}));
    expect(row(rows, "A", 2024).recommendation).toBe("drop");
    expect(row(rows, "A", 2025).reasons).toContain("drop advised for 2024, not acted upon");
    expect(row(rows, "N1", 2025).reasons).not.toContain("not acted upon");
  });

  it("names the weakest and strongest project and the evidence furthest from the province", () => {
    const rows = rankInstitutions(province([2024], []), parsePolicy({}));
    const r = row(rows, "A", 2024);
    expect(r.reasons).toContain("最弱项目 weakest A-2024-0 62.0, 最强 strongest A-2024-1 63.0");
    // Evaluation: A's 62.5 against the year's mean (1,984 / 24 = 82.67) is the largest gap.
    expect(r.reasons).toContain("匿名评估 evaluation -20.2 vs 2024 全省 province mean");
  });
});
