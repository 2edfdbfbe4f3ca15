import { countyCode, projectId, stage, teacherId, year } from "./columns.ts";
import { defineModel } from "./model.ts";
import warningFeatures from "./warning_features.ts";
import { FEATURES, sampleTraining } from "../warnings/warnings.ts";

const f = warningFeatures.columns;

export default defineModel({
  name: "warning_training",
  grain: "one row per trainee and cut of a past course with a known outcome: the early warning's training sample (at most the policy's warning.training_sample, 300 000 by default, taken by hash)",
  key: ["project_id", "teacher_id", "cut_date"],
  dependsOn: ["warning_features"],
  restricted: true,
  // What the fit (warning_fit) reads: judged by its rows, so that a rerun whose new records touch
  // only running projects does not fit the model again.
  printByContent: true,
  columns: {
    year: year(false),
    project_id: projectId,
    teacher_id: teacherId,
    cut_date: f.cut_date!,
    start_date: f.start_date!,
    at_risk: { ...f.at_risk!, notNull: true },
    rules_hit: f.rules_hit!,
    rural: f.rural!,
    stage,
    county_code: countyCode,
    title: f.title!,
    ...Object.fromEntries(FEATURES.map((x) => [x, f[x]!])),
  },
  build: { run: ({ db, policy }) => sampleTraining(db, policy.warning.training_sample) },
});
