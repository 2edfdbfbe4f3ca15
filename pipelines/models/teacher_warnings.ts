import { applyWarning, readFit, type FitReport } from "../warnings/warnings.ts";
import { countyCode, projectId, schoolId, stage, teacherId, WARNING_LEVELS, year } from "./columns.ts";
import { defineModel } from "./model.ts";
import { asOf } from "./warning_windows.ts";

export default defineModel({
  name: "teacher_warnings",
  grain: "one row per trainee of a project running at the as-of date",
  key: ["project_id", "teacher_id"],
  dependsOn: ["warning_fit", "warning_features", "warning_cuts", "warning_windows", "projects", "trainees"],
  restricted: true,
  columns: {
    year: year(false),
    project_id: projectId,
    teacher_id: teacherId,
    risk: { type: "number", doc: "风险 calibrated probability of the outcome (null under rules without past outcomes)", min: 0, max: 1 },
    level: { type: "text", doc: "预警等级 high ≥ warning.high, medium ≥ warning.medium", notNull: true, accepted: WARNING_LEVELS },
    reasons: { type: "text", doc: "原因 up to three reasons, with the trainee's own counts" },
    interventions: { type: "text", doc: "建议措施 interventions for those reasons" },
    county_code: countyCode,
    school_id: schoolId,
    stage,
    rural: { type: "boolean", doc: "乡村教师" },
    progress: { type: "number", doc: "进度 share of the course behind the as-of date", min: 0, max: 1 },
    as_of: { type: "date", doc: "截至 the as-of date", notNull: true },
    method: { type: "text", doc: "方法 model (validated and released) or rules", notNull: true, accepted: ["model", "rules"] },
  },
  build: {
    run: async (ctx) => {
      // The fit of this run, or of the previous one when its training sample is unchanged (with the report its build left).
      const fit = await readFit(ctx.db, ctx.notes.warning_fit as FitReport);
      ctx.notes.warning = await applyWarning(ctx.db, ctx.policy, await asOf(ctx), fit);
    },
  },
});
