// A follow-up's items read across its row (analytics/answers.ts, followupItemsSql), as the
// follow-up's evidence (project_evidence) and the early warning's transfer outcome read them: known
// answers by hand, and the same means as the long form `followup_answers` they replaced.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { followupItemsSql, itemTerms } from "../../pipelines/analytics/answers.ts";
import { openDb, type Db } from "../../pipelines/lib/db.ts";
import { parsePolicy } from "../../pipelines/lib/policy.ts";
import { createMeasures } from "../../pipelines/models/model.ts";

describe("follow-up items across their row", () => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb(":memory:");
    await createMeasures(db);
    // F01 named in capitals (matched as the column f01), f02 on 0-10, f03 held twice by the
    // instrument (1-5 and 1-7: counted twice, as the long form's join counts it), f04 not in it
    // (the policy's 1-5). f03 marked reversed: follow-up items are never reverse-coded.
    await db.run(`CREATE TABLE instrument (item_id VARCHAR, dimension VARCHAR, reverse BOOLEAN, scale_min INTEGER, scale_max INTEGER);
      INSERT INTO instrument VALUES ('F01', 'apply', false, 1, 5), ('f02', 'apply', false, 0, 10), ('f03', 'apply', true, 1, 5), ('f03', 'apply', false, 1, 7);
      CREATE TABLE followups (project_id VARCHAR, teacher_id VARCHAR, wave BIGINT, f01 SMALLINT, f02 SMALLINT, f03 SMALLINT, f04 SMALLINT, observation_score DOUBLE);
      INSERT INTO followups VALUES
        ('P1', 'T1', 6, 5, 5, NULL, 3, 80),
        ('P1', 'T1', 12, NULL, NULL, NULL, NULL, 70),
        ('P1', 'T2', 6, 1, 10, 4, NULL, NULL);
      CREATE VIEW followup_answers AS SELECT project_id, teacher_id, wave, item_id, CAST("value" AS SMALLINT) AS "value"
        FROM (UNPIVOT (SELECT project_id, teacher_id, wave, f01, f02, f03, f04 FROM followups) ON f01, f02, f03, f04 INTO NAME item_id VALUE "value")`);
    await db.run(`CREATE VIEW _followup_items AS ${followupItemsSql(await itemTerms(db, parsePolicy({}), "followups"))}`);
  });
  afterAll(() => db.close());

  it("counts and sums each row's answered items on 0-100", async () => {
    const rows = await db.all(`SELECT project_id, teacher_id, wave, item_n, item_sum, observation_score FROM _followup_items ORDER BY ALL`);
    expect(rows).toEqual([
      // 5 of 1-5 → 100, 5 of 0-10 → 50, 3 of 1-5 (policy) → 50
      { project_id: "P1", teacher_id: "T1", wave: 6n, item_n: 3n, item_sum: 200, observation_score: 80 },
      { project_id: "P1", teacher_id: "T1", wave: 12n, item_n: 0n, item_sum: null, observation_score: 70 },
      // 1 → 0, 10 → 100, 4 of 1-5 → 75 and of 1-7 → 50
      { project_id: "P1", teacher_id: "T2", wave: 6n, item_n: 4n, item_sum: 225, observation_score: null },
    ]);
  });

  it("gives the long form's means, per follow-up and per trainee over all waves", async () => {
    const long = await db.all(
      `SELECT project_id, teacher_id, avg(to100(a.value, coalesce(i.scale_min, 1), coalesce(i.scale_max, 5))) AS m
       FROM followup_answers a LEFT JOIN instrument i ON lower(i.item_id) = a.item_id GROUP BY ALL ORDER BY ALL`,
    );
    const wide = await db.all(`SELECT project_id, teacher_id, sum(item_sum) / nullif(sum(item_n), 0) AS m FROM _followup_items GROUP BY ALL HAVING sum(item_n) > 0 ORDER BY ALL`);
    expect(wide).toEqual(long);
    expect(wide.map((r) => r.m)).toEqual([200 / 3, 225 / 4]);
    // The transfer of wave 6: items and observation averaged where both exist, else either.
    const transfer = await db.all(`SELECT teacher_id, transfer(item_sum / nullif(item_n, 0), observation_score) AS t FROM _followup_items WHERE wave = 6 ORDER BY ALL`);
    expect(transfer).toEqual([{ teacher_id: "T1", t: (200 / 3 + 80) / 2 }, { teacher_id: "T2", t: 225 / 4 }]);
  });
});
