-- Grain: one row per project with a follow-up. Each teacher followed up: the mean of their answered
-- items over every wave, and of their observations (the follow-ups' items read across their rows:
-- _followup_items, analytics/answers.ts); then per project how many teachers, and the mean and SD of
-- their transfer scores (macro transfer, 0-100). The follow-up part of project_evidence.sql, a model
-- of its own: a rerun after a month of attendance takes it (0.5 s nationally).
CREATE TABLE project_followups AS
SELECT project_id, count(*) AS n_followed,
       avg(transfer(item_score, obs)) AS followup_score,
       stddev_samp(transfer(item_score, obs)) AS followup_sd
FROM (SELECT project_id, teacher_id, sum(item_sum) / nullif(sum(item_n), 0) AS item_score, avg(observation_score) AS obs
      FROM _followup_items GROUP BY ALL)
GROUP BY ALL
ORDER BY project_id
