// Columns that many tables share, declared once (name → spec), spread into each model's columns.
import type { ColumnSpec } from "./model.ts";

export const TIERS = ["excellent", "qualified", "unqualified", "insufficient_data"] as const;
export const WARNING_LEVELS = ["high", "medium", "low"] as const;

export const year = (notNull = true): ColumnSpec => ({ type: "integer", doc: "年度 training year (of the project)", notNull, min: 1990, max: 2100 });
export const projectId: ColumnSpec = { type: "text", doc: "项目编号 project id", notNull: true };
export const institutionId: ColumnSpec = { type: "text", doc: "承训机构编号 institution id (null when the project names none)" };
export const countyCode: ColumnSpec = { type: "text", doc: "县区代码 county code" };
export const teacherId: ColumnSpec = { type: "text", doc: "教师编号 teacher id (personal: restricted tables only)", notNull: true };
export const schoolId: ColumnSpec = { type: "text", doc: "学校编号 school id" };
export const stage: ColumnSpec = { type: "text", doc: "学段 school stage" };
/** A project's attributes from the projects file, as the project tables carry them. */
export const projectAttributes: Record<string, ColumnSpec> = {
  institution_id: institutionId,
  county_code: countyCode,
  program: { type: "text", doc: "项目类别 programme" },
  category: { type: "text", doc: "子类 category" },
  mode: { type: "text", doc: "培训方式 mode" },
  stage,
};
export const score100 = (doc: string, notNull = false): ColumnSpec => ({ type: "number", doc, notNull, min: 0, max: 100 });
export const share = (doc: string, notNull = false): ColumnSpec => ({ type: "number", doc, notNull, min: 0, max: 1 });
export const count = (doc: string, notNull = false): ColumnSpec => ({ type: "integer", doc, notNull, min: 0 });
export const probability = (doc: string): ColumnSpec => ({ type: "number", doc, min: 0, max: 1 });
/** A 95 % interval's bound on the 0-100 scale (a normal interval may pass 0 or 100 by a little: not bounded). */
export const bound = (doc: string): ColumnSpec => ({ type: "number", doc });
