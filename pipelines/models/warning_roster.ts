import { countyCode, projectId, schoolId, stage, teacherId } from "./columns.ts";
import { defineModel } from "./model.ts";

export default defineModel({
  name: "warning_roster",
  grain: "one row per trainee of a project (the rosters), with the trainee's final result: what the early warning reads of the rosters and the results",
  key: ["project_id", "teacher_id"],
  dependsOn: ["trainees", "assessments"],
  restricted: true,
  columns: {
    project_id: projectId,
    teacher_id: teacherId,
    county_code: countyCode,
    school_id: schoolId,
    stage,
    rural: { type: "boolean", doc: "乡村教师 rural teacher" },
    title: { type: "text", doc: "职称 title" },
    final_result: { type: "text", doc: "结业结果 final result (null: not assessed)" },
  },
  build: { sql: () => ({}) },
});
