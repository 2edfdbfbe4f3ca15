-- submissions_projects when the assignments have new files after the records of the previous run
-- (model.ts, appendable): the previous table's rows and those of the new files' records merged.
CREATE OR REPLACE TABLE submissions_projects AS
SELECT project_id,
       min(first_due) AS first_due,
       max(last_due) AS last_due,
       CAST(sum(CAST(records_hash AS HUGEINT)) AS VARCHAR) AS records_hash
FROM (SELECT * FROM _submissions_projects_before UNION ALL BY NAME SELECT * FROM _submissions_projects_added)
GROUP BY ALL;
