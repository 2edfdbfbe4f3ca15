import { itemTerms, perResponseSql } from "../analytics/answers.ts";
import { count, institutionId, projectId, score100, year } from "./columns.ts";
import { defineModel } from "./model.ts";

export default defineModel({
  name: "response_scores",
  grain: "one row per loaded evaluation response",
  key: ["response_id"],
  dependsOn: ["evaluations", "instrument", "projects"],
  columns: {
    response_id: { type: "text", doc: "问卷编号 response id", notNull: true },
    project_id: projectId,
    year: year(false),
    institution_id: institutionId,
    submitted_at: { type: "timestamp", doc: "提交时间 submitted at" },
    duration_seconds: { type: "number", doc: "作答用时（秒） time taken", min: 0 },
    n_items: count("作答题数 items answered", true),
    score: score100("问卷得分 the response's score, items reverse-coded and rescaled 0-100"),
    straight_line: { type: "boolean", doc: "直线作答 five or more items, all the same value", notNull: true },
    all_top: { type: "boolean", doc: "全部最高分 every answer at the top of the scale", notNull: true },
    too_fast: { type: "boolean", doc: "作答过快 under the policy's seconds per item", notNull: true },
    burst: { type: "boolean", doc: "集中雷同 three or more identical answer patterns in a project within 30 minutes", notNull: true },
    weight: { type: "number", doc: "权重 integrity weight: 0 excluded, 0.5 down-weighted, 1", notNull: true, accepted: ["0.0", "0.5", "1.0"] },
  },
  // (The SQL reads each response's answers across its row: a view written from the instrument, analytics/answers.ts.)
  build: {
    sql: ({ policy }) => ({ seconds_per_item: policy.integrity.min_seconds_per_item }),
    views: async ({ db, policy }) => ({ _response_items: perResponseSql(await itemTerms(db, policy)) }),
  },
});
