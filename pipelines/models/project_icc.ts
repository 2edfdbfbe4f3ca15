import { projectIcc } from "../analytics/reliability.ts";
import { count, year } from "./columns.ts";
import { defineModel } from "./model.ts";

const icc = (doc: string) => ({ type: "number" as const, doc, max: 1 });

export default defineModel({
  name: "project_icc",
  grain: "one row per year",
  key: ["year"],
  dependsOn: ["response_scores"],
  columns: {
    year: year(false),
    n_projects: count("项目数 projects with at least min_responses responses", true),
    k0: { type: "number", doc: "平均班额 the ANOVA's average group size", min: 0 },
    icc1: icc("ICC(1): share of a response's variance between projects"),
    icc1_low: icc("ICC(1) lower bound (bootstrap over projects)"),
    icc1_high: icc("ICC(1) upper bound"),
    icck: icc("ICC(k): reliability of a project's mean"),
    icck_low: icc("ICC(k) lower bound"),
    icck_high: icc("ICC(k) upper bound"),
  },
  build: { rows: async (ctx) => (await projectIcc(ctx.db, ctx.policy)) as unknown as Record<string, unknown>[] },
});
