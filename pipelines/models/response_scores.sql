-- Grain: one row per loaded evaluation response.
-- Each response scored 0-100 (items reverse-coded, rescaled to their instrument scale) with the
-- integrity signals that decide its weight in every score:
--   straight_line  five or more items answered, all with the same value
--   too_fast       answered in under $seconds_per_item seconds per item
--   burst          three or more identical answer patterns in one project within 30 minutes
--   all_top        every answer at the top of the scale (every item, or every item after reverse
--                  coding): not a signal by itself, the raw material of integrity_flags' top-mark block
-- weight 0 (excluded): burst with another signal, or straight_line with too_fast;
-- weight 0.5 (down-weighted): any one signal alone; otherwise 1.
CREATE TABLE response_scores AS
-- per_response (analytics/answers.ts, perResponseSql): one row per response with an item answered, read across
-- its row: n_items, score (the mean of its items reverse-coded and rescaled 0-100), same_answer
-- (every answer the same), all_top (every answer at the top of its scale, as given or after reverse
-- coding), pattern (a hash of the answer vector: equal answers, equal patterns).
WITH per_response AS (SELECT * FROM _response_items),
scored AS (
    SELECT e.response_id, e.project_id,
           coalesce(p.year, year(e.submitted_at)) AS year,
           p.institution_id, e.submitted_at, e.duration_seconds,
           r.n_items, r.score, r.pattern,
           r.n_items >= 5 AND r.same_answer AS straight_line,
           r.n_items >= 5 AND r.all_top AS all_top,
           coalesce(e.duration_seconds < $seconds_per_item * r.n_items, false) AS too_fast
    FROM evaluations e
    JOIN per_response r USING (response_id)
    LEFT JOIN projects p USING (project_id)
),
bursts AS (
    SELECT *,
           submitted_at IS NOT NULL AND count(*) OVER (
               PARTITION BY project_id, pattern ORDER BY submitted_at
               RANGE BETWEEN INTERVAL 30 MINUTES PRECEDING AND INTERVAL 30 MINUTES FOLLOWING
           ) >= 3 AS burst
    FROM scored
),
final AS (
    SELECT * EXCLUDE (pattern),
           CASE
               WHEN (burst AND (straight_line OR too_fast)) OR (straight_line AND too_fast) THEN 0.0
               WHEN burst OR straight_line OR too_fast THEN 0.5
               ELSE 1.0
           END AS weight
    FROM bursts
)
SELECT * FROM final
