import { projectId } from "./columns.ts";
import { defineModel } from "./model.ts";

const date = (doc: string) => ({ type: "date" as const, doc });

export default defineModel({
  name: "submissions_projects",
  grain: "one row per project with assignment records: what warning_windows and warning_features' parts read of its assignments as a whole",
  key: ["project_id"],
  dependsOn: ["submissions"],
  // (New assignment files after the others: the previous rows and the new files' merged.)
  appendable: true,
  columns: {
    project_id: projectId,
    first_due: date("首个截止日 first due date"),
    last_due: date("末个截止日 last due date"),
    records_hash: { type: "text", doc: "记录指纹 sum of the 64-bit hashes of its records (the columns warning_features reads): whether they changed", notNull: true },
  },
  build: { sql: () => ({}) },
});
