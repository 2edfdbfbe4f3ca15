// The institution model (multilevel.ts, institutions.ts) against hand-computed answers and a
// simulated province where one-project institutions exist.
import { describe, expect, it } from "vitest";
import { rankInstitutions } from "../../pipelines/analytics/institutions.ts";
import { betweenProjectVariance, classMean, discountedPool, lastingQuality } from "../../pipelines/analytics/multilevel.ts";
import type { ProjectScore } from "../../pipelines/analytics/scores.ts";
import { seeded } from "../../pipelines/lib/shared/stats.ts";
import { parsePolicy } from "../../pipelines/lib/policy.ts";

describe("class-to-class variance σ² (method of moments)", () => {
  it("matches the hand computation on two institutions", () => {
    // SS = 8 + 18 = 26; sampling = ½·2 + ⅔·12 = 9; df = 1 + 2 = 3 → σ² = 17/3
    const groups = [
      [{ y: 80, se: 1 }, { y: 84, se: 1 }],
      [{ y: 70, se: 2 }, { y: 76, se: 2 }, { y: 73, se: 2 }],
      [{ y: 99, se: 1 }], // one project: no information on σ²
    ];
    expect(betweenProjectVariance(groups)).toBeCloseTo(17 / 3, 12);
    expect(betweenProjectVariance([[{ y: 1, se: 1 }]])).toBeNaN();
    expect(betweenProjectVariance([[{ y: 80, se: 5 }, { y: 80.5, se: 5 }]])).toBe(0);
  });

  it("recovers a planted σ² = 4 from 400 simulated institutions", () => {
    const rand = seeded(3);
    const gauss = () => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand());
    const groups = Array.from({ length: 400 }, () => {
      const theta = 80 + 5 * gauss();
      return Array.from({ length: 2 + Math.floor(rand() * 4) }, () => {
        const se = 1 + 2 * rand();
        return { y: theta + 2 * gauss() + se * gauss(), se };
      });
    });
    expect(betweenProjectVariance(groups)).toBeGreaterThan(3.3);
    expect(betweenProjectVariance(groups)).toBeLessThan(4.7);
  });
});

describe("an institution's lasting quality", () => {
  it("weights projects by 1/(σ² + s²) and carries σ² in full for one project", () => {
    const q = lastingQuality([{ y: 80, se: 1 }, { y: 90, se: 2 }], 4);
    // weights 1/5 and 1/8: mean (16 + 11.25)/(0.325) = 83.846; variance 1/0.325
    expect(q.mean).toBeCloseTo(27.25 / 0.325, 10);
    expect(q.variance).toBeCloseTo(1 / 0.325, 10);
    expect(lastingQuality([{ y: 90, se: 1 }], 4).variance).toBe(5);
    // This year's classes as they were: response-weighted, sampling error only.
    const c = classMean([{ y: 80, se: 1, n: 30 }, { y: 90, se: 2, n: 10 }]);
    expect(c.mean).toBe(82.5);
    expect(c.variance).toBeCloseTo(0.75 ** 2 + 0.25 ** 2 * 4, 12);
  });

  it("in a simulated province, one-project institutions get wider intervals and more shrinkage than the rest", () => {
    const rand = seeded(9);
    const gauss = () => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand());
    const scores: ProjectScore[] = [];
    for (let i = 0; i < 40; i++) {
      const theta = 82 + 4 * gauss();
      const k = i < 10 ? 1 : 2 + (i % 4);
      for (let p = 0; p < k; p++) {
        const n = 20 + Math.floor(rand() * 60);
        const se = 12 / Math.sqrt(n);
        scores.push({
          e: { project_id: `P${i}-${p}`, year: 2025, institution_id: `I${String(i).padStart(2, "0")}`, n_responses: n, n_effective: n },
          score: theta + 3 * gauss() + se * gauss(),
          se,
          adjustment: 0,
          evidence: ["evaluation"],
          decision: { tier: "qualified", pExcellent: 0, pQualified: 1 },
        } as unknown as ProjectScore);
      }
    }
    const out = rankInstitutions(scores, parsePolicy({}));
    const one = out.filter((r) => r.n_projects_scored === 1);
    const many = out.filter((r) => r.n_projects_scored > 1);
    const width = (r: (typeof out)[number]) => r.ciHigh - r.ciLow;
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    expect(one).toHaveLength(10);
    expect(Math.min(...one.map(width))).toBeGreaterThan(median(out.map(width)));
    expect(Math.max(...one.map((r) => r.shrinkWeight))).toBeLessThan(median(many.map((r) => r.shrinkWeight)));
    // Below the policy's minimum of 2 projects: shown, not ranked, with the reason.
    for (const r of one) {
      expect(r.rank).toBeNull();
      expect(r.tier).toBe("insufficient_data");
      expect(r.recommendation).toBe("insufficient_data");
      expect(r.reasons).toContain("not ranked");
    }
    expect(many.map((r) => r.rank).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    // σ² planted at 9 is found (moments over 30 institutions).
    expect(out[0]!.sigma2).toBeGreaterThan(5);
    expect(out[0]!.sigma2).toBeLessThan(14);
  });
});

describe("several years pooled (EVAAS-style discount)", () => {
  it("weights each year by precision × discount^age, within the window", () => {
    const years = [
      { year: 2022, mean: 70, variance: 4 },
      { year: 2023, mean: 80, variance: 4 },
      { year: 2024, mean: 90, variance: 2 },
      { year: 2025, mean: 60, variance: 4 },
    ];
    // 2024, 2025 out of window 2 ending 2024: weights 0.5/4 = 0.125 (2023) and 1/2 = 0.5 (2024).
    const p = discountedPool(years, 2024, 0.5, 2)!;
    expect(p.years).toBe(2);
    expect(p.mean).toBeCloseTo((0.125 * 80 + 0.5 * 90) / 0.625, 12);
    expect(p.variance).toBeCloseTo(1 / 0.625, 12);
    expect(discountedPool(years, 2024, 0, 3)!.mean).toBe(90);
    expect(discountedPool(years, 2021, 0.5, 3)).toBeNull();
  });

  it("keeps a good institution above the drop line through one bad class, and a bad one below through one good year", () => {
    const project = (id: string, inst: string, year: number, score: number) =>
      ({ e: { project_id: id, year, institution_id: inst, n_responses: 40, n_effective: 40 }, score, se: 1.5, adjustment: 0, evidence: ["evaluation"], imputed: [], decision: { tier: "qualified", pExcellent: 0, pQualified: 1 } }) as unknown as ProjectScore;
    const rows: ProjectScore[] = [];
    for (const year of [2023, 2024, 2025]) {
      for (let i = 0; i < 12; i++) for (let k = 0; k < 2; k++) rows.push(project(`N${i}-${year}-${k}`, `N${i}`, year, 78 + (i % 6) + k));
      for (let k = 0; k < 2; k++) rows.push(project(`G-${year}-${k}`, "G", year, year === 2025 ? 68 : 88));
      for (let k = 0; k < 2; k++) rows.push(project(`B-${year}-${k}`, "B", year, year === 2025 ? 86 : 66));
    }
    const out = rankInstitutions(rows, parsePolicy({}));
    const g = out.find((r) => r.institution_id === "G" && r.year === 2025)!;
    const b = out.find((r) => r.institution_id === "B" && r.year === 2025)!;
    expect(g.multiYearYears).toBe(3);
    expect(g.score).toBeLessThan(75);
    expect(g.multiYearScore).toBeGreaterThan(g.score + 3);
    expect(b.score).toBeGreaterThan(80);
    expect(b.multiYearScore).toBeLessThan(b.score - 3);
  });
});
