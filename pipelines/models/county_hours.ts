import { count, countyCode, share, year } from "./columns.ts";
import { defineModel } from "./model.ts";

export default defineModel({
  name: "county_hours",
  grain: "one row per county and year ending a cycle (policy hours.cycle_years) in which the hours archive holds one of the county's teachers (county_performance reads the years it grades)",
  key: ["year", "county_code"],
  dependsOn: ["hours", "trainees", "projects", "counties"],
  columns: {
    county_code: { ...countyCode, notNull: true },
    year: year(),
    teachers_meeting_hours: count("学时达标人数 teachers with the cycle's hours (pro rata for a shorter record)", true),
    hours_denominator: count("分母 the county's teachers_total, else the teachers in the archive", true),
    hours_share: share("学时达标率 teachers meeting the hours over the denominator (at most 1)"),
    teachers_with_hours: count("档案教师 teachers of the county in the archive's cycle", true),
  },
  build: {
    sql: ({ policy }) => ({ cycle_hours: policy.hours.cycle_hours, cycle_years: policy.hours.cycle_years }),
  },
});
