-- Grain: one row per project and cut. Training projects (finished, with final results) are cut at
-- 25 %, 50 % and 75 % of their course; projects still running at the as-of date are cut there.
-- A cut is a date: every feature below only reads records dated on or before it.
CREATE OR REPLACE TABLE warning_cuts AS
WITH finished AS (
    SELECT p.project_id, p.year, p.start_date, p.end_date
    FROM projects p
    WHERE p.start_date IS NOT NULL AND p.end_date > p.start_date AND p.end_date < $as_of
      AND EXISTS (SELECT 1 FROM assessments a WHERE a.project_id = p.project_id AND a.final_result IS NOT NULL)
),
running AS (
    SELECT p.project_id, p.year, p.start_date, p.end_date
    FROM projects p
    WHERE p.start_date IS NOT NULL AND p.end_date > p.start_date AND p.start_date <= $as_of AND p.end_date >= $as_of
)
SELECT project_id, year, 'train' AS role, progress,
       CAST(start_date + to_days(CAST(round(progress * datediff('day', start_date, end_date)) AS INTEGER)) AS DATE) AS cut_date
FROM finished, (VALUES (0.25), (0.5), (0.75)) v(progress)
UNION ALL
SELECT project_id, year, 'current', datediff('day', start_date, $as_of) / datediff('day', start_date, end_date), CAST($as_of AS DATE)
FROM running
