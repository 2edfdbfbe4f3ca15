-- Grain: one row per project.
-- A course's window: its start and end dates as given; where an export has none, the first and
-- last dated record (sessions, due dates) of a course with results, and for a course still running
-- the median length of finished courses of the same mode (all modes where that mode has none).
CREATE OR REPLACE TABLE warning_windows AS
WITH rec AS (
    SELECT project_id, min(f) AS first_record, max(l) AS last_record
    FROM (SELECT project_id, first_session AS f, last_session AS l FROM attendance_projects WHERE first_session IS NOT NULL
          UNION ALL
          SELECT project_id, first_due, last_due FROM submissions_projects WHERE first_due IS NOT NULL)
    GROUP BY ALL
),
res AS (SELECT DISTINCT project_id FROM assessments WHERE final_result IS NOT NULL),
base AS (
    SELECT p.project_id, p.year, p.mode, coalesce(p.start_date, r.first_record) AS start_date, p.end_date AS given_end,
           r.last_record, res.project_id IS NOT NULL AS has_results
    FROM projects p LEFT JOIN rec r USING (project_id) LEFT JOIN res USING (project_id)
),
lengths AS (
    SELECT mode, datediff('day', start_date, coalesce(given_end, last_record)) AS len
    FROM base WHERE has_results AND coalesce(given_end, last_record) > start_date
),
by_mode AS (SELECT mode, median(len) AS len FROM lengths WHERE mode IS NOT NULL GROUP BY ALL),
overall AS (SELECT median(len) AS len FROM lengths)
SELECT b.project_id, b.year, b.start_date, b.given_end, b.last_record, b.has_results,
       CASE WHEN b.given_end IS NOT NULL THEN b.given_end
            WHEN b.has_results THEN b.last_record
            ELSE CAST(b.start_date + to_days(CAST(round(coalesce(m.len, o.len)) AS INTEGER)) AS DATE) END AS end_date,
       b.given_end IS NULL AS end_inferred
FROM base b LEFT JOIN by_mode m ON m.mode = b.mode CROSS JOIN overall o;
