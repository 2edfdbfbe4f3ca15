-- Grain: one row per trainee and cut, of the running projects every one, of the past ones those the
-- training sample can take (_wf_sample, warning_features.parts.sql). As-of features (only records dated ≤ cut_date), the
-- teacher's history before the project began, and the outcome (training rows only).
--   at_risk: final result not `pass`, or the follow-up of wave $transfer_wave (months after the end,
--            6 by default) shows poor transfer (mean of application items and lesson observation,
--            0-100, below $poor_transfer); unknown while that follow-up is not due (when
--            follow-ups are collected at all).
--   hours_cycle: hours in the archive over the $cycle_years years before the project's year.
-- Each part is staged in a table of its own: the final join is then planned with exact row counts
-- (the kind tables are views, whose estimates can be far off at national scale).
-- The staging tables are temporary: held in memory (spilled to the temp folder beyond the memory
-- limit), not compressed and written into the warehouse, which took a third of this model's time
-- at national size (27.6 s against 18-19.5 s, measured 2026-12-04).
-- The cuts of a project side by side (at most three: a training project's 25 %, 50 % and 75 %,
-- a running one's as-of date), so that the records of each trainee are counted behind every cut
-- in one pass over them: a join of each record with every cut of its project wrote 1.5 times the
-- attendance rows and grouped them by cut. A count of 0 records is NULL, as a record-less cut.
-- The staging tables of warning_features.parts.sql (the cuts numbered by project, the rows kept, the
-- earlier projects, archive hours, transfer) are read here; only the parts to build (_parts_build) are.
-- The rows of this model (_wf_keep) and their trainees (_wf_who): the records of no other trainee
-- are read below.
DELETE FROM _wf_cutk WHERE project_id NOT IN (SELECT part FROM _parts_build);
DELETE FROM _wf_keep WHERE project_id NOT IN (SELECT part FROM _parts_build);
DELETE FROM _wf_who WHERE project_id NOT IN (SELECT part FROM _parts_build);

CREATE OR REPLACE TEMP TABLE _wf_cutw AS
SELECT project_id,
       max(cut_date) FILTER (WHERE k = 1) AS cut1,
       max(cut_date) FILTER (WHERE k = 2) AS cut2,
       max(cut_date) FILTER (WHERE k = 3) AS cut3,
       CASE WHEN max(k) > 3 THEN error('warning_cuts: a project with more than three cuts') END AS more
FROM _wf_cutk
GROUP BY ALL;

-- The records dated (d and e) on or before each of the three cuts that meet cond, as a list by k;
-- the mean of x over them.
CREATE OR REPLACE TEMP MACRO count_behind(d, e, cond, c1, c2, c3) AS list_value(
    count(*) FILTER (WHERE d <= c1 AND e <= c1 AND cond), count(*) FILTER (WHERE d <= c2 AND e <= c2 AND cond), count(*) FILTER (WHERE d <= c3 AND e <= c3 AND cond));
CREATE OR REPLACE TEMP MACRO mean_behind(x, d, e, c1, c2, c3) AS list_value(
    avg(x) FILTER (WHERE d <= c1 AND e <= c1), avg(x) FILTER (WHERE d <= c2 AND e <= c2), avg(x) FILTER (WHERE d <= c3 AND e <= c3));

-- Each kept trainee with its project's cuts: the records are joined with it on both keys, so that
-- the 358 k kept trainees are the join's build side. (A semi join with the trainees beside a join
-- with the cuts was planned either way round from one run to the next: with the 17 M records as
-- the build side it took 4.0 s nationally, against 1.7 s.)
CREATE OR REPLACE TEMP TABLE _wf_whoc AS
SELECT w.project_id, w.teacher_id, c.cut1, c.cut2, c.cut3 FROM _wf_who w JOIN _wf_cutw c USING (project_id);

CREATE OR REPLACE TEMP TABLE _wf_att AS
SELECT project_id, teacher_id,
       count_behind(session_date, session_date, true, cut1, cut2, cut3) AS n,
       count_behind(session_date, session_date, counted_session(status), cut1, cut2, cut3) AS sessions,
       count_behind(session_date, session_date, attended(status), cut1, cut2, cut3) AS attended,
       count_behind(session_date, session_date, status = 'late', cut1, cut2, cut3) AS late,
       count_behind(session_date, session_date, session_type = 'practice' AND counted_session(status), cut1, cut2, cut3) AS practice_sessions,
       count_behind(session_date, session_date, session_type = 'practice' AND attended(status), cut1, cut2, cut3) AS practice_attended
FROM attendance a JOIN _wf_whoc c USING (project_id, teacher_id)
WHERE a.session_date <= greatest(c.cut1, c.cut2, c.cut3)
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE _wf_sub AS
SELECT project_id, teacher_id,
       count_behind(due_date, due_date, true, cut1, cut2, cut3) AS due,
       count_behind(due_date, CAST(submitted_at AS DATE), true, cut1, cut2, cut3) AS submitted,
       mean_behind(score, due_date, CAST(submitted_at AS DATE), cut1, cut2, cut3) AS score_mean
FROM submissions s JOIN _wf_whoc c USING (project_id, teacher_id)
WHERE s.due_date <= greatest(c.cut1, c.cut2, c.cut3)
GROUP BY ALL;

