// The analytics step of `guopei run`: builds every model of pipelines/models in dependency order,
// each table checked against its declaration as it is written.
import type { Db } from "../lib/db.ts";
import { info } from "../lib/log.ts";
import type { Policy } from "../lib/policy.ts";
import { MODELS } from "./index.ts";
import { runModels, type RunContext } from "./model.ts";
import type { WarningReport } from "../warnings/warnings.ts";

export interface AnalysisNotes {
  /** Seconds per model. */
  seconds: Record<string, number>;
  warning: WarningReport;
  case_mix: { applied: boolean; note: string; coefficients: Record<string, number> };
  /** Personal data scrubbed from the comments that public pages and extracts may use. */
  comments_scrubbed: Record<string, number>;
  notes: string[];
}

export async function analyse(db: Db, policy: Policy): Promise<AnalysisNotes> {
  const ctx: RunContext = { db, policy, notes: {}, memo: new Map() };
  const seconds = await runModels(MODELS, ctx, (m, s) => {
    if (s >= 1) info(`  ${m.name}: ${s.toFixed(1)} s`);
  });
  const n = ctx.notes;
  return {
    seconds,
    warning: n.warning as WarningReport,
    comments_scrubbed: n.comments_scrubbed as Record<string, number>,
    case_mix: n.case_mix as AnalysisNotes["case_mix"],
    notes: [n.no_responses, n.no_ranking].filter((x): x is string => typeof x === "string"),
  };
}
