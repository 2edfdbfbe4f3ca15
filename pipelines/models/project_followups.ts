import { followupItemsView } from "../analytics/answers.ts";
import { count, projectId, score100 } from "./columns.ts";
import { defineModel } from "./model.ts";

export default defineModel({
  name: "project_followups",
  grain: "one row per project with a follow-up: its teachers' transfer scores (project_evidence's follow-up part)",
  key: ["project_id"],
  dependsOn: ["followups", "instrument"],
  columns: {
    project_id: projectId,
    n_followed: count("跟踪人数 teachers followed up", true),
    followup_score: score100("跟踪评价 mean over its teachers of their application items (rescaled) and lesson observation"),
    followup_sd: { type: "number", doc: "跟踪评价标准差 SD between its teachers", min: 0 },
  },
  build: {
    sql: () => ({}),
    views: followupItemsView,
  },
});
