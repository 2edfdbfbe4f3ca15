-- Grain: one row per project with trainees or results. The fingerprints of a project's roster and
-- results that warning_features.parts.sql puts in each part's hash: each the sum of the 64-bit hashes
-- of the rows (whole, as loaded). A model of its own, not a step of the parts: a month of attendance
-- leaves the rosters and the results as they were, and a rerun then takes this table instead of
-- hashing 2.4 M trainees and their results again (0.25 s nationally).
CREATE OR REPLACE TABLE roster_hashes AS
WITH roster AS (
    SELECT t.project_id, sum(hash(t, t.county_code IN (SELECT county_code FROM hours_counties))) AS h
    FROM trainees t GROUP BY ALL),
results AS (SELECT project_id, sum(hash(a)) AS h FROM assessments a GROUP BY ALL)
SELECT project_id, CAST(roster.h AS VARCHAR) AS roster_hash, CAST(results.h AS VARCHAR) AS results_hash
FROM roster FULL JOIN results USING (project_id);
