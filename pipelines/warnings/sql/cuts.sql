-- Grain: one row per project (warning_windows), then one row per project and cut (warning_cuts).
-- A course's window: its start and end dates as given; where an export has none, the first and
-- last dated record (sessions, due dates) of a course with results, and for a course still running
-- the median length of finished courses of the same mode (all modes where that mode has none).
CREATE OR REPLACE TABLE warning_windows AS
WITH rec AS (
    SELECT project_id, min(d) AS first_record, max(d) AS last_record
    FROM (SELECT project_id, session_date AS d FROM attendance WHERE session_date IS NOT NULL
          UNION ALL
          SELECT project_id, due_date FROM submissions WHERE due_date IS NOT NULL)
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
