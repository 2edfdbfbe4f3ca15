-- Grain: one row per county and year that ends a cycle in which the hours archive holds one of the
-- county's teachers. How many of them meet the cycle's hours, for county_performance.sql (its
-- `hours` part): a model of its own, which a rerun takes from the previous warehouse when the
-- archive, the rosters, the projects and the counties are unchanged (adding a month of attendance
-- leaves it: 0.9 s of the county grades nationally).
-- A teacher meets the hours with ≥ $cycle_hours in the $cycle_years years to that year, pro rata
-- for a teacher whose archive starts later (years_on_record); the share is over the county's
-- teachers_total, or over the teachers found in the archive where the county file gives no total.
CREATE TABLE county_hours AS
WITH teacher_county AS (
    -- The archive's own county first (it covers teachers never trained), else the roster's.
    SELECT teacher_id, arg_min(county_code, src) AS county_code
    FROM (SELECT teacher_id, county_code, 0 AS src FROM hours WHERE county_code IS NOT NULL
          UNION ALL
          SELECT teacher_id, county_code, 1 AS src FROM trainees WHERE county_code IS NOT NULL)
    GROUP BY ALL
),
hours_window AS (
    -- Each archive year counts towards the windows ending in it and the next cycle_years - 1 years:
    -- hours summed per teacher and window first, then one equi-join to the county (a range join of
    -- every archive row against every county-year is orders of magnitude slower at national scale).
    SELECT tc.county_code, w.window_end AS year, w.teacher_id, w.hours,
           least(w.window_end - w.first_year + 1, $cycle_years) AS years_on_record
    FROM (SELECT teacher_id, window_end, sum(hours) AS hours, min(year) AS first_year
          FROM (SELECT teacher_id, year, hours, unnest(range(year, year + $cycle_years)) AS window_end FROM hours)
          GROUP BY ALL) w
    JOIN teacher_county tc USING (teacher_id)
)
SELECT h.county_code, h.year,
       count(*) FILTER (WHERE hours >= $cycle_hours * years_on_record / $cycle_years) AS teachers_meeting_hours,
       coalesce(any_value(c.teachers_total), count(*)) AS hours_denominator,
       least(teachers_meeting_hours / hours_denominator, 1.0) AS hours_share,
       count(*) AS teachers_with_hours
FROM hours_window h LEFT JOIN counties c USING (county_code)
GROUP BY ALL
ORDER BY h.year, h.county_code
