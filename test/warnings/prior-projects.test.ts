// The early warning's history features (warning_features.parts.sql, _wf_past): a trainee's earlier
// projects that had ended before this one started, and the share of them not passed; known
// answers on hand-built records, ties and gaps included.
import { expect, it } from "vitest";
import { openDb } from "../../pipelines/lib/db.ts";
import { createMeasures, modelSql } from "../../pipelines/models/model.ts";

it("counts the projects that ended strictly before this one began, and the share of them not passed", async () => {
  const db = await openDb(":memory:");
  try {
    await createMeasures(db);
    await db.run(`CREATE TABLE trainees AS SELECT * FROM (VALUES
      ('A', 'T1'), ('B', 'T1'), ('C', 'T1'), ('D', 'T1'), ('E', 'T1'), ('X', 'T1'),
      ('A', 'T2'), ('Y', 'T2')) t(project_id, teacher_id)`);
    // (The roster's other columns that warning_roster carries, empty here.)
    for (const c of ["county_code", "school_id", "stage", "title"]) await db.run(`ALTER TABLE trainees ADD COLUMN ${c} VARCHAR`);
    await db.run(`ALTER TABLE trainees ADD COLUMN rural BOOLEAN`);
    await db.run(`CREATE TABLE warning_windows AS SELECT project_id, CAST(s AS DATE) AS start_date, CAST(e AS DATE) AS end_date FROM (VALUES
      ('A', '2023-03-01', '2023-03-10'),
      ('B', '2023-05-01', '2023-05-20'),
      ('C', '2023-05-20', '2023-06-01'),  -- begins the day B ends: B is not before it
      ('D', '2024-01-01', '2024-01-05'),
      ('E', '2024-03-01', NULL),          -- no end: never before anything
      ('X', '2024-06-01', '2024-05-01'),  -- ends before it begins: not its own history
      ('Y', '2023-01-01', '2023-01-02')) w(project_id, s, e)`);
    await db.run(`CREATE TABLE assessments AS SELECT * FROM (VALUES
      ('A', 'T1', 'pass'), ('B', 'T1', 'fail'), ('C', 'T1', NULL), ('D', 'T1', 'pass'), ('X', 'T1', 'fail'),
      ('A', 'T2', 'fail')) a(project_id, teacher_id, final_result)`);
    // The rows the model keeps (_wf_who): all but (B, T1), which gets no row of its own yet stays in
    // T1's history of the projects after it.
    await db.run(`CREATE TEMP TABLE _wf_who AS SELECT project_id, teacher_id FROM trainees WHERE NOT (project_id = 'B' AND teacher_id = 'T1')`);
    // The trainees with their results (the model warning_roster), which _wf_past reads.
    await db.script(modelSql("warning_roster"), {}, "warning_roster");
    const sql = modelSql("warning_features.parts");
    // The statement is found by its first line and the next one's: a model that renames them fails
    // here, not obscurely below.
    const between = (first: string, next: string) => {
      const [from, to] = [sql.indexOf(first), sql.indexOf(next)];
      expect([from, to].every((x) => x >= 0) && from < to).toBe(true);
      return sql.slice(from, to);
    };
    await db.script(between("CREATE OR REPLACE TEMP TABLE _wf_past AS", "CREATE OR REPLACE TEMP TABLE _wf_hrs AS"), {}, "_wf_past");
    const rows = (await db.all<{ project_id: string; teacher_id: string; prior_projects: bigint; prior_fail_rate: number | null }>(`SELECT * FROM _wf_past ORDER BY teacher_id, project_id`)).map((r) => [r.teacher_id, r.project_id, Number(r.prior_projects), r.prior_fail_rate]);
    expect(rows).toEqual([
      // T1: A (pass) ends 03-10; B (fail) 05-20; C (no result) 06-01; D (pass) 2024-01-05; X's window ends 05-01 before it begins 06-01.
      // (B, T1) is not kept: no row, though it has an earlier project (A).
      ["T1", "C", 1, 0], // A; B ends the day C begins
      ["T1", "D", 3, 0.5], // A, B, C: C has no result, so 1 fail of 2 results
      ["T1", "E", 4, 1 / 3], // A, B, C, D
      ["T1", "X", 4, 1 / 3], // A, B, C, D (E has no end; X's own end, before its start, is not its history)
      // T2: Y ends 2023-01-02 before A begins; A's failure is after Y.
      ["T2", "A", 1, null],
    ]);
  } finally {
    db.close();
  }
});
