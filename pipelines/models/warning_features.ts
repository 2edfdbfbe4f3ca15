import { followupItemsView } from "../analytics/answers.ts";
import { count, projectId, share, teacherId, year } from "./columns.ts";
import { defineModel } from "./model.ts";
import { asOf } from "./warning_windows.ts";
import warningRoster from "./warning_roster.ts";

const roster = warningRoster.columns;

export default defineModel({
  name: "warning_features",
  grain: "one row per trainee and cut of a running project, and of past courses' trainee-cuts with a known outcome those the training sample (warning_training) can take; features read only records dated on or before the cut",
  key: ["project_id", "teacher_id", "cut_date"],
  dependsOn: ["warning_cuts", "warning_windows", "warning_roster", "roster_hashes", "attendance_projects", "submissions_projects", "hours_counties", "trainees", "projects", "attendance", "submissions", "assessments", "hours", "followups", "instrument"],
  restricted: true,
  // Rebuilt project by project: warning_features.parts.sql hashes what each project's rows read.
  partitioned: { column: "project_id", covered: ["as_of"] },
  columns: {
    project_id: projectId,
    teacher_id: teacherId,
    year: year(false),
    role: { type: "text", doc: "用途 train or current", notNull: true, accepted: ["train", "current"] },
    progress: share("进度 share of the course behind the cut"),
    cut_date: { type: "date", doc: "截止日期", notNull: true },
    // (The trainee's roster columns, as warning_roster carries them.)
    county_code: roster.county_code!,
    school_id: roster.school_id!,
    stage: roster.stage!,
    rural: roster.rural!,
    title: { ...roster.title!, doc: "职称 the trainee's title (the training sample's fairness by title)" },
    start_date: { type: "date", doc: "开班日期 the project's start date as given (the training sample's split by project)" },
    mode: { type: "text", doc: "培训方式 mode" },
    sessions: count("应出勤次数 sessions not excused by the cut"),
    absence_rate: share("缺勤率 absent over sessions not excused"),
    late_rate: share("迟到率 late over sessions not excused"),
    practice_absence_rate: share("实践课缺勤率"),
    assignments_due: count("应交作业 assignments due by the cut"),
    assignments_missing_rate: share("作业未交率 missing over due"),
    assignment_score: { type: "number", doc: "作业平均分 mean score of submitted assignments" },
    prior_projects: count("以往参训 earlier projects that ended before this one began", true),
    prior_fail_rate: share("以往未结业率 share of those not passed"),
    hours_cycle: { type: "number", doc: "周期学时 archive hours over the policy's cycle (hours.cycle_years) before the project's year", min: 0 },
    hours_zero_filled: { type: "boolean", doc: "学时记 0 the archive covers the county and holds no record: 0 hours" },
    online: share("网络研修 1 online, 0 otherwise", true),
    rules_hit: { type: "integer", doc: "规则命中 the transparent rules hit (absence ≥ 10 %, assignments behind): 0, 1 or 2 (macro rules_hit)", notNull: true, accepted: ["0", "1", "2"] },
    final_result: { type: "text", doc: "结业结果 final result (outcome)" },
    transfer: { type: "number", doc: "跟踪迁移得分 follow-up transfer score of wave warning.transfer_wave, 0-100" },
    at_risk: { type: "integer", doc: "结局 1 at risk (not passed, or poor transfer), 0 not; null for running projects", accepted: ["0", "1"] },
  },
  build: {
    sql: async (ctx) => ({
      poor_transfer: ctx.policy.warning.poor_transfer,
      transfer_wave: ctx.policy.warning.transfer_wave,
      training_sample: ctx.policy.warning.training_sample,
      cycle_years: ctx.policy.hours.cycle_years,
      as_of: await asOf(ctx),
    }),
    views: followupItemsView,
  },
});
