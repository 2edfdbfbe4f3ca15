-- attendance_projects when the attendance has new files after the records of the previous run
-- (model.ts, appendable): the previous table's rows (_attendance_projects_before) and those of the
-- new files' records (_attendance_projects_added) merged, sums added, the first and last sessions
-- of both: what attendance_projects.sql gives over every record.
CREATE OR REPLACE TABLE attendance_projects AS
SELECT project_id,
       CAST(sum(n_attended) AS BIGINT) AS n_attended,
       CAST(sum(n_counted) AS BIGINT) AS n_counted,
       min(first_session) AS first_session,
       max(last_session) AS last_session,
       CAST(sum(CAST(records_hash AS HUGEINT)) AS VARCHAR) AS records_hash
FROM (SELECT * FROM _attendance_projects_before UNION ALL BY NAME SELECT * FROM _attendance_projects_added)
GROUP BY ALL;
