-- The parts of warning_features (model.ts, `partitioned`): one per project with cuts. What a
-- project's rows are a function of, beyond the code, the policy and the parameters other than the
-- as-of date: its cuts; its window, mode and whether its follow-up outcome is due by the as-of date;
-- the training sample's bound (_wf_sample: which of its past trainee-cuts are kept);
-- its trainees' rows, their results, transfer, earlier projects and archive hours (which read other
-- projects too: hashed as computed, not as read); and the columns of its attendance and assignment
-- rows that warning_features.sql reads. Each as the sum of the 64-bit hashes of its rows (memo.ts),
-- the sums hashed together per project: a
-- project whose hash the previous warehouse holds is taken from it, the others built
-- (warning_features.sql). Adding a month of attendance builds again the projects with a session
-- in it, and those whose cuts or due outcome the later as-of date moves.
-- The staging tables below are read by warning_features.sql too.
-- Each cut numbered among its project's cuts (k), once: the counts are kept by k.
CREATE OR REPLACE TEMP TABLE _wf_cutk AS
SELECT project_id, year, role, progress, cut_date, row_number() OVER (PARTITION BY project_id ORDER BY cut_date, progress) AS k
FROM warning_cuts WHERE role <> 'awaiting';

-- Whether a project's outcome is still pending: its follow-up of wave $transfer_wave is not due by
-- the as-of date (when follow-ups are collected at all): none of its trainees is then a training
-- example (keeping only its failures would bias).
CREATE OR REPLACE TEMP TABLE _wf_pending AS
SELECT project_id,
       coalesce(end_date > CAST($as_of AS DATE) - to_days(CAST(round($transfer_wave * 365.25 / 12) AS INTEGER))
                AND EXISTS (SELECT 1 FROM followups), false) AS pending
FROM warning_windows;

