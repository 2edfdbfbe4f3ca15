-- Grain: one row per trainee and cut. As-of features (only records dated ≤ cut_date), the
-- teacher's history before the project began, and the outcome (training rows only).
--   at_risk: final result not `pass`, or the follow-up of wave $transfer_wave (months after the end,
--            6 by default) shows poor transfer (mean of application items and lesson observation,
--            0-100, below $poor_transfer); unknown while that follow-up is not due (when
--            follow-ups are collected at all).
--   hours_cycle: hours in the archive over the $cycle_years years before the project's year.
-- Each part is staged in a table of its own: the final join is then planned with exact row counts
-- (the kind tables are views, whose estimates can be far off at national scale).
CREATE OR REPLACE TABLE _wf_att AS
SELECT c.project_id, c.cut_date, a.teacher_id,
       count(*) FILTER (WHERE counted_session(a.status)) AS sessions,
       count(*) FILTER (WHERE attended(a.status)) AS attended,
       count(*) FILTER (WHERE a.status = 'late') AS late,
       count(*) FILTER (WHERE a.status = 'absent') AS absent,
       count(*) FILTER (WHERE a.session_type = 'practice' AND counted_session(a.status)) AS practice_sessions,
       count(*) FILTER (WHERE a.session_type = 'practice' AND attended(a.status)) AS practice_attended
FROM warning_cuts c
JOIN attendance a ON a.project_id = c.project_id AND a.session_date <= c.cut_date
GROUP BY ALL;

CREATE OR REPLACE TABLE _wf_sub AS
SELECT c.project_id, c.cut_date, s.teacher_id,
       count(*) AS due,
       count(*) FILTER (WHERE CAST(s.submitted_at AS DATE) <= c.cut_date) AS submitted,
       avg(s.score) FILTER (WHERE CAST(s.submitted_at AS DATE) <= c.cut_date) AS score_mean
FROM warning_cuts c
JOIN submissions s ON s.project_id = c.project_id AND s.due_date <= c.cut_date
GROUP BY ALL;

CREATE OR REPLACE TABLE _wf_past AS
-- Earlier projects of the same teacher that had ended before this one started. Per teacher, every
-- project's start and end in date order (on one day, starts before ends: only ends strictly
-- earlier count), and at each start the ends counted so far, with their results: one sort of
-- twice the trainees, where a join of each trainee with all of the teacher's projects took 11 s
-- at national size. (A project whose window ended before it began would count itself: taken off.)
WITH tp AS (
    SELECT t.project_id, t.teacher_id, w.start_date, w.end_date, 1 - passed(a.final_result) AS failed
    FROM trainees t
    JOIN warning_windows w ON w.project_id = t.project_id
    LEFT JOIN assessments a ON a.project_id = t.project_id AND a.teacher_id = t.teacher_id),
ev AS (
    SELECT teacher_id, project_id, start_date AS d, 0 AS is_end, NULL::DOUBLE AS failed, end_date < start_date AS self_before, failed AS own_failed
    FROM tp WHERE start_date IS NOT NULL
    UNION ALL
    SELECT teacher_id, project_id, end_date AS d, 1 AS is_end, failed, NULL, NULL
    FROM tp WHERE end_date IS NOT NULL),
run AS (
    SELECT ev.*,
           coalesce(sum(is_end) OVER w, 0) AS ends,
           coalesce(sum(CASE WHEN is_end = 1 AND failed IS NOT NULL THEN 1 ELSE 0 END) OVER w, 0) AS with_result,
           coalesce(sum(failed) OVER w, 0) AS fails
    FROM ev
    WINDOW w AS (PARTITION BY teacher_id ORDER BY d, is_end ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)),
own AS (
    SELECT project_id, teacher_id,
           ends - CASE WHEN self_before THEN 1 ELSE 0 END AS prior_projects,
           with_result - CASE WHEN self_before AND own_failed IS NOT NULL THEN 1 ELSE 0 END AS with_result,
           fails - CASE WHEN self_before THEN coalesce(own_failed, 0) ELSE 0 END AS fails
    FROM run WHERE is_end = 0)
SELECT project_id, teacher_id, prior_projects, fails / nullif(with_result, 0) AS prior_fail_rate
FROM own WHERE prior_projects > 0;

CREATE OR REPLACE TABLE _wf_hrs AS
SELECT t.project_id, t.teacher_id, sum(h.hours) AS hours_cycle
FROM trainees t JOIN projects p USING (project_id)
JOIN hours h ON h.teacher_id = t.teacher_id AND in_cycle(h.year, p.year - 1, $cycle_years)
GROUP BY ALL;

-- Counties the hours archive covers (it holds every teacher of such a county, trained or not): a
-- teacher there without a record had no hours (0), not an unknown number.
CREATE OR REPLACE TABLE _wf_archive AS
SELECT DISTINCT county_code FROM (
    SELECT h.county_code FROM hours h WHERE h.county_code IS NOT NULL
    UNION ALL
    SELECT t.county_code FROM hours h JOIN trainees t USING (teacher_id) WHERE t.county_code IS NOT NULL);

CREATE OR REPLACE TABLE _wf_transfer AS
SELECT f.project_id, f.teacher_id,
       avg(transfer(i.item, f.observation_score)) AS transfer
