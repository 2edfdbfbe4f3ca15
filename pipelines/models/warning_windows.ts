import { projectId, year } from "./columns.ts";
import { defineModel, type RunContext } from "./model.ts";

/**
 * The as-of date of the early warning (YYYY-MM-DD): the policy's, else the latest attendance
 * date, else the latest due date, else today. Computed once per run.
 */
export async function asOf(ctx: RunContext): Promise<string> {
  const known = ctx.memo.get("as_of") as string | undefined;
  if (known) return known;
  const [row] = await ctx.db.all<{ as_of: string }>(
    `SELECT CAST(coalesce(CAST($as_of AS DATE), (SELECT max(session_date) FROM attendance), (SELECT max(due_date) FROM submissions), current_date) AS VARCHAR) AS as_of`,
    { as_of: ctx.policy.warning.as_of ?? null },
  );
  ctx.memo.set("as_of", row!.as_of);
  return row!.as_of;
}

const date = (doc: string, notNull = false) => ({ type: "date" as const, doc, notNull });

export default defineModel({
  name: "warning_windows",
  grain: "one row per project",
  key: ["project_id"],
  dependsOn: ["projects", "attendance_projects", "submissions_projects", "assessments"],
  columns: {
    project_id: projectId,
    year: year(false),
    start_date: date("开始日期 start (given, or the first dated record)"),
    given_end: date("结束日期（导出） end date as given"),
    last_record: date("最后记录 last dated record (session or due date)"),
    has_results: { type: "boolean", doc: "已有结业结果 any final result loaded", notNull: true },
    end_date: date("结束日期 end (given, inferred from records, or the typical length of its mode)"),
    end_inferred: { type: "boolean", doc: "结束日期为推断 end not given", notNull: true },
  },
  build: { sql: () => ({}) },
});
