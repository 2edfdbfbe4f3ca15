import { count, institutionId, projectId, share, year } from "./columns.ts";
import { defineModel } from "./model.ts";

export const INTEGRITY_FLAGS = ["straight_line", "too_fast", "burst", "excluded", "downweighted", "top_mark_block", "more_responses_than_enrolled", "duplicate_delivery"] as const;

export default defineModel({
  name: "integrity_flags",
  grain: "one row per project, year and flag raised (affected_responses > 0)",
  key: ["year", "project_id", "flag"],
  dependsOn: ["response_scores", "projects", "trainees", "rejects", "evaluations"],
  columns: {
    year: year(false),
    project_id: projectId,
    institution_id: institutionId,
    flag: { type: "text", doc: "情况 what was seen", notNull: true, accepted: INTEGRITY_FLAGS },
    affected_responses: count("涉及问卷 responses concerned (for a top-mark block: the largest block)", true),
    share: { type: "number", doc: "占比 affected over the project's loaded responses", min: 0 },
    level: { type: "text", doc: "级别 what it asks of a reader", notNull: true, accepted: ["suspect", "review", "info"] },
  },
  build: {
    sql: ({ policy }) => {
      const i = policy.integrity;
      return { suspect_extra: i.suspect_extra, block_min: i.block_min, block_minutes: i.block_minutes, block_share: i.block_share, review_excluded_share: i.review_excluded_share };
    },
  },
});
