import { countyCode, schoolId, teacherId, year } from "./columns.ts";
import { defineModel } from "./model.ts";
import { asOf } from "./warning_windows.ts";

const hours = (doc: string) => ({ type: "number" as const, doc, notNull: true, min: 0 });

export default defineModel({
  name: "hours_compliance",
  grain: "one row per teacher in the hours archive, for the cycle ending with the as-of year",
  key: ["teacher_id"],
  dependsOn: ["hours", "trainees", "projects"],
  // (The as-of year, from the attendance and assignments: a parameter, in the fingerprint itself.)
  paramsRead: ["attendance", "submissions"],
  restricted: true,
  columns: {
    year: year(),
    teacher_id: teacherId,
    county_code: countyCode,
    school_id: schoolId,
    hours: hours("周期学时 hours over the cycle (policy hours.cycle_years years to the as-of year)"),
    it_hours: hours("信息技术学时 IT application ability 2.0 hours"),
    it_practice_hours: hours("信息技术实践学时 of which practice"),
    behind_hours: hours("尚缺学时 hours still missing (0 when met)"),
    behind_it_hours: hours("尚缺信息技术学时"),
    behind_it_practice_hours: hours("尚缺实践学时"),
    meets_hours: { type: "boolean", doc: "学时达标 hours ≥ policy hours.cycle_hours", notNull: true },
    meets_it: { type: "boolean", doc: "信息技术达标 IT hours and practice hours met", notNull: true },
  },
  build: {
    sql: async (ctx) => ({
      year: Number((await asOf(ctx)).slice(0, 4)),
      cycle_years: ctx.policy.hours.cycle_years,
      cycle_hours: ctx.policy.hours.cycle_hours,
      it_hours: ctx.policy.hours.it_hours,
      it_practice_hours: ctx.policy.hours.it_practice_hours,
    }),
  },
});
