-- Grain: one row per project with attendance records. What the models read of a project's
-- attendance as a whole, in one pass over the records (nationally 20 M; three passes before):
--   n_attended, n_counted  sessions attended and counted (measures.sql): the attendance rate
--                          n_attended / n_counted, of project_evidence
--   first_session, last_session  its first and last dated session, of warning_windows
--   records_hash           the sum of the 64-bit hashes of its records' columns that
--                          warning_features.sql reads, of that model's parts
CREATE OR REPLACE TABLE attendance_projects AS
SELECT project_id,
       count(*) FILTER (WHERE attended(status)) AS n_attended,
       count(*) FILTER (WHERE counted_session(status)) AS n_counted,
       min(session_date) AS first_session,
       max(session_date) AS last_session,
       CAST(sum(hash(teacher_id, session_date, status, session_type)) AS VARCHAR) AS records_hash
FROM attendance
GROUP BY ALL;
