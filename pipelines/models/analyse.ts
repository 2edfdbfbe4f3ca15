// The analytics step of `guopei run`: builds every model of pipelines/models in dependency order,
// each table checked against its declaration as it is written.
import type { Db } from "../lib/db.ts";
import type { Previous } from "../lib/previous.ts";
import { info } from "../lib/log.ts";
import type { Policy } from "../lib/policy.ts";
import { MODELS } from "./index.ts";
import { runModels, type RunContext } from "./model.ts";
import type { WarningReport } from "../warnings/warnings.ts";

export interface AnalysisNotes {
  /** Seconds per model. */
  seconds: Record<string, number>;
  /** Models copied from the previous warehouse, their fingerprints unchanged (models/memo.ts). */
  reused: string[];
  /** Appendable models built from the previous warehouse's table and the new files' records (model.ts). */
  appended: string[];
  /** Of each partitioned model built, its parts and how many were taken from the previous warehouse (model.ts). */
  reused_parts: Record<string, { parts: number; taken: number }>;
  warning: WarningReport;
  case_mix: { applied: boolean; note: string; coefficients: Record<string, number> };
  /** Personal data scrubbed from the comments that public pages and extracts may use. */
  comments_scrubbed: Record<string, number>;
  notes: string[];
}

/**
 * `previous`: the previous warehouse, whose models are taken where their inputs are unchanged (none
 * with --full); `unchanged`: the loaded tables the load took whole from it; `appended`: those it
 * took with new files after them (the new files' labels).
 */
export async function analyse(db: Db, policy: Policy, previous?: string | Previous, unchanged: readonly string[] = [], appended: Readonly<Record<string, readonly string[]>> = {}): Promise<AnalysisNotes> {
  const ctx: RunContext = { db, policy, notes: {}, memo: new Map() };
  const run = await runModels(MODELS, ctx, {
    previous,
    unchanged,
    appended,
    onBuilt: (m, s, copied) => {
      if (s >= 1) info(`  ${m.name}: ${s.toFixed(1)} s${copied ? " (copied: inputs unchanged 输入未变，沿用)" : ""}`);
    },
  });
  const { seconds, reused } = run;
  if (reused.length) info(`  ${reused.length} of ${MODELS.length} models taken from the previous run, their inputs unchanged`);
  if (run.appended.length) info(`  ${run.appended.join(", ")}: the previous run's rows merged with the new files' (输入只增加了文件)`);
  const n = ctx.notes;
  return {
    seconds,
    reused,
    appended: run.appended,
    reused_parts: ctx.parts ?? {},
    warning: n.warning as WarningReport,
    comments_scrubbed: n.comments_scrubbed as Record<string, number>,
    case_mix: n.case_mix as AnalysisNotes["case_mix"],
    notes: [n.no_responses, n.no_ranking].filter((x): x is string => typeof x === "string"),
  };
}
