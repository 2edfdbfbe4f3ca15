-- Shared measures: one definition each, as DuckDB macros stored in the warehouse, used by the models,
-- the site data and the extracts. Created before the first model.

-- A session attended: present or late.
CREATE OR REPLACE MACRO attended(status) AS status IN ('present', 'late');
-- A session that counts: any but excused.
CREATE OR REPLACE MACRO counted_session(status) AS status <> 'excused';
-- Attendance rate (an aggregate): sessions attended over sessions counted.
CREATE OR REPLACE MACRO attendance_rate(status) AS
    count(*) FILTER (WHERE attended(status)) / nullif(count(*) FILTER (WHERE counted_session(status)), 0);
-- 1 passed, 0 another final result, null no result yet: the pass rate is its mean, the failure rate 1 minus that.
CREATE OR REPLACE MACRO passed(final_result) AS CASE WHEN final_result = 'pass' THEN 1.0 WHEN final_result IS NOT NULL THEN 0.0 END;
-- An answer on its scale [lo, hi], on 0-100. (In doubles: the literal 100.0 is a decimal, and
-- decimal arithmetic on 2 M responses' 20 items took 2.2 s against 0.8 s, for the same bits.)
CREATE OR REPLACE MACRO to100(v, lo, hi) AS CAST(100 AS DOUBLE) * (v - lo) / (hi - lo);
-- An answer of a reverse item (rev) turned around on its scale [lo, hi]: lo ↔ hi.
CREATE OR REPLACE MACRO reverse_coded(v, lo, hi, rev) AS CASE WHEN rev THEN lo + hi - v ELSE v END;
-- Follow-up transfer on 0-100: the mean of the application items (on 0-100) and the lesson
-- observation where both exist, else whichever does.
CREATE OR REPLACE MACRO transfer(items100, observation) AS
    CASE WHEN items100 IS NOT NULL AND observation IS NOT NULL THEN (items100 + observation) / 2 ELSE coalesce(items100, observation) END;
-- A year inside the hours cycle of cycle_years years that ends with last_year.
CREATE OR REPLACE MACRO in_cycle(y, last_year, cycle_years) AS y BETWEEN last_year - cycle_years + 1 AND last_year;
-- The early warning's transparent rules: absence of 10 % or more, and assignments behind; 0, 1 or 2 hit.
CREATE OR REPLACE MACRO rules_hit(absence_rate, missing_rate) AS
    CAST(coalesce(absence_rate, 0) >= 0.1 AS INTEGER) + CAST(coalesce(missing_rate, 0) > 0 AS INTEGER);
