-- Grain: one row per project, year and flag that was raised (affected_responses > 0).
-- share = affected / all loaded responses of the project.
-- level: what the flag asks of a reader (rules and thresholds from the policy's `integrity`):
--   suspect  more responses than enrolled by $suspect_extra or more; or a top-mark block: at least
--            $block_min all-top responses (and $block_share of the project) submitted within
--            $block_minutes minutes (affected_responses = the largest such block)
--   review   excluded responses at $review_excluded_share of the project or more; one extra response
--   info     everything else: straight-lining, speed, bursts and re-deliveries are normal when a
--            class fills the form together, and the weights already deal with them
CREATE TABLE integrity_flags AS
WITH top_windows AS (
    SELECT project_id,
           count(*) OVER (PARTITION BY project_id ORDER BY submitted_at
                          RANGE BETWEEN CURRENT ROW AND TO_MINUTES(CAST($block_minutes AS BIGINT)) FOLLOWING) AS in_window
    FROM response_scores WHERE all_top AND submitted_at IS NOT NULL
),
top_blocks AS (
    SELECT project_id, max(in_window) AS block FROM top_windows GROUP BY ALL HAVING max(in_window) >= 3
),
per_project AS (
    SELECT year, project_id, any_value(institution_id) AS institution_id,
           count(*) AS n,
           count(*) FILTER (WHERE straight_line) AS straight_line,
           count(*) FILTER (WHERE too_fast) AS too_fast,
           count(*) FILTER (WHERE burst) AS burst,
           count(*) FILTER (WHERE weight = 0) AS excluded,
           count(*) FILTER (WHERE weight > 0 AND weight < 1) AS downweighted
    FROM response_scores
    GROUP BY year, project_id
),
over_enrolled AS (
    SELECT pp.year, pp.project_id, pp.institution_id, pp.n,
           greatest(pp.n - coalesce(p.enrolled, t.n_trainees), 0) AS extra
    FROM per_project pp
    LEFT JOIN projects p USING (project_id)
    LEFT JOIN (SELECT project_id, count(*) AS n_trainees FROM trainees GROUP BY ALL) t USING (project_id)
),
redelivered AS (
    -- Rows of one response delivered again (other files): removed at load, counted here.
    SELECT e.project_id, count(*) AS dup
    FROM rejects r
    JOIN evaluations e ON e.response_id = split_part(r.value, ' (first:', 1)
    WHERE r.kind = 'evaluations' AND r.reason IN ('duplicate_row', 'duplicate_key')
    GROUP BY ALL
),
long AS (
    SELECT year, project_id, institution_id, n, flag, affected
    FROM per_project
    UNPIVOT (affected FOR flag IN (straight_line, too_fast, burst, excluded, downweighted))
    UNION ALL
    SELECT pp.year, pp.project_id, pp.institution_id, pp.n, 'top_mark_block', b.block
    FROM per_project pp JOIN top_blocks b USING (project_id)
    UNION ALL
    SELECT year, project_id, institution_id, n, 'more_responses_than_enrolled', extra FROM over_enrolled
    UNION ALL
    SELECT pp.year, pp.project_id, pp.institution_id, pp.n, 'duplicate_delivery', d.dup
    FROM per_project pp JOIN redelivered d USING (project_id)
)
SELECT year, project_id, institution_id, flag, affected AS affected_responses,
       round(affected / n, 4) AS share,
       CASE
           WHEN flag = 'more_responses_than_enrolled' AND affected >= $suspect_extra THEN 'suspect'
           WHEN flag = 'top_mark_block' AND affected >= $block_min AND affected / n >= $block_share THEN 'suspect'
           WHEN flag = 'more_responses_than_enrolled' THEN 'review'
           WHEN flag = 'excluded' AND affected / n >= $review_excluded_share THEN 'review'
           ELSE 'info'
       END AS level
FROM long
WHERE affected > 0
ORDER BY year, project_id, flag
