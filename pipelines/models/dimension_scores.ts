import { itemTerms, perDimensionSql } from "../analytics/answers.ts";
import { count, institutionId, score100, year } from "./columns.ts";
import { defineModel } from "./model.ts";

export default defineModel({
  name: "dimension_scores",
  grain: "one row per year and dimension for the province (institution_id null), and per year, institution and dimension for each institution with at least min_group_public responses",
  key: ["year", "institution_id", "dimension"],
  dependsOn: ["evaluations", "response_scores", "instrument"],
  columns: {
    year: year(),
    institution_id: institutionId,
    dimension: { type: "text", doc: "维度 dimension of the instrument (overall where an item names none)", notNull: true },
    n_responses: count("有效问卷 responses of weight > 0", true),
    score: score100("维度得分 weighted mean of the responses' dimension scores, 0-100"),
    percentile: { type: "number", doc: "百分位 the institution's percentile among those shown that year (null for the province)", min: 0, max: 100 },
  },
  // (The SQL reads each response's answers across its row: a view written from the instrument, analytics/answers.ts.)
  build: {
    sql: ({ policy }) => ({ min_group: policy.min_group_public }),
    views: async ({ db, policy }) => ({ _dimension_items: perDimensionSql(await itemTerms(db, policy)) }),
  },
});
