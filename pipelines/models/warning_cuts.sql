-- Grain: one row per project and cut (a running or awaiting project has one).
-- Training projects (ended, with final results) are cut at 25 %, 50 % and 75 % of their course;
-- projects running at the as-of date are cut there: a course whose end is given and not yet
-- reached, or, without an end date and without results, one whose records reach the as-of date
-- (or whose typical length is not yet over). A course past its given end still waiting for its
-- results is 'awaiting' (counted, never warned). A cut is a date: every feature reads only
-- records dated on or before it.
CREATE OR REPLACE TABLE warning_cuts AS
WITH w AS (
    SELECT *,
           CASE WHEN has_results AND end_date < $as_of AND end_date > start_date THEN 'train'
                WHEN start_date <= $as_of AND end_date > start_date
                     AND (given_end >= $as_of
                          OR (given_end IS NULL AND NOT has_results AND (end_date >= $as_of OR last_record >= CAST($as_of AS DATE) - INTERVAL 14 DAY)))
                THEN 'current'
                WHEN given_end < $as_of AND NOT has_results THEN 'awaiting'
           END AS status
    FROM warning_windows
)
SELECT project_id, year, 'train' AS role, progress,
       CAST(start_date + to_days(CAST(round(progress * datediff('day', start_date, end_date)) AS INTEGER)) AS DATE) AS cut_date
FROM w, (VALUES (0.25), (0.5), (0.75)) v(progress)
WHERE status = 'train'
UNION ALL
SELECT project_id, year, 'current', least(datediff('day', start_date, $as_of) / datediff('day', start_date, end_date), 0.99), CAST($as_of AS DATE)
FROM w WHERE status = 'current'
UNION ALL
SELECT project_id, year, 'awaiting', NULL, CAST($as_of AS DATE)
FROM w WHERE status = 'awaiting';
