import { count, institutionId, score100, year } from "./columns.ts";
import { defineModel } from "./model.ts";

export default defineModel({
  name: "dimension_scores",
  grain: "one row per year and dimension for the province (institution_id null), and per year, institution and dimension for each institution with at least min_group_public responses",
  key: ["year", "institution_id", "dimension"],
  dependsOn: ["evaluation_answers", "response_scores", "instrument"],
  columns: {
    year: year(),
    institution_id: institutionId,
    dimension: { type: "text", doc: "维度 dimension of the instrument (overall where an item names none)", notNull: true },
    n_responses: count("有效问卷 responses of weight > 0", true),
    score: score100("维度得分 weighted mean of the responses' dimension scores, 0-100"),
    percentile: { type: "number", doc: "百分位 the institution's percentile among those shown that year (null for the province)", min: 0, max: 100 },
  },
  build: { sql: ({ policy }) => ({ likert_min: policy.likert.min, likert_max: policy.likert.max, min_group: policy.min_group_public }) },
});
