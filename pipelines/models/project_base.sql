-- Grain: one row per project (every project in `projects`, plus any project that only the
-- evaluations name). The evidence of a project's score that its attendance does not enter
-- (project_evidence.sql adds that): a model of its own, not a step of project_evidence, because a
-- month of attendance leaves it as it was and a rerun then takes it instead of grouping 2 M
-- responses, 2.4 M trainees and their results again (0.4 s nationally).
--   eval_raw        integrity-weighted mean response score, eval_sd its weighted SD
--   expert_score    mean over reviewers of their mean dimension score
--   n_results, completion_rate  trainees with a final result, and the share of them passed
--   followup_score  mean of the application items (rescaled) and lesson observation
--                   (project_followups.sql: a model of its own, which a month of attendance leaves)
--   integrity_suspect  the project's flags at level suspect (integrity_flags.sql), '+'-joined
CREATE TABLE project_base AS
WITH all_projects AS (
    SELECT project_id FROM projects
    UNION
    SELECT project_id FROM response_scores
),
ev AS (
    SELECT project_id, any_value(year) AS ev_year,
           count(*) AS n_responses,
           CAST(sum(weight) AS DECIMAL(18, 1)) AS n_effective, -- (a sum of decimals is 128-bit: model.ts)
           count(*) FILTER (WHERE weight = 0) AS n_excluded,
           sum(weight * score) / nullif(sum(weight), 0) AS eval_raw,
           sqrt(greatest(sum(weight * score * score) / nullif(sum(weight), 0)
                         - pow(sum(weight * score) / nullif(sum(weight), 0), 2), 0)) AS eval_sd,
           avg(score) AS eval_unweighted
    FROM response_scores
    GROUP BY project_id
),
tr AS (
    SELECT project_id, count(*) AS n_trainees, avg(CAST(rural AS DOUBLE)) AS rural_share
    FROM trainees GROUP BY ALL
),
ex AS (
    SELECT project_id, count(*) AS n_reviews,
           avg(review_mean) AS expert_score, stddev_samp(review_mean) AS expert_sd
    FROM (
        SELECT project_id,
               (coalesce(design, 0) + coalesce(delivery, 0) + coalesce(management, 0) + coalesce(outcomes, 0))
               / nullif((design IS NOT NULL)::INT + (delivery IS NOT NULL)::INT + (management IS NOT NULL)::INT + (outcomes IS NOT NULL)::INT, 0) AS review_mean
        FROM expert_reviews
    )
    WHERE review_mean IS NOT NULL
    GROUP BY ALL
),
res AS (
    SELECT project_id, count(*) FILTER (WHERE final_result IS NOT NULL) AS n_results,
           avg(passed(final_result)) AS completion_rate
    FROM assessments GROUP BY ALL
)
SELECT ap.project_id,
       coalesce(p.year, ev.ev_year) AS year,
       p.institution_id, p.county_code, p.program, p.category, p.mode, p.stage, p.enrolled,
       coalesce(p.enrolled, tr.n_trainees) AS population,
       tr.n_trainees, tr.rural_share,
       coalesce(ev.n_responses, 0) AS n_responses, ev.n_effective, ev.n_excluded,
       ev.eval_raw, ev.eval_sd, ev.eval_unweighted,
       ex.n_reviews, ex.expert_score, ex.expert_sd,
       res.n_results, res.completion_rate,
       fu.n_followed, fu.followup_score, fu.followup_sd, sus.integrity_suspect
FROM all_projects ap
LEFT JOIN projects p USING (project_id)
LEFT JOIN ev USING (project_id)
LEFT JOIN tr USING (project_id)
LEFT JOIN ex USING (project_id)
LEFT JOIN res USING (project_id)
LEFT JOIN project_followups fu USING (project_id)
LEFT JOIN (SELECT project_id, string_agg(flag, '+' ORDER BY flag) AS integrity_suspect
           FROM integrity_flags WHERE level = 'suspect' GROUP BY ALL) sus USING (project_id)
