// The early warning without past outcomes: the transparent rules on tables built by hand, through
// the early warning's three models as a run builds them (early-warning.ts) and the teacher_warnings declaration.
import { describe, expect, it } from "vitest";
import { openDb, type Db } from "../../pipelines/lib/db.ts";
import { parsePolicy } from "../../pipelines/lib/policy.ts";
import { checkModel, createMeasures, SQL_TYPES } from "../../pipelines/models/model.ts";
import teacherWarnings from "../../pipelines/models/teacher_warnings.ts";
import warningFeatures from "../../pipelines/models/warning_features.ts";
import { earlyWarning } from "./early-warning.ts";

/** warning_features as declared, with three trainees of one running project. */
async function running(): Promise<Db> {
  const db = await openDb(":memory:");
  await createMeasures(db);
  const cols = Object.entries(warningFeatures.columns);
  await db.run(`CREATE TABLE warning_features (${cols.map(([n, c]) => `"${n}" ${SQL_TYPES[c.type]}`).join(", ")})`);
  // T1: 3 absences of 10 sessions and 1 of 2 assignments missing (both rules); T2: absent 1 of 10
  // (10 %: the absence rule); T3: neither.
  const rows = [
    { teacher_id: "T1", sessions: 10, absence_rate: 0.3, assignments_due: 2, assignments_missing_rate: 0.5 },
    { teacher_id: "T2", sessions: 10, absence_rate: 0.1, assignments_due: 2, assignments_missing_rate: 0 },
    { teacher_id: "T3", sessions: 10, absence_rate: 0, assignments_due: 2, assignments_missing_rate: 0 },
  ];
  for (const r of rows)
    await db.run(
      `INSERT INTO warning_features (project_id, teacher_id, year, role, progress, cut_date, county_code, school_id, stage, rural, sessions, absence_rate, assignments_due, assignments_missing_rate, prior_projects, online, rules_hit)
       VALUES ('P1', $t, 2025, 'current', 0.5, DATE '2025-06-01', 'C1', 'S1', 'primary', true, $s, $a, $d, $m, 0, 0, rules_hit($a, $m))`,
      { t: r.teacher_id, s: r.sessions, a: r.absence_rate, d: r.assignments_due, m: r.assignments_missing_rate },
    );
  await db.run(`CREATE TABLE projects (project_id VARCHAR, start_date DATE)`);
  await db.run(`CREATE TABLE trainees (project_id VARCHAR, teacher_id VARCHAR, title VARCHAR)`);
  await db.run(`CREATE TABLE warning_cuts (project_id VARCHAR, role VARCHAR)`);
  await db.run(`CREATE TABLE warning_windows (project_id VARCHAR, end_inferred BOOLEAN)`);
  return db;
}

describe("early warning by the rules", () => {
  it("levels by the rules hit (2 high, 1 medium, 0 low), no probability claimed, reasons with the trainee's counts", async () => {
    const db = await running();
    try {
      const report = await earlyWarning(db, parsePolicy({}), "2025-06-01");
      expect(report.method).toBe("rules");
      expect(report.why).toBe("no past outcomes to learn from: transparent rules used");
      expect(report.current_rows).toBe(3);
      expect(await checkModel(db, teacherWarnings)).toEqual([]);
      const rows = await db.all<{ teacher_id: string; level: string; risk: number | null; reasons: string; interventions: string; method: string }>(
        `SELECT teacher_id, level, risk, reasons, interventions, method FROM teacher_warnings ORDER BY teacher_id`,
      );
      expect(rows.map((r) => [r.teacher_id, r.level, r.risk, r.method])).toEqual([
        ["T1", "high", null, "rules"],
        ["T2", "medium", null, "rules"],
        ["T3", "low", null, "rules"],
      ]);
      // Both rules weigh alike; ties are ordered by reason code (descending), so the same every run.
      expect(rows[0]!.reasons).toBe("[红] 作业未交 1 项（应交 2 项）; [红] 缺勤 3 次（共 10 次课）");
      expect(rows[0]!.interventions).toContain("导师带教 mentoring");
      expect(rows[1]!.reasons).toBe("[红] 缺勤 1 次（共 10 次课）");
      expect(rows[2]!.reasons).toBe("");
    } finally {
      db.close();
    }
  });
});
