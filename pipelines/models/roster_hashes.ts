import { projectId } from "./columns.ts";
import { defineModel } from "./model.ts";

export default defineModel({
  name: "roster_hashes",
  grain: "one row per project with trainees or results: what warning_features' parts read of its roster and its results as a whole, whether they changed",
  key: ["project_id"],
  dependsOn: ["trainees", "assessments", "hours_counties"],
  columns: {
    project_id: projectId,
    roster_hash: { type: "text", doc: "名单指纹 sum of the 64-bit hashes of its roster rows, each with whether the hours archive covers the trainee's county (null: no trainee)" },
    results_hash: { type: "text", doc: "结业指纹 sum of the 64-bit hashes of its result rows (null: no result)" },
  },
  build: { sql: () => ({}) },
});