-- One row per trainee of a project with cuts, then one part joined at a time: a join of several
-- large parts at once holds all their hash tables in memory together, more than the memory limit
-- at national scale (DuckDB spills one join's build side to disk, not several in one pipeline).
-- The parts of one row per trainee (earlier projects, archive hours, final result, transfer) are
-- narrow: their hash tables fit in memory together. The rows per cut are made by the last statement.
-- (Each part kept to the projects built first: on a rerun that builds a few projects, the joins
-- then hash thousands of rows, not every trainee's.)
CREATE OR REPLACE TEMP TABLE _wf_base AS
SELECT t.project_id, t.teacher_id, t.county_code, t.school_id, t.stage, t.rural, t.title, p.mode, p.start_date,
       coalesce(past.prior_projects, 0) AS prior_projects, past.prior_fail_rate, hrs.hours_cycle AS hours_recorded,
       t.final_result, tr.transfer
FROM _wf_who w
JOIN warning_roster t ON t.project_id = w.project_id AND t.teacher_id = w.teacher_id
JOIN projects p ON p.project_id = t.project_id
LEFT JOIN _wf_past past ON past.project_id = t.project_id AND past.teacher_id = t.teacher_id
LEFT JOIN _wf_hrs hrs ON hrs.project_id = t.project_id AND hrs.teacher_id = t.teacher_id
LEFT JOIN _wf_transfer tr ON tr.project_id = t.project_id AND tr.teacher_id = t.teacher_id;
DROP TABLE _wf_past;
DROP TABLE _wf_hrs;
DROP TABLE _wf_transfer;

CREATE OR REPLACE TEMP TABLE _wf_base_att AS
SELECT b.*, att.n, att.sessions, att.attended, att.late, att.practice_sessions, att.practice_attended
FROM _wf_base b
LEFT JOIN _wf_att att ON att.project_id = b.project_id AND att.teacher_id = b.teacher_id;
DROP TABLE _wf_base;
DROP TABLE _wf_att;

CREATE OR REPLACE TEMP TABLE _wf_hist AS
SELECT b.*, sub.due, sub.submitted, sub.score_mean
FROM _wf_base_att b
LEFT JOIN _wf_sub sub ON sub.project_id = b.project_id AND sub.teacher_id = b.teacher_id;
DROP TABLE _wf_base_att;
DROP TABLE _wf_sub;

-- Each trainee at each cut of the project (k: the cut's place among the project's cuts, which
-- picks its counts); no record behind a cut leaves its counts null.
CREATE OR REPLACE TEMP VIEW _wf_rows AS
SELECT c.project_id, c.teacher_id, c.year, c.role, c.progress, c.cut_date, c.known,
       h.county_code, h.school_id, h.stage, h.rural, h.title, h.mode, h.start_date,
       CASE WHEN h.n[c.k] > 0 THEN h.sessions[c.k] END AS sessions,
       CASE WHEN h.n[c.k] > 0 THEN h.attended[c.k] END AS attended,
       CASE WHEN h.n[c.k] > 0 THEN h.late[c.k] END AS late,
       CASE WHEN h.n[c.k] > 0 THEN h.practice_sessions[c.k] END AS practice_sessions,
       CASE WHEN h.n[c.k] > 0 THEN h.practice_attended[c.k] END AS practice_attended,
       CASE WHEN h.due[c.k] > 0 THEN h.due[c.k] END AS due,
       CASE WHEN h.due[c.k] > 0 THEN h.submitted[c.k] END AS submitted,
       CASE WHEN h.due[c.k] > 0 THEN h.score_mean[c.k] END AS score_mean,
       h.prior_projects, h.prior_fail_rate, h.hours_recorded, h.final_result, h.transfer
FROM _wf_keep c
JOIN _wf_hist h ON h.project_id = c.project_id AND h.teacher_id = c.teacher_id;

CREATE OR REPLACE TABLE warning_features AS
SELECT c.project_id, c.teacher_id, c.year, c.role, c.progress, c.cut_date,
       c.county_code, c.school_id, c.stage, c.rural, c.title, c.mode, c.start_date,
       c.sessions,
       1 - c.attended / nullif(c.sessions, 0) AS absence_rate,
       c.late / nullif(c.sessions, 0) AS late_rate,
       1 - c.practice_attended / nullif(c.practice_sessions, 0) AS practice_absence_rate,
       c.due AS assignments_due,
       (c.due - c.submitted) / nullif(c.due, 0) AS assignments_missing_rate,
       c.score_mean AS assignment_score,
       c.prior_projects,
       c.prior_fail_rate,
       CASE WHEN c.hours_recorded IS NULL AND c.county_code IN (SELECT county_code FROM hours_counties) THEN 0 ELSE c.hours_recorded END AS hours_cycle,
       c.hours_recorded IS NULL AND c.county_code IN (SELECT county_code FROM hours_counties) AS hours_zero_filled,
       CASE WHEN c.mode = 'online' THEN 1.0 ELSE 0.0 END AS online,
       rules_hit(absence_rate, assignments_missing_rate) AS rules_hit,
       c.final_result,
       c.transfer,
       -- (Known: a training row with a final result whose follow-up is due: _wf_cells.)
       CASE WHEN NOT c.known THEN NULL
            WHEN c.final_result <> 'pass' OR c.transfer < $poor_transfer THEN 1
            ELSE 0 END AS at_risk
FROM _wf_rows c;

DROP VIEW _wf_rows;
DROP TABLE _wf_hist;
DROP TABLE _wf_cutw;
DROP TABLE _wf_whoc;
DROP TABLE _wf_keep;
DROP TABLE _wf_who;
DROP VIEW _wf_cells;
DROP TABLE _wf_cutk;
DROP TABLE _wf_pending;
DROP TABLE _wf_sample;
DROP MACRO count_behind;
DROP MACRO mean_behind;
