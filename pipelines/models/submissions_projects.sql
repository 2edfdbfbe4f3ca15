-- Grain: one row per project with assignment records. What the models read of a project's
-- assignments as a whole, in one pass over the records (nationally 8.4 M; two passes before):
--   first_due, last_due  its first and last due date, of warning_windows
--   records_hash         the sum of the 64-bit hashes of its records' columns that
--                        warning_features.sql reads, of that model's parts
CREATE OR REPLACE TABLE submissions_projects AS
SELECT project_id,
       min(due_date) AS first_due,
       max(due_date) AS last_due,
       CAST(sum(hash(teacher_id, due_date, submitted_at, score)) AS VARCHAR) AS records_hash
FROM submissions
GROUP BY ALL;
