// The shared measures (models/measures.sql), one definition each: known answers.
import { describe, expect, it } from "vitest";
import { openDb } from "../../pipelines/lib/db.ts";
import { createMeasures } from "../../pipelines/models/model.ts";

describe("shared measures", () => {
  it("give the answers worked out by hand", async () => {
    const db = await openDb(":memory:");
    try {
      await createMeasures(db);
      await db.run(`CREATE TABLE a AS SELECT * FROM (VALUES ('present'), ('late'), ('absent'), ('excused'), ('absent')) v(status)`);
      // 2 attended of 4 counted (the excused session does not count).
      expect(await db.all(`SELECT attendance_rate(status) AS r FROM a`)).toEqual([{ r: 0.5 }]);
      const [row] = await db.all<Record<string, number | null>>(`SELECT
          passed('pass') AS p1, passed('fail') AS p0, passed(NULL) AS pn,
          to100(4, 1, 5) AS s, to100(2, 0, 10) AS s2,
          transfer(80, 60) AS both, transfer(NULL, 60) AS obs, transfer(NULL, NULL) AS none,
          in_cycle(2021, 2025, 5) AS first_year, in_cycle(2020, 2025, 5) AS before, in_cycle(2025, 2025, 5) AS last_year,
          rules_hit(0.1, 0) AS absence_only, rules_hit(0.09, 0.2) AS missing_only, rules_hit(0.5, 0.5) AS both_rules, rules_hit(NULL, NULL) AS unknown`);
      expect(row).toEqual({
        p1: 1, p0: 0, pn: null,
        s: 75, s2: 20,
        both: 70, obs: 60, none: null,
        first_year: true, before: false, last_year: true,
        absence_only: 1, missing_only: 1, both_rules: 2, unknown: 0,
      });
    } finally {
      db.close();
    }
  });
});
