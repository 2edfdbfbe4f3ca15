import { score100, share } from "./columns.ts";
import { defineModel } from "./model.ts";
import projectBase from "./project_base.ts";

const { n_results, completion_rate, n_followed, followup_score, followup_sd, integrity_suspect, ...before } = projectBase.columns;

export default defineModel({
  name: "project_evidence",
  grain: "one row per project (every project in projects, plus any that only the evaluations name)",
  key: ["project_id"],
  dependsOn: ["project_base", "attendance_projects"],
  // (The columns as project_base declares them, with the attendance's among them.)
  columns: {
    ...before,
    attendance_rate: share("出勤率 present or late over sessions not excused"),
    n_results: n_results!,
    completion_rate: completion_rate!,
    attendance_score: score100("出勤与结业 50 % attendance rate + 50 % completion, 0-100"),
    n_followed: n_followed!,
    followup_score: followup_score!,
    followup_sd: followup_sd!,
    integrity_suspect: integrity_suspect!,
  },
  build: {
    sql: () => ({}),
  },
});
