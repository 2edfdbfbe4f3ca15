import { count, projectId } from "./columns.ts";
import { defineModel } from "./model.ts";

const date = (doc: string) => ({ type: "date" as const, doc });

export default defineModel({
  name: "attendance_projects",
  grain: "one row per project with attendance records: what project_evidence, warning_windows and warning_features' parts read of its attendance as a whole",
  key: ["project_id"],
  dependsOn: ["attendance"],
  // A month of attendance after the others: the previous rows and the new month's merged
  // (attendance_projects.merge.sql), not every record summed again (0.75 s nationally).
  appendable: true,
  columns: {
    project_id: projectId,
    n_attended: count("出勤次数 sessions attended (present or late)", true),
    n_counted: count("应出勤次数 sessions counted (all but excused)", true),
    first_session: date("首次考勤 first dated session"),
    last_session: date("末次考勤 last dated session"),
    records_hash: { type: "text", doc: "记录指纹 sum of the 64-bit hashes of its records (the columns warning_features reads): whether they changed", notNull: true },
  },
  build: { sql: () => ({}) },
});
