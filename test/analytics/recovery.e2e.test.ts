// Simulated province with planted truths: the ranking must recover institution quality, not
// reward stuffing, and not punish an average institution for teaching online.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { generateDemo } from "../../data/generator/demo.ts";
import { normalCdf, spearman } from "../../pipelines/lib/shared/stats.ts";
import { setQuiet } from "../../pipelines/lib/log.ts";
import { run } from "../../pipelines/run.ts";
import { csvRows, query, tmpDir } from "../helpers.ts";

setQuiet(true);

type Row = Record<string, string>;
async function readCsv(file: string): Promise<Row[]> {
  const [header, ...rows] = csvRows(await readFile(file, "utf8"));
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ""])));
}

describe("planted truths", () => {
  let out: string;
  let db: string;
  let truth: { institutions: Record<string, { quality: number; onlineHeavy: boolean; stuffing: boolean }>; projects: Record<string, { stuffed: boolean }> };
  let rankings: Row[];
  beforeAll(async () => {
    const input = await tmpDir();
    out = await tmpDir();
    await generateDemo({ out: input, scale: 1, seed: 2026 });
    truth = JSON.parse(await readFile(path.join(input, "_truth.json"), "utf8"));
    db = (await run({ input, out })).dbFile;
    rankings = await readCsv(path.join(out, "institution_rankings.csv"));
  }, 120_000);

  /** Mean over years of one score column per institution, against the planted quality. */
  const recovery = (column: string) => {
    const by = new Map<string, number[]>();
    for (const r of rankings) by.set(r.institution_id!, [...(by.get(r.institution_id!) ?? []), Number(r[column])]);
    const ids = [...by.keys()].filter((id) => !truth.institutions[id]!.stuffing);
    return spearman(
      ids.map((id) => truth.institutions[id]!.quality),
      ids.map((id) => by.get(id)!.reduce((a, x) => a + x, 0) / by.get(id)!.length),
    );
  };

  it("recovers planted institution quality (Spearman), better with the case-mix adjustment", () => {
    const raw = recovery("raw_score");
    const adjusted = recovery("score");
    console.log(`rank correlation with planted quality: raw ${raw.toFixed(3)}, adjusted+shrunk ${adjusted.toFixed(3)}`);
    expect(adjusted).toBeGreaterThan(0.8);
    expect(adjusted).toBeGreaterThan(raw);
  });

  it("does not rank the online-heavy institution of average quality at the bottom", async () => {
    const online = Object.keys(truth.institutions).find((id) => truth.institutions[id]!.onlineHeavy)!;
    const ranked = rankings.filter((x) => x.institution_id === online && x.rank !== "");
    expect(ranked.length).toBeGreaterThanOrEqual(3);
    for (const r of ranked) {
      const n = rankings.filter((x) => x.year === r.year && x.rank !== "").length;
      expect(Number(r.rank), `year ${r.year}`).toBeLessThan(n * 0.85);
      expect(Number(r.rank_low)).toBeLessThanOrEqual(Number(r.rank));
      expect(Number(r.rank_high)).toBeGreaterThanOrEqual(Number(r.rank));
    }
    const sensitivity = await readCsv(path.join(out, "institution_sensitivity.csv"));
    const moves = sensitivity.filter((x) => x.institution_id === online).map((x) => Number(x.rank_raw) - Number(x.rank_adjusted));
    // The adjustment lifts it in every year (a lower rank number is better).
    expect(moves.length).toBeGreaterThan(0);
    for (const m of moves) expect(m).toBeGreaterThan(0);
  });

  it("flags planted stuffing and does not let it lift the project", async () => {
    const stuffed = Object.entries(truth.projects).filter(([, p]) => p.stuffed).map(([id]) => id);
    expect(stuffed.length).toBeGreaterThan(0);
    const flags = await readCsv(path.join(out, "integrity_flags.csv"));
    for (const pid of stuffed) {
      const f = flags.filter((x) => x.project_id === pid).map((x) => x.flag);
      expect(f, pid).toContain("burst");
      expect(f, pid).toContain("excluded");
    }
    // Stuffed answers are fast (< 60 s); genuine ones take minutes. The integrity-weighted score must
    // match the genuine answers, while a plain mean would be lifted.
    const rows = await query<{ project_id: string; weighted: number; plain: number; genuine: number }>(
      db,
      `SELECT r.project_id, e.eval_raw AS weighted, avg(r.score) AS plain, avg(r.score) FILTER (WHERE r.duration_seconds >= 60) AS genuine
       FROM response_scores r JOIN project_evidence e USING (project_id)
       WHERE r.project_id IN (${stuffed.map((s) => `'${s}'`).join(", ")}) GROUP BY ALL`,
    );
    for (const r of rows) {
      expect(Math.abs(r.weighted - r.genuine), r.project_id).toBeLessThan(1.5);
      expect(r.plain - r.genuine, r.project_id).toBeGreaterThan(2);
    }
  });

  it("publishes every contract output with its required columns and every year", async () => {
    const required: Record<string, string[]> = {
      "institution_rankings.csv": ["year", "institution_id", "name", "n_projects", "n_responses", "score", "ci_low", "ci_high", "rank", "tier", "recommendation"],
      "project_tiers.csv": ["year", "project_id", "institution_id", "n_responses", "response_rate", "score", "ci_low", "ci_high", "tier", "recommendation"],
      "county_performance.csv": ["year", "county_code", "score", "grade", "support_cny"],
      "integrity_flags.csv": ["year", "project_id", "institution_id", "flag", "affected_responses", "share"],
    };
    for (const [file, columns] of Object.entries(required)) {
      const [header] = csvRows(await readFile(path.join(out, file), "utf8"));
      expect(header!.slice(0, columns.length), file).toEqual(columns);
    }
    const years = new Set((await readCsv(path.join(out, "project_tiers.csv"))).map((r) => r.year));
    expect([...years].sort()).toEqual(["2023", "2024", "2025", "2026"]);
  });

  it("grades counties and sets support exactly by the policy's cut-offs, with an interval and probabilities", async () => {
    const counties = await readCsv(path.join(out, "county_performance.csv"));
    expect(counties.length).toBeGreaterThan(0);
    let withSe = 0;
    for (const c of counties) {
      const s = Number(c.score);
      const se = Number(c.se);
      const grade = s >= 90 ? "excellent" : s >= 75 ? "qualified" : "unqualified";
      expect(c.grade).toBe(grade);
      expect(Number(c.support_cny)).toBe({ excellent: 3_000_000, qualified: 2_000_000, unqualified: 0 }[grade]);
      // Score = 0.4 × indicators + 0.6 × outcomes (policy county.weights, the defaults).
      expect(s).toBeCloseTo(0.4 * Number(c.indicators_score) + 0.6 * Number(c.outcomes_score), 0);
      if (se > 0) {
        withSe++;
        expect(Number(c.ci_low)).toBeCloseTo(s - 1.959964 * se, 1);
        expect(Number(c.ci_high)).toBeCloseTo(s + 1.959964 * se, 1);
        // Recomputed from the published (rounded) score and SE: equal to within rounding.
        expect(Number(c.p_excellent)).toBeCloseTo(normalCdf((s - 90) / se), 1);
        expect(Number(c.p_qualified)).toBeCloseTo(normalCdf((s - 75) / se), 1);
        const near = (p: number) => p >= 0.1 && p <= 0.9;
        const ps = [Number(c.p_excellent), Number(c.p_qualified)];
        // (a published probability within rounding of 0.1 or 0.9 could fall either way)
        if (ps.every((p) => Math.abs(p - 0.1) > 0.002 && Math.abs(p - 0.9) > 0.002)) expect(c.near_cutoff).toBe(String(ps.some(near)));
      }
    }
    expect(withSe).toBeGreaterThan(counties.length / 2);
  });

  it("counts a county's teachers meeting 360 hours per 5 years (pro rata) exactly as the rule reads", async () => {
    const hours = await query<{ teacher_id: string; year: number; hours: number }>(db, `SELECT teacher_id, CAST(year AS INTEGER) AS year, CAST(hours AS DOUBLE) AS hours FROM hours WHERE hours IS NOT NULL`);
    // The archive names each teacher's county (it covers untrained teachers too).
    const homes = await query<{ teacher_id: string; county_code: string }>(db, `SELECT DISTINCT teacher_id, county_code FROM hours WHERE county_code IS NOT NULL`);
    const home = new Map(homes.map((h) => [h.teacher_id, h.county_code]));
    expect(home.size).toBe(homes.length); // one county per teacher in the demo: the rule below is unambiguous
    const totals = new Map((await query<{ county_code: string; teachers_total: bigint }>(db, `SELECT county_code, teachers_total FROM counties`)).map((c) => [c.county_code, Number(c.teachers_total)]));
    const rows = await query<{ county_code: string; year: number; hours_share: number | null }>(db, `SELECT county_code, CAST(year AS INTEGER) AS year, hours_share FROM county_performance`);
    let checked = 0;
    for (const r of rows) {
      const per = new Map<string, { sum: number; first: number }>();
      for (const h of hours) {
        if (home.get(h.teacher_id) !== r.county_code || h.year > r.year || h.year < r.year - 4) continue;
        const p = per.get(h.teacher_id) ?? { sum: 0, first: h.year };
        per.set(h.teacher_id, { sum: p.sum + Number(h.hours), first: Math.min(p.first, h.year) });
      }
      if (per.size === 0) {
        expect(r.hours_share).toBeNull();
        continue;
      }
      const meets = [...per.values()].filter((p) => p.sum >= (360 * Math.min(r.year - p.first + 1, 5)) / 5).length;
      // Over the county's teachers_total, not over the teachers found.
      expect(per.size).toBeGreaterThan(totals.get(r.county_code)! * 0.9);
      expect(Number(r.hours_share)).toBeCloseTo(meets / totals.get(r.county_code)!, 4); // published to 4 decimals
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });

  it("reports reliability with intervals for every dimension and year", async () => {
    const rel = await readCsv(path.join(out, "reliability.csv"));
    expect(new Set(rel.map((r) => r.dimension)).size).toBe(8);
    for (const r of rel) {
      expect(Number(r.alpha_low)).toBeLessThanOrEqual(Number(r.alpha));
      expect(Number(r.alpha_high)).toBeGreaterThanOrEqual(Number(r.alpha));
      // ω only where a dimension has three items or more (a one-factor model needs them).
      if (Number(r.n_items) >= 3) expect(Number(r.omega)).toBeGreaterThan(0.5);
      else expect(r.omega).toBe("");
    }
    expect(rel.some((r) => Number(r.n_items) < 3)).toBe(true);
    // The reliability of a project's mean, per year, with an interval from a project-clustered bootstrap.
    const icc = await readCsv(path.join(out, "project_icc.csv"));
    expect(icc.map((r) => r.year)).toEqual(["2023", "2024", "2025", "2026"]);
    for (const r of icc) {
      expect(Number(r.icc1)).toBeGreaterThan(0);
      expect(Number(r.icck)).toBeGreaterThan(Number(r.icc1));
      expect(Number(r.icc1_low)).toBeLessThanOrEqual(Number(r.icc1));
      expect(Number(r.icc1_high)).toBeGreaterThanOrEqual(Number(r.icc1));
    }
  });
});
