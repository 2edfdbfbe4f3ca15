// Known answers for response_scores: each response's items answered, score, integrity signals and
// weight, worked out by hand below, from a wide evaluations table as the load writes it.
import { describe, expect, it } from "vitest";
import { openDb } from "../../pipelines/lib/db.ts";
import { parsePolicy } from "../../pipelines/lib/policy.ts";
import { runModels } from "../../pipelines/models/model.ts";
import responseScores from "../../pipelines/models/response_scores.ts";

// (response, minutes after 10:00, seconds taken, answers to q01-q05; q03 is reverse-coded, scale 1-5)
const RESPONSES: [string, number, number, (number | null)[]][] = [
  ["top", 0, 600, [5, 5, 1, 5, 5]],
  ["flat", 0, 600, [3, 3, 3, 3, 3]],
  // Three identical answers within 30 minutes: a burst.
  ["same1", 0, 600, [4, 2, 4, 2, 4]],
  ["same2", 10, 600, [4, 2, 4, 2, 4]],
  ["same3", 20, 600, [4, 2, 4, 2, 4]],
  // The same answers in other orders (three 4s, two 2s), in the same half hour: not identical.
  ["perm1", 5, 600, [2, 4, 4, 2, 4]],
  ["perm2", 15, 600, [4, 4, 2, 2, 4]],
  ["perm3", 25, 600, [2, 2, 4, 4, 4]],
  // The same answers two hours later: alone in its hour.
  ["later", 120, 600, [4, 2, 4, 2, 4]],
  ["fast", 0, 5, [4, 4, 2, 5, 1]],
  ["flatfast", 0, 1, [2, 2, 2, 2, 2]],
  ["one", 0, 600, [4, null, null, null, null]],
  ["none", 0, 600, [null, null, null, null, null]],
];

describe("response_scores", () => {
  it("scores each response and finds its integrity signals, bursts by the answers themselves", async () => {
    const db = await openDb(":memory:");
    try {
      await db.run(`CREATE TABLE projects AS SELECT 'P1' AS project_id, 2025 AS year, 'I1' AS institution_id`);
      await db.run(`CREATE TABLE instrument AS SELECT 'Q0' || i AS item_id, 'overall' AS dimension, i = 3 AS reverse, 1::BIGINT AS scale_min, 5::BIGINT AS scale_max FROM range(1, 6) t(i)`);
      const values = RESPONSES.map(([id, minutes, secs, a]) => `('${id}', 'P1', TIMESTAMP '2025-05-01 10:00:00' + INTERVAL ${minutes} MINUTE, ${secs}, ${a.map((v) => (v === null ? "NULL" : v)).join(", ")})`);
      await db.run(`CREATE TABLE evaluations AS SELECT response_id, project_id, submitted_at, duration_seconds::DOUBLE AS duration_seconds, ${[1, 2, 3, 4, 5].map((i) => `q${i}::SMALLINT AS q0${i}`).join(", ")}
        FROM (VALUES ${values.join(", ")}) v(response_id, project_id, submitted_at, duration_seconds, q1, q2, q3, q4, q5)`);
      // (The long form, as the load makes it: read by other models, no longer by this one.)
      await db.run(`CREATE VIEW evaluation_answers AS SELECT response_id, item_id, CAST(value AS SMALLINT) AS value
        FROM (UNPIVOT (SELECT response_id, q01, q02, q03, q04, q05 FROM evaluations) ON q01, q02, q03, q04, q05 INTO NAME item_id VALUE value)`);
      await runModels([responseScores], { db, policy: parsePolicy({}), notes: {}, memo: new Map() });
      const rows = Object.fromEntries(
        (await db.all<{ response_id: string; n_items: bigint }>(`SELECT response_id, n_items, score, straight_line, all_top, too_fast, burst, weight FROM response_scores`)).map((r) => [r.response_id, { ...r, n_items: Number(r.n_items) }]),
      );
      // (Score: each item (v - 1) / 4 · 100, q03 as 6 - v; the mean of those answered.)
      const want = {
        top: { n_items: 5, score: 100, straight_line: false, all_top: true, too_fast: false, burst: false, weight: 1 },
        flat: { n_items: 5, score: 50, straight_line: true, all_top: false, too_fast: false, burst: false, weight: 0.5 },
        // 4 2 4 2 4 → 75, 25, (6-4=2) 25, 25, 75: mean 45.
        same1: { score: 45, burst: true, weight: 0.5 },
        same2: { burst: true, weight: 0.5 },
        same3: { burst: true, weight: 0.5 },
        // 2 4 4 2 4 → 25, 75, 25, 25, 75: 45.
        perm1: { score: 45, burst: false, weight: 1 },
        perm2: { burst: false, weight: 1 },
        perm3: { burst: false, weight: 1 },
        later: { score: 45, burst: false, weight: 1 },
        // 5 s for 5 items, under 2 s each: too fast; 4 4 2 5 1 → 75, 75, (6-2=4) 75, 100, 0: 65.
        fast: { score: 65, too_fast: true, straight_line: false, weight: 0.5 },
        flatfast: { straight_line: true, too_fast: true, weight: 0 },
        one: { n_items: 1, score: 75, straight_line: false, all_top: false, weight: 1 },
      };
      expect(Object.keys(rows).sort()).toEqual(Object.keys(want).sort());
      for (const [id, w] of Object.entries(want)) expect(rows[id], id).toMatchObject(w);
    } finally {
      db.close();
    }
  });
});
