import { defineModel } from "./model.ts";
import { fitRows, fitWarning } from "../warnings/warnings.ts";

export default defineModel({
  name: "warning_fit",
  grain: "one row per parameter of the early warning: the released model's intercept and coefficients (on standardised features), its recalibration, the rules' observed rates",
  key: ["parameter"],
  dependsOn: ["warning_training"],
  columns: {
    parameter: { type: "text", doc: "参数 (intercept), a feature, a feature_missing indicator, platt_a, platt_b, rule_rate_0/1/2", notNull: true },
    kind: { type: "text", doc: "类别", notNull: true, accepted: ["intercept", "coefficient", "calibration", "rule_rate"] },
    value: { type: "number", doc: "估计值 the coefficient (log-odds per training SD), the calibration's a or b, or the outcome's rate among training rows hitting that many rules (null under 20 rows)" },
    mean: { type: "number", doc: "训练均值 the feature's training mean (standardisation)" },
    sd: { type: "number", doc: "训练标准差 the feature's training SD (standardisation)" },
  },
  build: {
    rows: async (ctx) => {
      const fit = await fitWarning(ctx.db, ctx.policy);
      // What the warnings page and the manifest report of the fit (teacher_warnings adds the as-of part).
      ctx.notes.warning_fit = fit.report;
      return fitRows(fit);
    },
  },
});
