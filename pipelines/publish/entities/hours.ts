// Training hours over the cycle: by county in public (counties of at least the policy's minimum of
// teachers, and no province total: with it, a county left out would be the total minus the others);
// by teacher and by school restricted (small groups), for the county offices who act on them.
import { hasTable } from "../../lib/db.ts";
import { select, type Entity } from "../entity.ts";

export const HOURS_BY_COUNTY = `
    SELECT year, county_code, count(*) AS teachers,
           round(avg(meets_hours::INT), 4) AS share_meeting_hours, round(avg(meets_it::INT), 4) AS share_meeting_it,
           round(avg(behind_hours), 1) AS mean_behind_hours
    FROM hours_compliance WHERE county_code IS NOT NULL
    GROUP BY ALL HAVING count(*) >= $min_group
    ORDER BY year, county_code`;

const HOURS_BY_SCHOOL = `
    SELECT year, coalesce(county_code, '') AS county_code, coalesce(school_id, '') AS school_id, count(*) AS teachers,
           round(avg(meets_hours::INT), 4) AS share_meeting_hours, round(avg(meets_it::INT), 4) AS share_meeting_it,
           round(avg(behind_hours), 1) AS mean_behind_hours
    FROM hours_compliance
    GROUP BY ALL ORDER BY year, county_code, school_id`;

export const hours: Entity = {
  csv: { "hours_by_county.csv": HOURS_BY_COUNTY },
  restrictedCsv: {
    "hours_compliance.csv": `
    SELECT year, teacher_id, county_code, school_id, hours, it_hours, it_practice_hours, behind_hours, behind_it_hours, behind_it_practice_hours, meets_hours, meets_it
    FROM hours_compliance ORDER BY behind_hours DESC, teacher_id`,
    "hours_by_school.csv": HOURS_BY_SCHOOL,
  },
  async site({ db, policy, restricted }) {
    if (!restricted) return {};
    return { "hours-schools.json": (await hasTable(db, "hours_compliance")) ? await select(db, HOURS_BY_SCHOOL, policy) : [] };
  },
};
