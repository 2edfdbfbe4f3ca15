// Known answers: a province small enough to work out by hand, run through the real pipeline. Each
// number below is computed in the comments from the rules (docs/methods), not read back from the code.
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { setQuiet } from "../../pipelines/lib/log.ts";
import { run } from "../../pipelines/run.ts";
import { query, tmpDir, writeFiles } from "../helpers.ts";

const items = (v: number) => Array.from({ length: 5 }, () => v).join(",");
const HEAD = "response_id,project_id,submitted_at,duration_seconds,q01,q02,q03,q04,q05";

// One county C1 (10 teachers). Project P1 (2025, 3 responses: too few for a tier, so its quality
// does not enter the county's outcomes). Teachers T1, T2 trained in P1; the archive holds
// T1: 72 hours a year 2021-2025 (360 in the 5-year cycle), T2: 50 hours in 2025 only.
const FILES: Record<string, string> = {
  "counties.csv": "county_code,name,teachers_total,trainer_team_size,studios,has_dev_center,five_year_plan,training_budget_share\nC1,甲县,10,25,1,1,0,0.025\n",
  "institutions.csv": "institution_id,name\nI1,甲院\n",
  "instrument.csv": "item_id,dimension\nq01,design\nq02,content\nq03,trainers\nq04,methods\nq05,overall\n",
  "projects.csv": "project_id,year,program,institution_id,county_code,mode,start_date,end_date,enrolled\nP1,2025,county,I1,C1,face_to_face,2025-03-01,2025-03-31,2\n",
  "trainees.csv": "project_id,teacher_id,school_id,county_code,stage,rural,backbone_level\nP1,T1,S1,C1,primary,1,\nP1,T2,S1,C1,primary,0,\n",
  "assessments.csv": "project_id,teacher_id,final_result\nP1,T1,pass\nP1,T2,fail\n",
  "hours.csv": `teacher_id,year,level,hours,county_code\n${[2021, 2022, 2023, 2024, 2025].map((y) => `T1,${y},county,72,C1`).join("\n")}\nT2,2025,county,50,C1\n`,
  // R2 is delivered again in a second file (same content): one duplicate delivery.
  "evaluations_a.csv": `${HEAD}\nR1,P1,2025-03-31 10:00:00,300,${items(4)}\nR2,P1,2025-03-31 10:20:00,300,${items(5)}\n`,
  "evaluations_b.csv": `${HEAD}\nR2,P1,2025-03-31 10:20:00,300,${items(5)}\nR3,P1,2025-03-31 11:00:00,300,${items(3)}\n`,
};

describe("known answers on a hand-built province", () => {
  let db: string;
  beforeAll(async () => {
    setQuiet(true);
    const dir = await tmpDir();
    await writeFiles(path.join(dir, "in"), FILES);
    await writeFiles(dir, { "policy.json": JSON.stringify({ warning: { as_of: "2025-12-31" } }) });
    db = (await run({ input: path.join(dir, "in"), out: path.join(dir, "out"), policy: path.join(dir, "policy.json") })).dbFile;
  }, 60_000);

  it("county score: 0.4 × indicators + 0.6 × outcomes, each part worked out by hand", async () => {
    const [c] = await query<Record<string, number | string>>(db, `SELECT * FROM county_performance WHERE county_code = 'C1' AND year = 2025`);
    // Indicators: team 25/50 = 0.5; studios 1.0 (no backbone teacher trained); centre 1; plan 0;
    // budget 0.025/0.05 = 0.5 → mean 3.0 / 5 = 0.6.
    expect(Number(c!.indicators_score)).toBeCloseTo(60, 6);
    // Outcomes: coverage 2/10 over the target 0.2 = 1; hours: 1 teacher of 10 meets 360 in 5 years
    // (T2's 50 in his first year on record falls short of 72) = 0.1; project quality absent → 0.55.
    expect(Number(c!.hours_share)).toBeCloseTo(0.1, 6);
    expect(Number(c!.teachers_meeting_hours)).toBe(1);
    expect(Number(c!.outcomes_score)).toBeCloseTo(55, 6);
    expect(Number(c!.score)).toBeCloseTo(0.4 * 60 + 0.6 * 55, 6); // 57
    // se: only the hours share is uncertain: √(0.1 × 0.9 / 10) = 0.0949 on a part weighted 0.6 / 2.
    expect(Number(c!.se)).toBeCloseTo(100 * 0.3 * Math.sqrt(0.009), 2);
    expect(c!.grade).toBe("unqualified");
    expect(Number(c!.support_cny)).toBe(0);
  });

  it("hours over the 5-year cycle to the as-of year: 360 met by T1, T2 310 behind", async () => {
    const rows = await query<{ teacher_id: string; hours: number; behind_hours: number; meets_hours: boolean }>(db, `SELECT teacher_id, hours, behind_hours, meets_hours FROM hours_compliance ORDER BY teacher_id`);
    expect(rows).toEqual([
      { teacher_id: "T1", hours: 360, behind_hours: 0, meets_hours: true },
      { teacher_id: "T2", hours: 50, behind_hours: 310, meets_hours: false },
    ]);
  });

  it("the warning's hours feature: the 5 years before the project's year (2020-2024), 0 where the archive covers the county", async () => {
    const rows = await query<{ teacher_id: string; hours_cycle: number; hours_zero_filled: boolean }>(db, `SELECT DISTINCT teacher_id, hours_cycle, hours_zero_filled FROM warning_features ORDER BY teacher_id`);
    expect(rows).toEqual([
      { teacher_id: "T1", hours_cycle: 4 * 72, hours_zero_filled: false },
      { teacher_id: "T2", hours_cycle: 0, hours_zero_filled: true },
    ]);
  });

  it("a response delivered twice is loaded once and flagged as one duplicate delivery", async () => {
    const [n] = await query<{ n: bigint }>(db, `SELECT count(*) AS n FROM response_scores`);
    expect(Number(n!.n)).toBe(3);
    const flags = await query<{ flag: string; affected_responses: bigint; level: string }>(db, `SELECT flag, affected_responses, level FROM integrity_flags WHERE flag = 'duplicate_delivery'`);
    expect(flags.map((f) => ({ ...f, affected_responses: Number(f.affected_responses) }))).toEqual([{ flag: "duplicate_delivery", affected_responses: 1, level: "info" }]);
  });

  it("response scores: five items at 4, 5 and 3 on a 1-5 scale are 75, 100 and 50", async () => {
    const rows = await query<{ response_id: string; score: number }>(db, `SELECT response_id, score FROM response_scores ORDER BY response_id`);
    expect(rows.map((r) => [r.response_id, Number(r.score)])).toEqual([["R1", 75], ["R2", 100], ["R3", 50]]);
  });

  it("dimension scores: the province's weighted mean of 75, 100 and 50 in every dimension; I1, under the public minimum of 5, not shown", async () => {
    // Each response answers every item alike (straight lines: weight 0.5 each, equal weights), so
    // every dimension's score is (75 + 100 + 50) / 3 = 75 over 3 responses.
    const rows = await query<{ institution_id: string | null; dimension: string; n_responses: bigint; score: number; percentile: number | null }>(
      db,
      `SELECT institution_id, dimension, n_responses, score, percentile FROM dimension_scores WHERE year = 2025 ORDER BY dimension`,
    );
    expect(rows.map((r) => [r.institution_id, r.dimension, Number(r.n_responses), Number(r.score), r.percentile])).toEqual(
      ["content", "design", "methods", "overall", "trainers"].map((d) => [null, d, 3, 75, null]),
    );
  });
});
