import { projectId, year } from "./columns.ts";
import { defineModel } from "./model.ts";
import { asOf } from "./warning_windows.ts";

export default defineModel({
  name: "warning_cuts",
  grain: "one row per project and cut: 25/50/75 % of a finished course, the as-of date of a running one",
  key: ["project_id", "cut_date"],
  dependsOn: ["warning_windows", "attendance", "submissions"],
  columns: {
    project_id: projectId,
    year: year(false),
    role: { type: "text", doc: "用途 train (past course), current (scored now), awaiting (results due)", notNull: true, accepted: ["train", "current", "awaiting"] },
    progress: { type: "number", doc: "进度 share of the course behind the cut", min: 0, max: 1 },
    cut_date: { type: "date", doc: "截止日期 every feature reads only records dated on or before it", notNull: true },
  },
  build: { sql: async (ctx) => ({ as_of: await asOf(ctx) }) },
});
