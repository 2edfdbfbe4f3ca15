// The warning's validation: known answers for the clustered bootstrap AUC, Wilson intervals, Platt
// recalibration and the fairness gate; a province with one past year validated by a time-ordered
// split; risks of running projects close to what happens.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { generateDemo } from "../../data/generator/demo.ts";
import { seeded } from "../../pipelines/lib/shared/stats.ts";
import { setQuiet } from "../../pipelines/lib/log.ts";
import { run } from "../../pipelines/run.ts";
import { auc, calibrationError, clusterWeights, platt, recalibrate, weightedAucs, wilson } from "../../pipelines/warnings/model.ts";
import { fairness, type Row } from "../../pipelines/warnings/warnings.ts";
import { csvRows, query, tmpDir, writeFiles } from "../helpers.ts";

setQuiet(true);

describe("validation statistics", () => {
  it("weighted AUC: equal weights give the plain AUC; a hand-counted weighting", () => {
    const s = [0.1, 0.4, 0.35, 0.8, 0.4];
    const y = [0, 0, 1, 1, 1];
    expect(weightedAucs(s, y, [[1, 1, 1, 1, 1]])[0]).toBeCloseTo(auc(s, y), 12);
    // Weight 2 on the first negative: pairs (pos, neg) = 3×(2+1) = 9 weighted; the positive 0.35
    // is above 0.1 (2) and below 0.4 (0): 2; 0.8 above both: 3; 0.4 above 0.1 (2), tied with 0.4 (0.5): 2.5 → 7.5/9.
    expect(weightedAucs(s, y, [[2, 1, 1, 1, 1]])[0]).toBeCloseTo(7.5 / 9, 12);
    const w = clusterWeights(["a", "a", "b", "c"], 3, 1);
    expect(w).toEqual(clusterWeights(["a", "a", "b", "c"], 3, 1));
    for (const row of w) expect(row[0]).toBe(row[1]); // a project's rows go together
  });

  it("Wilson interval and Platt recalibration recover known answers", () => {
    const [lo, hi] = wilson(5, 10);
    expect(lo).toBeCloseTo(0.2366, 3);
    expect(hi).toBeCloseTo(0.7634, 3);
    // Outcomes drawn from logit(p*) = 0.5 + 2 logit(p): Platt finds (0.5, 2).
    const rand = seeded(5);
    const p = Array.from({ length: 40_000 }, () => 0.05 + 0.9 * rand());
    const lg = (x: number) => Math.log(x / (1 - x));
    const y = p.map((x) => (rand() < 1 / (1 + Math.exp(-(0.5 + 2 * lg(x)))) ? 1 : 0));
    const c = platt(p, y);
    expect(c.a).toBeCloseTo(0.5, 1);
    expect(c.b).toBeCloseTo(2, 1);
    expect(Math.abs(calibrationError(recalibrate(p, c), y).in_the_large)).toBeLessThan(0.01);
    expect(calibrationError(recalibrate(p, c), y).decile_error).toBeLessThan(calibrationError(p, y).decile_error);
  });

  it("the fairness gate names a group missed far more often, and only then", () => {
    const rows: Row[] = [];
    const y: number[] = [];
    const high: boolean[] = [];
    // 60 at-risk trainees per stage; senior missed 60 %, primary 20 %, junior 25 %.
    for (const [stage, missed] of [["senior", 36], ["primary", 12], ["junior", 15]] as const) {
      for (let i = 0; i < 60; i++) {
        rows.push({ year: 2025, progress: 0.5, at_risk: 1, rural: null, stage, project_id: `P${i % 6}` });
        y.push(1);
        high.push(i >= missed);
      }
    }
    const f = fairness(rows, high, y);
    // Compared with the group missed least often (primary, 20 %): senior named, junior (25 %) not.
    expect(f.flagged).toEqual(["stage senior misses 60 % of its at-risk trainees [47, 71], stage primary 20 % [12, 32]"]);
    const even = fairness(rows, rows.map((_, i) => i % 3 !== 0), y);
    expect(even.flagged).toEqual([]);
  });
});

