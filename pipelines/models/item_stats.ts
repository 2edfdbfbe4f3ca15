import { year } from "./columns.ts";
import { defineModel } from "./model.ts";
import { reliabilityOf } from "./reliability.ts";

export default defineModel({
  name: "item_stats",
  grain: "one row per year and item",
  key: ["year", "item_id"],
  dependsOn: ["reliability"],
  columns: {
    year: year(false),
    item_id: { type: "text", doc: "题目编号 item id", notNull: true },
    dimension: { type: "text", doc: "维度 dimension" },
    mean: { type: "number", doc: "均值 mean answer" },
    sd: { type: "number", doc: "标准差", min: 0 },
    nonresponse: { type: "number", doc: "未答率 share of responses leaving it blank", min: 0, max: 1 },
    item_total_r: { type: "number", doc: "题总相关 corrected item-total correlation", min: -1, max: 1 },
  },
  build: { rows: async (ctx) => (await reliabilityOf(ctx)).items as unknown as Record<string, unknown>[] },
});
