// Counties: each county's performance score, grade and support, and the Counties page's rows with
// small counts suppressed (and whatever would give them back by arithmetic).
import { suppressCounts } from "../privacy.ts";
import { select, type Entity } from "../entity.ts";

/**
 * Counties in public: trained and backbone counts suppressed below the minimum (with complementary
 * cells); whatever would give a suppressed count back by arithmetic goes with it: coverage
 * (trained / teachers_total), and the hours share when its teachers meeting or missing the hours are few.
 */
export function publicCounties(rows: Record<string, unknown>[], minN: number): Record<string, unknown>[] {
  return suppressCounts(suppressCounts(rows, "teachers_trained", "year", minN), "backbone_trained", "year", minN).map((row) => {
    const out = { ...row };
    if (out.teachers_trained === null) out.coverage = null;
    const meeting = Number(out.teachers_meeting_hours ?? NaN);
    const total = Number(out.teachers_total ?? NaN);
    if (!(meeting >= minN && total - meeting >= minN)) {
      out.hours_share = null;
      out.teachers_meeting_hours = null;
    }
    return out;
  });
}

export const counties: Entity = {
  csv: {
    "county_performance.csv": `
    SELECT year, county_code, score, grade, support_cny, name, indicators_score, outcomes_score,
           trainer_team_size, studios, backbone_trained, has_dev_center, five_year_plan, training_budget_share,
           teachers_total, teachers_trained, coverage, project_quality, hours_share,
           se, ci_low, ci_high, p_excellent, p_qualified, near_cutoff, teachers_meeting_hours
    FROM county_performance ORDER BY year, county_code`,
  },
  async site({ db, policy }) {
    return { "counties.json": publicCounties(await select(db, `SELECT * FROM county_performance ORDER BY year, county_code`, policy), policy.min_group_public) };
  },
};
