import { reliability as measure, type ItemRow, type ReliabilityRow } from "../analytics/reliability.ts";
import { count, year } from "./columns.ts";
import { defineModel, type RunContext } from "./model.ts";

/** Reliability and item statistics come from one pass over the answers: computed once per run. */
export async function reliabilityOf(ctx: RunContext): Promise<{ dims: ReliabilityRow[]; items: ItemRow[] }> {
  let r = ctx.memo.get("reliability") as { dims: ReliabilityRow[]; items: ItemRow[] } | undefined;
  if (!r) {
    r = await measure(ctx.db, ctx.policy);
    ctx.memo.set("reliability", r);
  }
  return r;
}

const coefficient = (doc: string) => ({ type: "number" as const, doc, max: 1 });

export default defineModel({
  name: "reliability",
  grain: "one row per year and dimension of the instrument",
  key: ["year", "dimension"],
  dependsOn: ["response_scores", "evaluation_answers", "instrument"],
  columns: {
    year: year(false),
    dimension: { type: "text", doc: "维度 dimension", notNull: true },
    n_items: count("题数 items", true),
    n_responses: count("问卷数 responses used (all items answered, weight 1, at most 5,000 a year)", true),
    alpha: coefficient("Cronbach α"),
    alpha_low: coefficient("α 95 % bootstrap lower bound"),
    alpha_high: coefficient("α 95 % bootstrap upper bound"),
    omega: coefficient("McDonald ω (one factor)"),
    omega_low: coefficient("ω lower bound"),
    omega_high: coefficient("ω upper bound"),
    alpha_with_suspicious: coefficient("α with the suspicious responses"),
    warning: { type: "text", doc: "提示 alpha below the policy's minimum, or moved by suspicious responses" },
  },
  build: { rows: async (ctx) => (await reliabilityOf(ctx)).dims as unknown as Record<string, unknown>[] },
});
