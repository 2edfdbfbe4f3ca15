// The year at a glance: projects, institutions, responses, trainees, satisfaction, completion,
// coverage and the count of projects per tier, and whether the year is complete.
import type { Db } from "../../lib/db.ts";
import { select, type Entity } from "../entity.ts";

/**
 * Which scored years are complete: all their projects had ended by the run's as-of date (a year
 * still running is neither reported by default nor compared with a full one). The one definition
 * for the Overview and `guopei report`.
 */
export async function completeYears(db: Db, analysis: unknown): Promise<Map<number, boolean>> {
  const asOf = (analysis as { warning?: { as_of?: string } } | undefined)?.warning?.as_of ?? "9999-12-31";
  const rows = await db.all<{ year: bigint; complete: boolean }>(
    `SELECT ps.year, coalesce(max(p.end_date) < CAST($as_of AS DATE), true) AS complete
     FROM project_scores ps LEFT JOIN projects p USING (project_id) WHERE ps.year IS NOT NULL GROUP BY ps.year ORDER BY ps.year`,
    { as_of: asOf },
  );
  return new Map(rows.map((row) => [Number(row.year), row.complete]));
}

export const overview: Entity = {
  async site({ db, policy, analysis }) {
    const minN = policy.min_group_public;
    const rows = await select<{ year: number; complete?: boolean }>(
      db,
      `WITH p AS (SELECT year, count(*) AS projects, sum(n_responses) AS responses, count(DISTINCT institution_id) AS institutions,
                         avg(eval_raw) FILTER (WHERE n_responses >= ${minN}) AS satisfaction,
                         avg(score) FILTER (WHERE tier <> 'insufficient_data') AS mean_score,
                         count(*) FILTER (WHERE tier = 'excellent') AS excellent, count(*) FILTER (WHERE tier = 'qualified') AS qualified,
                         count(*) FILTER (WHERE tier = 'unqualified') AS unqualified, count(*) FILTER (WHERE tier = 'insufficient_data') AS insufficient
                  FROM project_scores WHERE year IS NOT NULL GROUP BY year),
            t AS (SELECT pr.year, count(*) AS enrolments, count(DISTINCT t.teacher_id) AS teachers FROM trainees t JOIN projects pr USING (project_id) GROUP BY ALL),
            a AS (SELECT pr.year, avg(passed(final_result)) AS completion
                  FROM assessments a JOIN projects pr USING (project_id) GROUP BY ALL),
            c AS (SELECT year, sum(teachers_trained) / nullif(sum(teachers_total), 0) AS coverage FROM county_performance GROUP BY ALL)
       SELECT p.year, projects, institutions, responses, enrolments, teachers, round(satisfaction, 2) AS satisfaction, round(mean_score, 2) AS mean_score,
              round(completion, 4) AS completion, round(coverage, 4) AS coverage, excellent, qualified, unqualified, insufficient
       FROM p LEFT JOIN t USING (year) LEFT JOIN a USING (year) LEFT JOIN c USING (year) ORDER BY year`,
      policy,
    );
    const complete = await completeYears(db, analysis);
    for (const o of rows) o.complete = complete.get(o.year) ?? true;
    return { "overview.json": rows };
  },
};
