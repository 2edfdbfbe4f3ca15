// The early warning's learned path on warning_features built by hand (warnings/warnings.ts): the
// out-of-time split, the release gate, and the SQL that scores running trainees giving the same
// risk as the released model and its recalibration computed here in JavaScript; the time-ordered
// split of a single year; the rules' observed rates when the model is not released; the fairness text.
import { describe, expect, it } from "vitest";
import { openDb, type Db } from "../../pipelines/lib/db.ts";
import { setQuiet } from "../../pipelines/lib/log.ts";
import { parsePolicy } from "../../pipelines/lib/policy.ts";
import { seeded } from "../../pipelines/lib/shared/stats.ts";
import { checkModel, createMeasures, SQL_TYPES, writeRows } from "../../pipelines/models/model.ts";
import warningFit from "../../pipelines/models/warning_fit.ts";
import teacherWarnings from "../../pipelines/models/teacher_warnings.ts";
import warningFeatures from "../../pipelines/models/warning_features.ts";
import { brier, calibration, calibrationError, confusion, fitLogistic, platt, predict, recalibrate, wilson } from "../../pipelines/warnings/model.ts";
import { earlyWarning } from "./early-warning.ts";
import { applyWarning, fairness, FEATURES, fitRows, fitWarning, hashHalf, readFit, sampleTraining, type Fit, type Row } from "../../pipelines/warnings/warnings.ts";

setQuiet(true);
const policy = parsePolicy({});

interface Trainee {
  project_id: string;
  teacher_id: string;
  year: number;
  role: "train" | "current";
  start: string;
  f: Record<(typeof FEATURES)[number], number | null>;
  at_risk: number | null;
}

/**
 * Trainees of `projects` projects a year, 15 each. At risk when the assignment score (plus noise)
 * is under 65; absences and missing assignments (what the rules read) are unrelated to the outcome
 * when `learnable`, and the outcome is a coin toss otherwise.
 */
function trainees(years: number[], projects: number, learnable: boolean, current = 0, gaps = false): Trainee[] {
  const rand = seeded(42);
  const out: Trainee[] = [];
  const make = (year: number, p: number, role: "train" | "current") => {
    for (let t = 0; t < 15; t++) {
      const f = {
        progress: [0.25, 0.5, 0.75][t % 3]!,
        absence_rate: Math.round(rand() * 4) / 10,
        late_rate: Math.round(rand() * 3) / 10,
        practice_absence_rate: Math.round(rand() * 2) / 10,
        assignments_missing_rate: t % 4 === 0 ? 0.5 : 0,
        assignment_score: Math.round(50 + rand() * 45),
        prior_projects: t % 3,
        prior_fail_rate: (t % 3) * 0.2,
        hours_cycle: 100 + 10 * (t % 7),
        online: p % 2,
      };
      const risky = learnable ? f.assignment_score + 6 * (rand() - 0.5) < 65 : rand() < 0.3;
      // With gaps: no assignment marked yet for one trainee in five, no earlier project (so no
      // earlier failure rate) for a third, and no hours archive at all.
      const shown: Trainee["f"] = gaps ? { ...f, assignment_score: t % 5 === 4 ? null : f.assignment_score, prior_fail_rate: f.prior_projects === 0 ? null : f.prior_fail_rate, hours_cycle: null } : f;
      out.push({ project_id: `${role === "current" ? "C" : "P"}${year}-${String(p).padStart(2, "0")}`, teacher_id: `T${year}-${p}-${t}`, year, role, start: `${year}-03-${String(p + 1).padStart(2, "0")}`, f: shown, at_risk: role === "current" ? null : risky ? 1 : 0 });
    }
  };
  for (const year of years) for (let p = 0; p < projects; p++) make(year, p, "train");
  for (let p = 0; p < current; p++) make(2025, p, "current");
  return out;
}

