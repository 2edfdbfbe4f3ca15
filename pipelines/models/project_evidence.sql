-- Grain: one row per project (every project in `projects`, plus any project that only the
-- evaluations name). The evidence of a project's score, each part on 0-100 where present:
--   eval_raw        integrity-weighted mean response score, eval_sd its weighted SD
--   expert_score    mean over reviewers of their mean dimension score
--   attendance_score  50 % attendance rate (present or late over sessions not excused)
--                   + 50 % completion (pass over trainees with a final result)
--   followup_score  mean of the application items (rescaled) and lesson observation
--   integrity_suspect  the project's flags at level suspect (integrity_flags.sql), '+'-joined
-- All but the attendance are project_base's (project_base.sql), which a month of attendance leaves.
-- (The rate of attendance_projects' counts: attendance_rate in measures.sql, one pass over the records.)
CREATE TABLE project_evidence AS
WITH att AS (
    SELECT project_id, n_attended / nullif(n_counted, 0) AS attendance_rate
    FROM attendance_projects
)
SELECT b.*, att.attendance_rate,
       CASE WHEN att.attendance_rate IS NOT NULL AND b.completion_rate IS NOT NULL AND b.n_results > 0
                THEN 50 * att.attendance_rate + 50 * b.completion_rate
            WHEN att.attendance_rate IS NOT NULL THEN 100 * att.attendance_rate
            WHEN b.n_results > 0 THEN 100 * b.completion_rate
       END AS attendance_score
FROM project_base b
LEFT JOIN att USING (project_id);
