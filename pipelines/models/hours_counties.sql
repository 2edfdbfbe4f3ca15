-- Grain: one row per county the hours archive covers: it holds every teacher of such a county,
-- trained or not, so a teacher there without a record had no hours (0), not an unknown number
-- (warning_features). A county named by an archive record, or the county of a trainee the archive
-- holds.
CREATE OR REPLACE TABLE hours_counties AS
SELECT DISTINCT county_code FROM (
    SELECT h.county_code FROM hours h WHERE h.county_code IS NOT NULL
    UNION ALL
    SELECT t.county_code FROM hours h JOIN trainees t USING (teacher_id) WHERE t.county_code IS NOT NULL);