FROM followups f
LEFT JOIN (SELECT a.project_id, a.teacher_id, a.wave, avg(to100(a.value, coalesce(n.scale_min, $likert_min), coalesce(n.scale_max, $likert_max))) AS item
           FROM followup_answers a LEFT JOIN instrument n ON lower(n.item_id) = a.item_id GROUP BY ALL) i USING (project_id, teacher_id, wave)
WHERE f.wave = $transfer_wave
GROUP BY ALL;

-- The trainee-cut rows, then one part joined at a time: a join of several large parts at once
-- holds all their hash tables in memory together, more than the memory limit at national scale
-- (DuckDB spills one join's build side to disk, not several in one pipeline); one join per
-- statement stays within a 2 GB limit.
CREATE OR REPLACE TABLE _wf_base AS
SELECT c.project_id, t.teacher_id, c.year, c.role, c.progress, c.cut_date,
       t.county_code, t.school_id, t.stage, t.rural, p.mode, ww.end_date
FROM (SELECT * FROM warning_cuts WHERE role <> 'awaiting') c
JOIN trainees t ON t.project_id = c.project_id
JOIN projects p ON p.project_id = c.project_id
JOIN warning_windows ww ON ww.project_id = c.project_id;

CREATE OR REPLACE TABLE _wf_base_att AS
SELECT b.*, att.sessions, att.attended, att.late, att.practice_sessions, att.practice_attended
FROM _wf_base b
LEFT JOIN _wf_att att ON att.project_id = b.project_id AND att.cut_date = b.cut_date AND att.teacher_id = b.teacher_id;
DROP TABLE _wf_base;
DROP TABLE _wf_att;

CREATE OR REPLACE TABLE _wf_cuts AS
SELECT b.*, sub.due, sub.submitted, sub.score_mean
FROM _wf_base_att b
LEFT JOIN _wf_sub sub ON sub.project_id = b.project_id AND sub.cut_date = b.cut_date AND sub.teacher_id = b.teacher_id;
DROP TABLE _wf_base_att;
DROP TABLE _wf_sub;

-- The parts of one row per trainee (earlier projects, archive hours, final result, transfer):
-- narrow, so their hash tables fit in memory together.
CREATE OR REPLACE TABLE _wf_hist AS
SELECT c.*, coalesce(past.prior_projects, 0) AS prior_projects, past.prior_fail_rate, hrs.hours_cycle AS hours_recorded,
       a.final_result, tr.transfer
FROM _wf_cuts c
LEFT JOIN _wf_past past ON past.project_id = c.project_id AND past.teacher_id = c.teacher_id
LEFT JOIN _wf_hrs hrs ON hrs.project_id = c.project_id AND hrs.teacher_id = c.teacher_id
LEFT JOIN assessments a ON a.project_id = c.project_id AND a.teacher_id = c.teacher_id
LEFT JOIN _wf_transfer tr ON tr.project_id = c.project_id AND tr.teacher_id = c.teacher_id;
DROP TABLE _wf_cuts;
DROP TABLE _wf_past;
DROP TABLE _wf_hrs;
DROP TABLE _wf_transfer;

CREATE OR REPLACE TABLE warning_features AS
SELECT c.project_id, c.teacher_id, c.year, c.role, c.progress, c.cut_date,
       c.county_code, c.school_id, c.stage, c.rural, c.mode,
       c.sessions,
       1 - c.attended / nullif(c.sessions, 0) AS absence_rate,
       c.late / nullif(c.sessions, 0) AS late_rate,
       1 - c.practice_attended / nullif(c.practice_sessions, 0) AS practice_absence_rate,
       c.due AS assignments_due,
       (c.due - c.submitted) / nullif(c.due, 0) AS assignments_missing_rate,
       c.score_mean AS assignment_score,
       c.prior_projects,
       c.prior_fail_rate,
       CASE WHEN c.hours_recorded IS NULL AND c.county_code IN (SELECT county_code FROM _wf_archive) THEN 0 ELSE c.hours_recorded END AS hours_cycle,
       c.hours_recorded IS NULL AND c.county_code IN (SELECT county_code FROM _wf_archive) AS hours_zero_filled,
       CASE WHEN c.mode = 'online' THEN 1.0 ELSE 0.0 END AS online,
       rules_hit(absence_rate, assignments_missing_rate) AS rules_hit,
       c.final_result,
       c.transfer,
       CASE WHEN c.role = 'current' THEN NULL
            WHEN c.final_result IS NULL THEN NULL
            -- The 6-month follow-up of this project is not due yet: its outcomes are not complete,
            -- so none of its trainees is a training example (keeping only its failures would bias).
            WHEN c.end_date > CAST($as_of AS DATE) - to_days(CAST(round($transfer_wave * 365.25 / 12) AS INTEGER)) AND EXISTS (SELECT 1 FROM followups) THEN NULL
            WHEN c.final_result <> 'pass' OR c.transfer < $poor_transfer THEN 1
            ELSE 0 END AS at_risk
FROM _wf_hist c;

DROP TABLE _wf_hist;
DROP TABLE _wf_archive;