describe("a province in its first year of use", () => {
  it("validates on a time-ordered split inside its one year of outcomes, with an AUC interval against the rules", async () => {
    const input = await tmpDir();
    await generateDemo({ out: input, scale: 1.5, seed: 77 });
    const out = await tmpDir();
    await writeFiles(out, {});
    const policyDir = await tmpDir();
    await writeFiles(policyDir, { "policy.json": JSON.stringify({ warning: { as_of: "2024-02-01" } }) });
    const r = await run({ input, out: path.join(out, "results"), policy: path.join(policyDir, "policy.json") });
    expect(r.exitCode).toBe(0);
    const w = JSON.parse(await readFile(path.join(out, "results", "manifest.json"), "utf8")).analysis.warning;
    expect(w.training_years).toEqual([2023]);
    expect(w.metrics.validated).toMatch(/^time-ordered split within 2023: trained on the \d+ projects that started first/);
    expect(w.metrics.auc_low).toBeLessThan(w.metrics.auc);
    expect(w.metrics.auc_high).toBeGreaterThan(w.metrics.auc);
    console.log(`one past year: ${w.method}, AUC ${w.metrics.auc.toFixed(3)} [${w.metrics.auc_low.toFixed(3)}, ${w.metrics.auc_high.toFixed(3)}], rules ${w.metrics.rule_auc.toFixed(3)}; calibration after ${JSON.stringify(w.metrics.calibration_after)}`);
    expect(w.method).toBe("model");
    expect(Math.abs(w.metrics.calibration_after.in_the_large)).toBeLessThan(0.05);
  }, 240_000);
});

describe("risks of the projects running now", () => {
  it("come within 0.05 of the rate that happens (the truth of the simulation), at 40-80 % of their course", async () => {
    const input = await tmpDir();
    await generateDemo({ out: input, scale: 1.5, seed: 404 });
    const out = path.join(await tmpDir(), "results");
    const r = await run({ input, out });
    expect(r.exitCode).toBe(0);
    const [, ...truth] = csvRows(await readFile(path.join(input, "_truth_risk.csv"), "utf8"));
    const pTrue = new Map(truth.map((t) => [`${t[0]}|${t[1]}`, Number(t[3])]));
    const cur = await query<{ project_id: string; teacher_id: string; risk: number; progress: number }>(r.dbFile, `SELECT project_id, teacher_id, risk, progress FROM teacher_warnings`);
    const known = cur.filter((c) => pTrue.has(`${c.project_id}|${c.teacher_id}`));
    expect(known.length).toBeGreaterThan(50);
    const meanRisk = known.reduce((a, c) => a + Number(c.risk), 0) / known.length;
    const meanTrue = known.reduce((a, c) => a + pTrue.get(`${c.project_id}|${c.teacher_id}`)!, 0) / known.length;
    console.log(`running projects: ${known.length} trainees, progress ${Math.min(...known.map((k) => k.progress)).toFixed(2)}–${Math.max(...known.map((k) => k.progress)).toFixed(2)}, mean risk ${meanRisk.toFixed(3)}, true rate ${meanTrue.toFixed(3)}`);
    expect(Math.abs(meanRisk - meanTrue)).toBeLessThan(0.05);
    const w = JSON.parse(await readFile(path.join(out, "manifest.json"), "utf8")).analysis.warning;
    expect(w.metrics.calibration_after.decile_error).toBeLessThanOrEqual(0.05);
    // Missing values carry an indicator (a trainee with no assignment due yet is not the average one).
    expect(w.missing_indicators).toContain("assignment_score");
    expect(Object.keys(w.coefficients)).toContain("assignment_score_missing");
    expect(typeof w.hours_zero_filled).toBe("number");
    const bySchool = csvRows(await readFile(path.join(out, "warnings_by_school.csv"), "utf8"));
    expect(bySchool[0]).toEqual(["year", "county_code", "school_id", "trainees", "high", "medium", "commonest_reason"]);
    expect(bySchool.slice(1).reduce((a, row) => a + Number(row[3]), 0)).toBe(cur.length);
  }, 240_000);
});
