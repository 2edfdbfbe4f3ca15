-- Grain: one row per teacher in the hours archive. Hours over the 5-year cycle ending with $year
-- (360 in all, 004_…), and IT application ability 2.0 hours (50, of which 25 practice, 003_…).
-- behind_* = how many hours are still missing (0 when met). County from the archive where it says,
-- else from the roster; school from the roster.
CREATE OR REPLACE TABLE hours_compliance AS
WITH cycle AS (
    SELECT teacher_id,
           sum(hours) AS hours, sum(coalesce(it_hours, 0)) AS it_hours, sum(coalesce(it_practice_hours, 0)) AS it_practice_hours,
           min(year) AS first_year
    FROM hours
    WHERE in_cycle(year, $year, $cycle_years)
    GROUP BY ALL
),
home AS (
    SELECT t.teacher_id, arg_max(t.county_code, p.year) AS county_code, arg_max(t.school_id, p.year) AS school_id
    FROM trainees t JOIN projects p USING (project_id)
    GROUP BY ALL
)
SELECT $year AS year, c.teacher_id, coalesce(a.county_code, h.county_code) AS county_code, h.school_id,
       c.hours, c.it_hours, c.it_practice_hours,
       greatest($cycle_hours - c.hours, 0) AS behind_hours,
       greatest($it_hours - c.it_hours, 0) AS behind_it_hours,
       greatest($it_practice_hours - c.it_practice_hours, 0) AS behind_it_practice_hours,
       c.hours >= $cycle_hours AS meets_hours,
       c.it_hours >= $it_hours AND c.it_practice_hours >= $it_practice_hours AS meets_it
FROM cycle c LEFT JOIN home h USING (teacher_id)
LEFT JOIN (SELECT teacher_id, arg_max(county_code, year) AS county_code FROM hours WHERE county_code IS NOT NULL GROUP BY ALL) a USING (teacher_id)
ORDER BY behind_hours DESC, teacher_id
