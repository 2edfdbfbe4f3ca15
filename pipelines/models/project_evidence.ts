import { score100, share } from "./columns.ts";
import { defineModel } from "./model.ts";
import projectBase from "./project_base.ts";

export default defineModel({
  name: "project_evidence",
  grain: "one row per project (every project in projects, plus any that only the evaluations name)",
  key: ["project_id"],
  dependsOn: ["project_base", "attendance_projects"],
  // (project_base's columns as it declares them, and the attendance's.)
  columns: {
    ...projectBase.columns,
    attendance_rate: share("出勤率 present or late over sessions not excused"),
    attendance_score: score100("出勤与结业 50 % attendance rate + 50 % completion, 0-100"),
  },
  build: {
    sql: () => ({}),
  },
});