async function warehouse(rows: Trainee[]): Promise<Db> {
  const db = await openDb(":memory:");
  await createMeasures(db);
  await db.run(`CREATE TABLE warning_features (${Object.entries(warningFeatures.columns).map(([n, c]) => `"${n}" ${SQL_TYPES[c.type]}`).join(", ")})`);
  await db.run(`CREATE TABLE projects (project_id VARCHAR, start_date DATE)`);
  await db.run(`CREATE TABLE trainees (project_id VARCHAR, teacher_id VARCHAR, title VARCHAR)`);
  await db.run(`CREATE TABLE warning_cuts (project_id VARCHAR, role VARCHAR)`);
  await db.run(`CREATE TABLE warning_windows (project_id VARCHAR, end_inferred BOOLEAN)`);
  const values = rows.map((r) => {
    const f = r.f;
    const v = (x: number | null) => (x === null ? "NULL" : String(x));
    return `('${r.project_id}', '${r.teacher_id}', ${r.year}, '${r.role}', ${f.progress}, DATE '${r.year}-06-01', DATE '${r.start}', 'C1', 'S1', 'primary', ${r.teacher_id.endsWith("1")}, 20, ${f.absence_rate}, ${f.late_rate}, ${f.practice_absence_rate}, 4, ${f.assignments_missing_rate}, ${v(f.assignment_score)}, ${f.prior_projects}, ${v(f.prior_fail_rate)}, ${v(f.hours_cycle)}, ${f.online}, rules_hit(${f.absence_rate}, ${f.assignments_missing_rate}), ${r.at_risk ?? "NULL"})`;
  });
  await db.run(
    `INSERT INTO warning_features (project_id, teacher_id, year, role, progress, cut_date, start_date, county_code, school_id, stage, rural, sessions, absence_rate, late_rate, practice_absence_rate, assignments_due, assignments_missing_rate, assignment_score, prior_projects, prior_fail_rate, hours_cycle, online, rules_hit, at_risk) VALUES ${values.join(", ")}`,
  );
  const projects = [...new Map(rows.map((r) => [r.project_id, r.start])).entries()];
  await db.run(`INSERT INTO projects VALUES ${projects.map(([id, start]) => `('${id}', DATE '${start}')`).join(", ")}`);
  return db;
}

/** The warehouse of `rows` for one test, closed after it. */
async function withWarehouse(rows: Trainee[], test: (db: Db) => Promise<void>): Promise<void> {
  const db = await warehouse(rows);
  try {
    await test(db);
  } finally {
    db.close();
  }
}

const X = (rows: Trainee[], features: readonly string[] = FEATURES) =>
  rows.map((r) => features.map((f) => (f.endsWith("_missing") ? (r.f[f.slice(0, -8) as (typeof FEATURES)[number]] === null ? 1 : 0) : r.f[f as (typeof FEATURES)[number]])));

