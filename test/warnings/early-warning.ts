// The early warning as a run builds it: its three models in order (the training sample, the fit,
// the warnings), each checked against its declaration, the fit read back from its table.
import type { Db } from "../../pipelines/lib/db.ts";
import type { Policy } from "../../pipelines/lib/policy.ts";
import { buildModel, type RunContext } from "../../pipelines/models/model.ts";
import teacherWarnings from "../../pipelines/models/teacher_warnings.ts";
import warningFit from "../../pipelines/models/warning_fit.ts";
import warningTraining from "../../pipelines/models/warning_training.ts";
import type { WarningReport } from "../../pipelines/warnings/warnings.ts";

export async function earlyWarning(db: Db, policy: Policy, asOf: string): Promise<WarningReport> {
  const ctx: RunContext = { db, policy, notes: {}, memo: new Map([["as_of", asOf]]) };
  for (const m of [warningTraining, warningFit, teacherWarnings]) await buildModel(ctx, m);
  return ctx.notes.warning as WarningReport;
}
