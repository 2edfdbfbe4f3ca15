-- Grain: one row per county and year with trainees: the teachers trained (each teacher once, in any
-- number of projects) and the backbone teachers among them. The rosters' part of the county grades
-- (county_performance.sql), a model of its own: a month of attendance leaves it as it was, and a
-- rerun takes it rather than grouping 2.4 M trainees again (0.2 s nationally).
CREATE TABLE county_trained AS
SELECT county_code, year, count(*) AS teachers_trained, count(*) FILTER (WHERE backbone) AS backbone_trained
FROM (SELECT t.county_code, p.year, t.teacher_id, bool_or(nullif(t.backbone_level, '') IS NOT NULL) AS backbone
      FROM trainees t JOIN projects p USING (project_id)
      WHERE t.county_code IS NOT NULL AND p.year IS NOT NULL
      GROUP BY ALL)
GROUP BY ALL
ORDER BY county_code, year;