describe("the early warning's model path", () => {
  it("trains on the earlier year, validates on the latest, releases, and scores running trainees in SQL as the model does", async () => {
    const rows = trainees([2023, 2024], 20, true, 4);
    await withWarehouse(rows, async (db) => {
      const report = await earlyWarning(db, policy, "2025-06-01");
      const val = rows.filter((r) => r.year === 2024);
      expect(report.method).toBe("model");
      expect(report.why).toMatch(/^model released \(out of time: trained on 2023, validated on 2024\): AUC 0\.\d{3} \[0\.\d{3}, 0\.\d{3}\] against the rules' 0\.\d{3}; risks recalibrated \(Platt\)$/);
      expect([report.training_years, report.validation_year, report.training_rows, report.current_rows]).toEqual([[2023, 2024], 2024, 600, 60]);
      expect(report.metrics).toMatchObject({ validation_rows: 300, validation_projects: 20, base_rate: val.filter((r) => r.at_risk === 1).length / 300 });
      expect(report.missing_indicators).toEqual([]);
      expect(report.coefficients!.assignment_score).toBeLessThan(-1);
      // The same model and recalibration, fitted here: the SQL's risk is theirs, to its 4 places.
      const fit = rows.filter((r) => r.year === 2023);
      const m = fitLogistic([...FEATURES], X(fit), fit.map((r) => r.at_risk!));
      const c = platt(predict(m, X(val)), val.map((r) => r.at_risk!));
      const current = rows.filter((r) => r.role === "current");
      const expected = recalibrate(predict(m, X(current)), c);
      const got = await db.all<{ teacher_id: string; risk: number; level: string; reasons: string; method: string }>(`SELECT teacher_id, risk, level, reasons, method FROM teacher_warnings`);
      expect(got.length).toBe(60);
      const byId = new Map(got.map((g) => [g.teacher_id, g]));
      current.forEach((r, i) => expect(byId.get(r.teacher_id)!.risk).toBeCloseTo(expected[i]!, 3));
      for (const g of got) expect(g.level).toBe(g.risk >= 0.5 ? "high" : g.risk >= 0.25 ? "medium" : "low");
      expect(got.every((g) => g.method === "model")).toBe(true);
      // The riskiest trainee's reasons name its own assignment score.
      const top = current.reduce((a, r) => (byId.get(r.teacher_id)!.risk > byId.get(a.teacher_id)!.risk ? r : a));
      expect(byId.get(top.teacher_id)!.reasons).toContain(`作业平均 ${top.f.assignment_score} 分`);
      expect(await checkModel(db, teacherWarnings)).toEqual([]);
    });
  });

  it("scores the same with the fit read back from its table (warning_fit) as with the fit in memory, the rules' rates too", async () => {
    for (const released of [true, false]) {
      const rows = trainees([2023, 2024], 20, released, 4);
      await withWarehouse(rows, async (db) => {
        await sampleTraining(db, policy.warning.training_sample);
        const fit = await fitWarning(db, policy);
        expect(fit.model !== null).toBe(released);
        expect(fit.ruleRates.some((r) => r !== null)).toBe(true);
        const scored = async (f: Fit) => {
          await applyWarning(db, policy, "2025-06-01", f);
          return db.all(`SELECT * FROM teacher_warnings ORDER BY project_id, teacher_id`);
        };
        const inMemory = await scored(fit);
        await writeRows(db, warningFit, fitRows(fit));
        expect(await checkModel(db, warningFit)).toEqual([]);
        const back = await readFit(db, fit.report);
        expect(back).toEqual(fit);
        expect(await scored(back)).toEqual(inMemory);
      });
    }
  });

  it("recalibrates by cross-fitting over two halves of the validation projects (a fixed hash of the id)", async () => {
    const rows = trainees([2023, 2024], 20, true, 1);
    await withWarehouse(rows, async (db) => {
      const report = await earlyWarning(db, policy, "2025-06-01");
      const fit = rows.filter((r) => r.year === 2023);
      const val = rows.filter((r) => r.year === 2024);
      const y = val.map((r) => r.at_risk!);
      const p = predict(fitLogistic([...FEATURES], X(fit), fit.map((r) => r.at_risk!)), X(val));
      const half = val.map((r) => hashHalf(r.project_id));
      const cross = p.map((x, i) => {
        const other = p.flatMap((_, k) => (half[k] !== half[i] ? [k] : []));
        return recalibrate([x], platt(other.map((k) => p[k]!), other.map((k) => y[k]!)))[0]!;
      });
      expect(report.metrics!.brier).toBeCloseTo(brier(cross, y), 10);
      expect(report.metrics!.brier_before_recalibration).toBeCloseTo(brier(p, y), 10);
      const after = calibrationError(cross, y);
      expect(report.metrics!.calibration_after).toEqual({ in_the_large: expect.closeTo(after.in_the_large, 9), decile_error: expect.closeTo(after.decile_error, 9) });
      expect(report.metrics!.model_at_high).toEqual(confusion(cross.map((x) => x >= 0.5), y));
      expect(report.metrics!.rule_at_high).toEqual(confusion(val.map((r) => (r.f.absence_rate! >= 0.1 ? 1 : 0) + (r.f.assignments_missing_rate! > 0 ? 1 : 0) > 0), y));
      expect((report.calibration as { n: number }[]).map((b) => b.n)).toEqual(calibration(cross, y).map((b) => b.n));
      // The hash, fixed: the same halves every run, and both used.
      expect([hashHalf("P2024-00"), hashHalf("P2024-01"), hashHalf("")]).toEqual([("P2024-00".split("").reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7)) % 2, ("P2024-01".split("").reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7)) % 2, 1]);
      expect(new Set(half).size).toBe(2);
    });
  });

  it("gives a feature missing for some trainees an indicator, not a feature missing everywhere, nor the earlier failure rate", async () => {
    const rows = trainees([2023, 2024], 20, true, 4, true);
    await withWarehouse(rows, async (db) => {
      const report = await earlyWarning(db, policy, "2025-06-01");
      expect(report.method).toBe("model");
      expect(report.missing_indicators).toEqual(["assignment_score"]);
      const features = [...FEATURES.filter((f) => f !== "hours_cycle"), "assignment_score_missing"];
      expect(Object.keys(report.coefficients!)).toEqual(features);
      // The SQL scores the missing value at the mean with its indicator set, as the model was fitted.
      const fit = rows.filter((r) => r.year === 2023);
      const val = rows.filter((r) => r.year === 2024);
      const m = fitLogistic(features, X(fit, features), fit.map((r) => r.at_risk!));
      const c = platt(predict(m, X(val, features)), val.map((r) => r.at_risk!));
      const current = rows.filter((r) => r.role === "current");
      const expected = recalibrate(predict(m, X(current, features)), c);
      const got = new Map((await db.all<{ teacher_id: string; risk: number }>(`SELECT teacher_id, risk FROM teacher_warnings`)).map((g) => [g.teacher_id, g.risk]));
      current.forEach((r, i) => expect(got.get(r.teacher_id)).toBeCloseTo(expected[i]!, 3));
      expect(current.some((r) => r.f.assignment_score === null)).toBe(true);
    });
  });

  it("one year of outcomes: a time-ordered split, the first 60 % of projects by start date train", async () => {
    await withWarehouse(trainees([2024], 12, true, 1), async (db) => {
      const report = await earlyWarning(db, policy, "2025-06-01");
      // 12 projects started 2024-03-01 … 03-12: the first floor(12 × 0.6) = 7 train.
      expect(report.metrics!.validated).toBe("time-ordered split within 2024: trained on the 7 projects that started first (to 2024-03-07), validated on the 5 that started later");
      expect(report.metrics!.validation_rows).toBe(75);
    });
    await withWarehouse(trainees([2024], 9, true, 1), async (few) => {
      expect((await earlyWarning(few, policy, "2025-06-01")).why).toBe("too few past projects with outcomes to validate a model: transparent rules used");
    });
  });

  it("not released when it cannot beat chance: the rules, with each rule group's observed rate as the risk", async () => {
    const rows = trainees([2023, 2024], 20, false, 2);
    await withWarehouse(rows, async (db) => {
      const report = await earlyWarning(db, policy, "2025-06-01");
      expect(report.method).toBe("rules");
      expect(report.why).toMatch(/^model not released \(out of time: trained on 2023, validated on 2024\): AUC 0\.\d{3} < 0\.7; .*transparent rules used$/);
      const hit = (r: Trainee) => (r.f.absence_rate! >= 0.1 ? 1 : 0) + (r.f.assignments_missing_rate! > 0 ? 1 : 0);
      const train = rows.filter((r) => r.role === "train");
      const rate = (k: number) => {
        const g = train.filter((r) => hit(r) === k);
        return g.length >= 20 ? g.filter((r) => r.at_risk === 1).length / g.length : null;
      };
      const got = await db.all<{ teacher_id: string; risk: number | null }>(`SELECT teacher_id, risk FROM teacher_warnings`);
      for (const g of got) {
        const r = rows.find((x) => x.teacher_id === g.teacher_id)!;
        const want = rate(hit(r));
        if (want === null) expect(g.risk).toBeNull();
        else expect(g.risk).toBeCloseTo(want, 4);
      }
      expect(new Set(got.map((g) => g.risk)).size).toBeGreaterThan(1);
    });
  });
});

