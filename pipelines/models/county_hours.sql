-- Grain: one row per county and year that ends a cycle in which the hours archive holds one of the
-- county's teachers. How many of them meet the cycle's hours, for county_performance.sql (its
-- `hours` part): a model of its own, which a rerun takes from the previous warehouse when the
-- archive, the rosters, the projects and the counties are unchanged (adding a month of attendance
-- leaves it: 0.9 s of the county grades nationally).
-- A teacher meets the hours with ≥ $cycle_hours in the $cycle_years years to that year, pro rata
-- for a teacher whose archive starts later (years_on_record); the share is over the county's
-- teachers_total, or over the teachers found in the archive where the county file gives no total.
-- In three statements, not one: five national years' archive (65 M rows, 15 M teachers, 123 M
-- teacher-windows) ran DuckDB out of memory in one, where the windows' grouping and the join to
-- the counties held memory at once (each alone spills). Each teacher is then numbered by its row in
-- _ch_county, so that the windows are grouped by two integers, not by a teacher id (five years: 69 s
-- against 99 s grouped by id; nationally about 9 s either way).

-- The archive's own county first (it covers teachers never trained), else the roster's.
CREATE OR REPLACE TEMP TABLE _ch_county AS
SELECT teacher_id, arg_min(county_code, src) AS county_code
FROM (SELECT teacher_id, county_code, 0 AS src FROM hours WHERE county_code IS NOT NULL
      UNION ALL
      SELECT teacher_id, county_code, 1 AS src FROM trainees WHERE county_code IS NOT NULL)
GROUP BY ALL;

-- Each archive year counts towards the windows ending in it and the next cycle_years - 1 years:
-- hours summed per teacher and window (a range join of every archive row against every county-year
-- is orders of magnitude slower at national scale). A teacher with no county is in no county's count.
CREATE OR REPLACE TEMP TABLE _ch_windows AS
SELECT tid, window_end, sum(hours) AS hours, min(year) AS first_year
FROM (SELECT tc.rowid AS tid, h.year, h.hours, unnest(range(h.year, h.year + $cycle_years)) AS window_end
      FROM hours h JOIN _ch_county tc USING (teacher_id))
GROUP BY ALL;

CREATE TABLE county_hours AS
WITH hours_window AS (
    SELECT tc.county_code, w.window_end AS year, w.hours,
           least(w.window_end - w.first_year + 1, $cycle_years) AS years_on_record
    FROM _ch_windows w JOIN _ch_county tc ON tc.rowid = w.tid
)
SELECT h.county_code, h.year,
       count(*) FILTER (WHERE hours >= $cycle_hours * years_on_record / $cycle_years) AS teachers_meeting_hours,
       coalesce(any_value(c.teachers_total), count(*)) AS hours_denominator,
       least(teachers_meeting_hours / hours_denominator, 1.0) AS hours_share,
       count(*) AS teachers_with_hours
FROM hours_window h LEFT JOIN counties c USING (county_code)
GROUP BY ALL
ORDER BY h.year, h.county_code;

DROP TABLE _ch_county;
DROP TABLE _ch_windows;
