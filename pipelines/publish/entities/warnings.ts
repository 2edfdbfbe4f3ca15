// The early warning for individual teachers: restricted (county offices and institutions act on it),
// never in the public site or its CSVs. The list per teacher, and per school the counts by level
// with the commonest first reason.
import { hasTable } from "../../lib/db.ts";
import { select, type Entity } from "../entity.ts";

export const warnings: Entity = {
  restrictedCsv: {
    "teacher_warnings.csv": `
    SELECT year, project_id, teacher_id, risk, level, reasons, interventions, county_code, school_id, stage, rural, progress, as_of, method
    FROM teacher_warnings ORDER BY risk DESC NULLS LAST, project_id, teacher_id`,
    "warnings_by_school.csv": `
    SELECT year, coalesce(county_code, '') AS county_code, coalesce(school_id, '') AS school_id, count(*) AS trainees,
           count(*) FILTER (WHERE level = 'high') AS high, count(*) FILTER (WHERE level = 'medium') AS medium,
           mode(regexp_replace(split_part(reasons, '; ', 1), '^\\[.\\] | [0-9].*$', '', 'g')) FILTER (WHERE level <> 'low' AND reasons <> '') AS commonest_reason
    FROM teacher_warnings
    GROUP BY ALL ORDER BY year, county_code, school_id`,
  },
  async site({ db, policy, restricted }) {
    if (!restricted) return {};
    return { "warnings.json": (await hasTable(db, "teacher_warnings")) ? await select(db, `SELECT * FROM teacher_warnings ORDER BY risk DESC, year, project_id, teacher_id`, policy) : [] };
  },
};