describe("fairness of the warning", () => {
  it("names a group missed over 1.5 times as often as the best, intervals apart, with Wilson intervals", () => {
    // Stage A: 40 at risk, 20 missed (50 %); stage B: 40 at risk, 4 missed (10 %); stage C: 19 at risk (too few to compare).
    const rows: Row[] = [];
    const high: boolean[] = [];
    const y: number[] = [];
    const add = (stage: string, atRisk: number, missed: number, safe: number) => {
      for (let i = 0; i < atRisk; i++) rows.push({ year: 2024, progress: 0.5, at_risk: 1, rural: null, stage }), high.push(i >= missed), y.push(1);
      for (let i = 0; i < safe; i++) rows.push({ year: 2024, progress: 0.5, at_risk: 0, rural: null, stage }), high.push(false), y.push(0);
    };
    add("A", 40, 20, 10);
    add("B", 40, 4, 10);
    add("C", 19, 19, 0);
    const { groups, flagged } = fairness(rows, high, y);
    const pct = (x: number) => (100 * x).toFixed(0);
    const [aLo, aHi] = wilson(20, 40);
    const [bLo, bHi] = wilson(4, 40);
    expect(flagged).toEqual([`stage A misses 50 % of its at-risk trainees [${pct(aLo)}, ${pct(aHi)}], stage B 10 % [${pct(bLo)}, ${pct(bHi)}]`]);
    expect(groups.map((g) => [g.group, g.positives])).toEqual([["stage A", 40], ["stage B", 40], ["stage C", 19]]);
    // Rural unknown for all: no rural/urban groups.
    expect(groups.some((g) => g.dimension === "rural 乡村/urban 城镇")).toBe(false);
  });

  it("names five groups at most per dimension and says how many more; labels rural and urban, titles and counties", () => {
    const rows: Row[] = [];
    const high: boolean[] = [];
    const y: number[] = [];
    // County C0 misses 4 of 40 (10 %); C1-C7 each 20 of 40 (50 %). Rural teachers are all in C0.
    for (let c = 0; c < 8; c++)
      for (let i = 0; i < 40; i++) {
        rows.push({ year: 2024, progress: 0.5, at_risk: 1, rural: c === 0, stage: null, county_code: `C${c}`, title: c === 0 ? "一级" : null });
        high.push(i >= (c === 0 ? 4 : 20));
        y.push(1);
      }
    const { groups, flagged } = fairness(rows, high, y);
    const pct = (x: number) => (100 * x).toFixed(0);
    const [lo, hi] = wilson(20, 40);
    const [bLo, bHi] = wilson(4, 40);
    const counties = flagged.filter((f) => f.startsWith("county") || f.startsWith("county 区县"));
    expect(counties).toEqual([
      ...[1, 2, 3, 4, 5].map((c) => `county C${c} misses 50 % of its at-risk trainees [${pct(lo)}, ${pct(hi)}], county C0 10 % [${pct(bLo)}, ${pct(bHi)}]`),
      "county 区县: 2 more group(s) so (warnings page)",
    ]);
    // Urban (C1-C7) missed far more often than rural (C0): named too.
    expect(flagged[0]).toMatch(/^urban 城镇 misses 50 % of its at-risk trainees \[\d+, \d+\], rural 乡村 10 %/);
    expect(groups.filter((g) => g.dimension === "title 职称").map((g) => g.group)).toEqual(["title 一级"]);
    expect(groups.filter((g) => g.dimension === "stage 学段")).toEqual([]);
  });
});