-- Every trainee at every cut of its project: its hash (the training sample's order, warning_training)
-- and whether its outcome is known (a training row with a final result, not pending).
CREATE OR REPLACE TEMP VIEW _wf_cells AS
SELECT c.project_id, t.teacher_id, c.k, c.year, c.role, c.progress, c.cut_date,
       hash(c.project_id, t.teacher_id, c.cut_date) AS h,
       c.role = 'train' AND t.final_result IS NOT NULL AND NOT p.pending AS known
FROM _wf_cutk c
JOIN warning_roster t ON t.project_id = c.project_id
JOIN projects pr ON pr.project_id = c.project_id
JOIN _wf_pending p ON p.project_id = c.project_id;

-- The early warning learns from the policy's warning.training_sample trainee-cuts with a known
-- outcome that hash lowest (warning_training): of the past, only theirs are ever read. This model
-- keeps the known cells whose hash is below 2^(64 - bits), bits the largest that keeps all of those
-- (0, every cell, when there are fewer): between the sample's size and twice it, the same sample
-- taken from them (nationally 359 k of 5.7 M known cells, all of which were computed and written
-- before). The bound moves only when the number of known cells doubles; it is in every part's hash.
-- A hash is under 2^(64 - b) when it has b leading zero bits or more, so bits is the largest b
-- that as many known cells as the sample reach: the cells counted by their leading zeros (64 less
-- the bits set once every bit below the highest is set), not the sample's lowest hashes sorted
-- out of all (0.26 s against 0.4 nationally, the cells' join in both).
CREATE OR REPLACE TEMP TABLE _wf_sample AS
WITH s1 AS (SELECT h | (h >> 1) AS x FROM _wf_cells WHERE known),
s2 AS (SELECT x | (x >> 2) AS x FROM s1),
s4 AS (SELECT x | (x >> 4) AS x FROM s2),
s8 AS (SELECT x | (x >> 8) AS x FROM s4),
s16 AS (SELECT x | (x >> 16) AS x FROM s8),
zeros AS MATERIALIZED (SELECT 64 - bit_count(x | (x >> 32)) AS z, count(*) AS n FROM s16 GROUP BY ALL),
bits AS (
    SELECT CASE WHEN (SELECT coalesce(sum(n), 0) FROM zeros) < $training_sample THEN 0
                ELSE (SELECT max(b) FROM range(0, 64) r(b) WHERE (SELECT sum(n) FROM zeros WHERE z >= b) >= $training_sample) END AS bits)
SELECT bits, CAST(18446744073709551615::UBIGINT >> bits AS UBIGINT) AS bound FROM bits;

-- The rows of the model: every cell of the running projects, the past's known cells under the bound;
-- and their trainees, whose history alone is computed below. (Two selections, not one with OR: each
-- then reads only its own cells, 1.0 s against 2.4 nationally.)
CREATE OR REPLACE TEMP TABLE _wf_keep AS
SELECT project_id, teacher_id, k, year, role, progress, cut_date, known FROM _wf_cells WHERE role = 'current'
UNION ALL
SELECT project_id, teacher_id, k, year, role, progress, cut_date, known FROM _wf_cells WHERE known AND h <= (SELECT bound FROM _wf_sample);
CREATE OR REPLACE TEMP TABLE _wf_who AS SELECT DISTINCT project_id, teacher_id FROM _wf_keep;

CREATE OR REPLACE TEMP TABLE _wf_past AS
-- Earlier projects of the same teacher that had ended before this one started (an end on the day
-- it starts does not count; nor does the project itself, though its window end before its start),
-- and the share of those with a result not passed. For the trainees kept (_wf_who) alone, each
-- joined with its teacher's projects: 2.7 M pairs nationally, 0.5 s, where a window over every
-- start and end of those teachers (4.8 M rows sorted) took 2.6 s, and the same join for all 2.4 M
-- trainees (before the past was sampled) 11 s.
WITH tp AS (
    SELECT t.project_id, t.teacher_id, w.start_date, w.end_date, 1 - passed(t.final_result) AS failed
    FROM warning_roster t
    JOIN warning_windows w ON w.project_id = t.project_id
    WHERE t.teacher_id IN (SELECT teacher_id FROM _wf_who)),
kept AS (SELECT project_id, teacher_id, start_date FROM tp SEMI JOIN _wf_who USING (project_id, teacher_id) WHERE start_date IS NOT NULL)
SELECT k.project_id, k.teacher_id,
       -- (A count is a 64-bit integer; a sum of integers would be a 128-bit one, 2.6 s to read back
       -- for 7 M values against 0.1 s.)
       count(*) AS prior_projects,
       sum(q.failed) / nullif(count(q.failed), 0) AS prior_fail_rate
FROM kept k
JOIN tp q ON q.teacher_id = k.teacher_id AND q.end_date < k.start_date AND q.project_id <> k.project_id
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE _wf_hrs AS
SELECT t.project_id, t.teacher_id, sum(h.hours) AS hours_cycle
FROM _wf_who t JOIN projects p USING (project_id)
JOIN hours h ON h.teacher_id = t.teacher_id AND in_cycle(h.year, p.year - 1, $cycle_years)
GROUP BY ALL;

-- (A follow-up's items read across its row: _followup_items, analytics/answers.ts; one row per
-- project, teacher and wave, the contract's key.)
CREATE OR REPLACE TEMP TABLE _wf_transfer AS
SELECT project_id, teacher_id,
       avg(transfer(item_sum / nullif(item_n, 0), observation_score)) AS transfer
FROM _followup_items SEMI JOIN _wf_who USING (project_id, teacher_id)
WHERE wave = $transfer_wave
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE _parts AS
WITH cuts AS (SELECT project_id, sum(hash(c)) AS h FROM _wf_cutk c GROUP BY ALL),
proj AS (
    SELECT p.project_id, hash(p.mode, w.end_date, pending.pending, (SELECT bits FROM _wf_sample)) AS h
    FROM projects p JOIN warning_windows w USING (project_id) JOIN _wf_pending pending USING (project_id)),
-- (The rosters' and the results' hashes are roster_hashes', taken by a rerun after a month.
-- Of the records, the columns warning_features.sql reads: hashing whole rows, their file, line and
-- extra columns too, took twice as long, 1.4 s nationally. The attendance's and the assignments',
-- attendance_projects and submissions_projects.)
att AS (SELECT project_id, records_hash AS h FROM attendance_projects),
sub AS (SELECT project_id, records_hash AS h FROM submissions_projects),
past AS (SELECT project_id, sum(hash(x)) AS h FROM _wf_past x GROUP BY ALL),
hrs AS (SELECT project_id, sum(hash(x)) AS h FROM _wf_hrs x GROUP BY ALL),
trf AS (SELECT project_id, sum(hash(x)) AS h FROM _wf_transfer x GROUP BY ALL)
SELECT c.project_id AS part,
       CAST(hash(c.h, proj.h, r.roster_hash, att.h, sub.h, r.results_hash, past.h, hrs.h, trf.h) AS VARCHAR) AS h
FROM cuts c
LEFT JOIN proj USING (project_id)
LEFT JOIN roster_hashes r USING (project_id)
LEFT JOIN att USING (project_id)
LEFT JOIN sub USING (project_id)
LEFT JOIN past USING (project_id)
LEFT JOIN hrs USING (project_id)
LEFT JOIN trf USING (project_id);
