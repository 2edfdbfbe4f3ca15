// Early warning for trainees of projects still running: as-of features (SQL), a logistic model
// learned from past years and validated out of time, a transparent rule baseline beside it, a
// release gate, and reasons with suggested interventions. Three tables: the training sample
// (`warning_training`), the fit (`warning_fit`: what a rerun reuses while no past outcome changed),
// and the warnings themselves (`teacher_warnings`, restricted).
import type { DuckDBValue } from "@duckdb/node-api";
import type { Db } from "../lib/db.ts";
import { info, warn } from "../lib/log.ts";
import type { Policy } from "../lib/policy.ts";
import { auc, averagePrecision, brier, calibration, calibrationError, clusterDraws, confusion, finiteOrNaN, fitLogisticColumns, platt, predictColumns, quantile, recalibrate, weightedAucsOf, wilson, type Logistic } from "./model.ts";

export const FEATURES = [
  "progress",
  "absence_rate",
  "late_rate",
  "practice_absence_rate",
  "assignments_missing_rate",
  "assignment_score",
  "prior_projects",
  "prior_fail_rate",
  "hours_cycle",
  "online",
] as const;

/** Each feature's reason code, Chinese text, and the interventions the documents name for it. */
export const REASONS: Record<string, { zh: string; interventions: string[]; higherIsRisk: boolean }> = {
  absence_rate: { zh: "缺勤偏多", interventions: ["导师带教 mentoring", "训中电话回访 follow-up call"], higherIsRisk: true },
  late_rate: { zh: "迟到偏多", interventions: ["班主任提醒 class adviser reminder"], higherIsRisk: true },
  practice_absence_rate: { zh: "实践课缺席", interventions: ["跟岗实践补训 make-up shadowing"], higherIsRisk: true },
  assignments_missing_rate: { zh: "作业滞后", interventions: ["工作坊辅导 workshop support", "校本研修跟进 school-based study"], higherIsRisk: true },
  assignment_score: { zh: "作业得分偏低", interventions: ["导师带教 mentoring", "工作坊辅导 workshop support"], higherIsRisk: false },
  prior_fail_rate: { zh: "既往培训未结业", interventions: ["送教下乡 trainers to the school", "训后跟踪回访 follow-up visit"], higherIsRisk: true },
  prior_projects: { zh: "参训经历少", interventions: ["校本研修 school-based study"], higherIsRisk: false },
  hours_cycle: { zh: "周期学时不足", interventions: ["校本研修规划 school-based study plan"], higherIsRisk: false },
  online: { zh: "网络研修", interventions: ["线上学习督导 online study supervision"], higherIsRisk: true },
  progress: { zh: "培训进度", interventions: [], higherIsRisk: true },
};

/** Suffix of a missing-value indicator feature. */
const MISSING = "_missing";
const GATE_AUC = 0.7;
const BOOTSTRAP = 200;
/** A group's miss rate above this multiple of another's, with intervals apart, is named. */
const FAIRNESS_RATIO = 1.5;

export interface WarningReport {
  as_of: string;
  method: "model" | "rules" | "none";
  why: string;
  outcome: string;
  training_rows: number;
  training_years: number[];
  validation_year: number | null;
  metrics?: Record<string, unknown>;
  calibration?: unknown[];
  subgroups?: unknown[];
  /** Groups whose miss rate is over 1.5× another's with non-overlapping intervals. */
  fairness?: string[];
  coefficients?: Record<string, number>;
  current_rows: number;
  /** Projects past their end still waiting for results: not warned. */
  awaiting_results: number;
  /** Trainees of running projects whose hours history was counted 0: the archive covers their county and holds no record of them. */
  hours_zero_filled?: number;
  /** Features given a missing-value indicator. */
  missing_indicators?: string[];
  /** Projects whose end date was inferred (from their records or the typical length of their mode). */
  windows_inferred: number;
}

/** What the fit reports: the part of WarningReport that depends on the training sample alone. */
export type FitReport = Omit<WarningReport, "as_of" | "current_rows" | "awaiting_results" | "hours_zero_filled" | "windows_inferred">;

/** The early warning fitted on the training sample: the released model (or none) and what scores with it. */
export interface Fit {
  report: FitReport;
  model: Logistic | null;
  calibrator: { a: number; b: number } | null;
  /** The outcome's rate among training rows hitting 0, 1, 2 rules (null under 20 rows). */
  ruleRates: (number | null)[];
}

export interface Row {
  /** The row's place in the training sample (its features' index in the fit's columns). */
  i?: number;
  year: number;
  at_risk: number;
  rural: boolean | null;
  stage: string | null;
  [k: string]: unknown;
}

/** A project's half for cross-fitting, fixed by its id. */
export const hashHalf = (id: string) => [...id].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % 2;

/**
 * Which past outcomes train and which validate: with two or more years, the latest year validates
 * (out of time); with one, a time-ordered split inside it (the projects that started first train,
 * the later ones validate); none or too few, no model.
 */
/** The year the model is validated on, out of time: the last of two or more; none with one year (a split by project then). */
const validationYearOf = (years: readonly number[]): number | undefined => (years.length >= 2 ? years.at(-1) : undefined);

function validationSplit(train: Row[], years: number[]): { fitRows: Row[]; valRows: Row[]; how: string } | null {
  if (!train.length) return null;
  const valYear = validationYearOf(years);
  if (valYear !== undefined) {
    return { fitRows: train.filter((r) => r.year < valYear), valRows: train.filter((r) => r.year === valYear), how: `out of time: trained on ${years.slice(0, -1).join(", ")}, validated on ${valYear}` };
  }
  const starts = [...new Map(train.map((r) => [String(r.project_id), String(r.start_date ?? "")])).entries()].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[0] < b[0] ? -1 : 1));
  if (starts.length < 10) return null;
  const cut = Math.floor(starts.length * 0.6);
  const early = new Set(starts.slice(0, cut).map(([id]) => id));
  return {
    fitRows: train.filter((r) => early.has(String(r.project_id))),
    valRows: train.filter((r) => !early.has(String(r.project_id))),
    how: `time-ordered split within ${years[0]}: trained on the ${cut} projects that started first (to ${starts[cut - 1]![1]}), validated on the ${starts.length - cut} that started later`,
  };
}

/** Miss rates at the high level by group (stage, rural/urban, title, county) with Wilson intervals; pairs far apart named. */
export function fairness(rows: Row[], high: boolean[], y: number[]): { groups: Record<string, unknown>[]; flagged: string[] } {
  const defs: [string, (r: Row) => string | null][] = [
    ["rural 乡村/urban 城镇", (r) => (r.rural === null || r.rural === undefined ? null : r.rural ? "rural 乡村" : "urban 城镇")],
    ["stage 学段", (r) => (r.stage ? `stage ${r.stage}` : null)],
    ["title 职称", (r) => (r.title ? `title ${String(r.title)}` : null)],
    ["county 区县", (r) => (r.county_code ? `county ${String(r.county_code)}` : null)],
  ];
  const groups: Record<string, unknown>[] = [];
  const flagged: string[] = [];
  for (const [dimension, key] of defs) {
    const members = new Map<string, number[]>();
    rows.forEach((r, i) => {
      const k = key(r);
      if (!k) return;
      const m = members.get(k);
      if (m) m.push(i);
      else members.set(k, [i]);
    });
    const stats = [...members.entries()].sort().map(([group, idx]) => {
      const c = confusion(idx.map((i) => high[i]!), idx.map((i) => y[i]!));
      const positives = idx.filter((i) => y[i] === 1).length;
      const missed = idx.filter((i) => y[i] === 1 && !high[i]).length;
      const [low, up] = wilson(missed, positives);
      return { dimension, group, ...c, positives, miss_low: low, miss_high: up };
    });
    groups.push(...stats);
    // Only groups with at least 20 at-risk trainees are compared: below that a rate says little.
    // Each group is compared with the group of its dimension missed least often.
    const sized = stats.filter((g) => g.positives >= 20);
    const best = [...sized].sort((a, b) => a.false_negative_rate - b.false_negative_rate)[0];
    if (!best) continue;
    const pct = (x: number) => (100 * x).toFixed(0);
    const far = sized
      .filter((a) => a.false_negative_rate > FAIRNESS_RATIO * best.false_negative_rate && a.miss_low > best.miss_high)
      .sort((a, b) => b.false_negative_rate - a.false_negative_rate);
    for (const a of far.slice(0, 5)) {
      flagged.push(`${a.group} misses ${pct(a.false_negative_rate)} % of its at-risk trainees [${pct(a.miss_low)}, ${pct(a.miss_high)}], ${best.group} ${pct(best.false_negative_rate)} % [${pct(best.miss_low)}, ${pct(best.miss_high)}]`);
    }
    if (far.length > 5) flagged.push(`${dimension}: ${far.length - 5} more group(s) so (warnings page)`);
  }
  return { groups, flagged };
}

/** The features of the training rows by column, NaN where missing or not finite (Row.i indexes them). */
type Values = Record<string, Float64Array>;

/**
 * The rows' features by column (model.ts columnsOf's form: NaN where missing); a missing-value
 * indicator (`<feature>_missing`) is 1 where its feature is missing.
 */
function design(rows: Row[], features: readonly string[], values: Values): Float64Array[] {
  // (The rows' places once, as integers: read from 276 k row objects per column, 0.1 s of a fit.)
  const at = Int32Array.from(rows, (r) => r.i!);
  return features.map((f) => {
    const indicator = f.endsWith(MISSING);
    const from = values[indicator ? f.slice(0, -MISSING.length) : f]!;
    const col = new Float64Array(at.length);
    if (indicator) {
      for (let k = 0; k < at.length; k++) {
        const v = from[at[k]!]!;
        col[k] = v === v ? 0 : 1;
      }
    } else for (let k = 0; k < at.length; k++) col[k] = from[at[k]!]!;
    return col;
  });
}
/** The transparent rules' count for a row (warning_features.rules_hit, the macro rules_hit in models/measures.sql). */
const ruleScore = (r: Row) => Number(r.rules_hit);

/** The order of the training sample's rows, where it is taken and where the fit reads it: by hash, then by key (the same every run). */
const TRAINING_ORDER = `ORDER BY hash(project_id, teacher_id, cut_date), project_id, teacher_id, cut_date`;

/**
 * The training sample (warning_training): at most `size` (the policy's warning.training_sample)
 * trainee-cuts of past courses with a known outcome, those that hash lowest, with what the fit reads.
 * A sample by hash, not DuckDB's reservoir (which differs with the threads): the same rows in the
 * same order every run. warning_features holds of the past only the cells below a bound that keeps
 * all of these (warning_features.parts.sql, _wf_sample). The project's start and the trainee's
 * title are warning_features' own (joined with the 2.4 M national trainees and sorted again here,
 * they took 0.6 s of a rerun).
 */
export async function sampleTraining(db: Db, size: number): Promise<void> {
  const columns = ["year", "project_id", "teacher_id", "cut_date", "start_date", "at_risk", "rules_hit", "rural", "stage", "county_code", "title", ...FEATURES];
  // (The sample's keys found first, then its rows joined: the lowest hashes sorted out with 30
  // columns in tow took 0.54 s nationally, with the key alone 0.45.)
  await db.run(
    `CREATE OR REPLACE TABLE warning_training AS
     WITH sample AS (
       SELECT project_id, teacher_id, cut_date FROM warning_features WHERE role = 'train' AND at_risk IS NOT NULL
       ${TRAINING_ORDER} LIMIT ${Math.trunc(size)})
     SELECT ${columns.map((c) => `f.${c}`).join(", ")}
     FROM sample JOIN warning_features f USING (project_id, teacher_id, cut_date)
     ${TRAINING_ORDER}`,
  );
}

/** Fit and validate the model on the training sample (warning_training); the release gate decides whether it scores. */
export async function fitWarning(db: Db, policy: Policy): Promise<Fit> {
  const outcome = `at risk = final result not pass, or follow-up transfer (wave ${policy.warning.transfer_wave}) below ${policy.warning.poor_transfer}/100`;
  // (The features as doubles from DuckDB, not as decimal and 128-bit integer objects converted here,
  // and the rows typed in place, not copied: 300,000 of them nationally.)
  // (A year as the rows below make it, Number(year): a missing one 0.)
  const years = (await db.all<{ year: bigint }>(`SELECT DISTINCT coalesce(year, 0) AS year FROM warning_training ORDER BY 1`)).map((r) => Number(r.year));
  // The text columns only where they are read (validationSplit, fairness, the bootstrap over
  // projects): on the validation year's rows, or on every row when there is none (one year, split by
  // project); nationally 24 k rows of 300 k, read apart in the same order (0.8 s less of strings made
  // in JavaScript, and 0.15 s less of empty cells visited). The rest by column: the features go into
  // typed arrays, not into 300,000 row objects.
  const valYear = validationYearOf(years);
  // (As numbers straight from DuckDB's vectors, db.numbers: a missing year or outcome 0, as
  // Number(null) made them; a missing rural flag NaN, null again below.)
  const c = await db.numbers(
    `SELECT coalesce(year, 0) AS year, coalesce(at_risk, 0) AS at_risk, rules_hit, rural, ${FEATURES.map((f) => `CAST(${f} AS DOUBLE) AS ${f}`).join(", ")} FROM warning_training ${TRAINING_ORDER}`,
  );
  const t = await db.columns(
    `SELECT project_id, CAST(start_date AS VARCHAR) AS start_date, stage, county_code, title
     FROM warning_training ${valYear === undefined ? "" : `WHERE year = ${valYear}`} ${TRAINING_ORDER}`,
  );
  const values: Values = Object.fromEntries(FEATURES.map((f) => [f, c[f]!.map(finiteOrNaN)]));
  let k = 0;
  const train: Row[] = Array.from(c.year!, (year, i) => {
    const j = valYear === undefined || year === valYear ? k++ : -1;
    const text = (col: string) => (j < 0 ? null : t[col]![j]);
    const rural = c.rural![i]!;
    return {
      i,
      year,
      at_risk: c.at_risk![i]!,
      rules_hit: c.rules_hit![i],
      rural: rural !== rural ? null : rural === 1,
      stage: text("stage") as string | null,
      project_id: text("project_id"),
      start_date: text("start_date"),
      county_code: text("county_code"),
      title: text("title"),
    };
  });
  const report: FitReport = { method: "rules", why: "", outcome, training_rows: train.length, training_years: years, validation_year: null };

  // Features with no value anywhere in training (a file the user does not have) are left out; a
  // feature missing for some rows gets an indicator beside its mean-imputed value (a trainee
  // with no assignment due yet is not the average trainee).
  const present = FEATURES.filter((f) => values[f]!.some((v) => v === v));
  // (prior_fail_rate is missing exactly when there is no earlier project: prior_projects = 0 says
  // that already, and an indicator beside it would make the two fight.)
  const gaps = present.filter((f) => f !== "prior_fail_rate" && values[f]!.some((v) => v !== v));
  // (The indicators are computed by design() from their features, not written into 300,000 rows.)
  const features = [...present, ...gaps.map((f) => `${f}${MISSING}`)];
  report.missing_indicators = gaps;
  let model: Logistic | null = null;
  let calibrator: { a: number; b: number } | null = null;
  const split = validationSplit(train, years);
  if (!split) {
    report.why = train.length === 0 ? "no past outcomes to learn from: transparent rules used" : "too few past projects with outcomes to validate a model: transparent rules used";
  } else {
    report.validation_year = years.at(-1)!;
    const { fitRows, valRows, how } = split;
    // Validated at the points of the course where running projects are scored: 25, 50 and 75 %.
    const m = fitLogisticColumns(features, design(fitRows, features, values), fitRows.map((r) => r.at_risk));
    const p = predictColumns(m, design(valRows, features, values), valRows.length);
    const y = valRows.map((r) => r.at_risk);
    const rules = valRows.map(ruleScore);
    const modelAuc = auc(p, y);
    const ruleAuc = auc(rules, y);
    // Uncertainty of the validation itself: a bootstrap that resamples whole projects (a class's
    // outcomes are not independent), 200 resamples.
    const [bootModel, bootRules] = weightedAucsOf([p, rules], y, clusterDraws(valRows.map((r) => String(r.project_id)), BOOTSTRAP, 11)) as [number[], number[]];
    const aucLow = quantile(bootModel, 0.025);
    const aucHigh = quantile(bootModel, 0.975);
    const gainLow = quantile(bootModel.map((a, i) => a - bootRules[i]!), 0.025);
    // Recalibration (Platt, on the out-of-time predictions); its effect estimated by cross-fitting
    // over two halves of the validation projects, so the reported error is not in-sample.
    calibrator = platt(p, y);
    const half = valRows.map((r) => hashHalf(String(r.project_id)));
    const cross = new Array<number>(p.length);
    for (const h of [0, 1]) {
      const fitIdx = p.map((_, i) => i).filter((i) => half[i] !== h);
      const c = platt(fitIdx.map((i) => p[i]!), fitIdx.map((i) => y[i]!));
      p.forEach((x, i) => {
        if (half[i] === h) cross[i] = recalibrate([x], c)[0]!;
      });
    }
    const high = cross.map((x) => x >= policy.warning.high);
    const subgroups = fairness(valRows, high, y);
    report.metrics = {
      validation_rows: valRows.length,
      validation_projects: new Set(valRows.map((r) => r.project_id)).size,
      validated: how,
      cut: "25, 50 and 75 % of the course",
      auc: modelAuc,
      auc_low: aucLow,
      auc_high: aucHigh,
      auc_gain_low: gainLow,
      pr_auc: averagePrecision(p, y),
      brier: brier(cross, y),
      brier_before_recalibration: brier(p, y),
      base_rate: y.reduce((a, x) => a + x, 0) / y.length,
      rule_auc: ruleAuc,
      rule_at_high: confusion(rules.map((r) => r > 0), y),
      model_at_high: confusion(high, y),
      high_threshold: policy.warning.high,
      calibration_before: calibrationError(p, y),
      calibration_after: calibrationError(cross, y),
      recalibration: `Platt: logit(risk) = ${calibrator.a.toFixed(3)} + ${calibrator.b.toFixed(3)} · logit(model), fitted on the out-of-time predictions`,
    };
    report.calibration = calibration(cross, y);
    report.subgroups = subgroups.groups;
    report.fairness = subgroups.flagged;
    const gateFails: string[] = [];
    if (!(modelAuc >= GATE_AUC)) gateFails.push(`AUC ${modelAuc.toFixed(3)} < ${GATE_AUC}`);
    if (!(aucLow > ruleAuc)) gateFails.push(`the lower bound of its AUC (${aucLow.toFixed(3)}) does not beat the rules' ${ruleAuc.toFixed(3)}`);
    if (gateFails.length) {
      report.why = `model not released (${how}): ${gateFails.join("; ")}; transparent rules used`;
      calibrator = null;
    } else {
      // Released as validated: the model fitted on the earlier projects, with the recalibration
      // fitted on the later ones (what was checked is what scores the projects running now).
      model = m;
      report.method = "model";
      report.why = `model released (${how}): AUC ${modelAuc.toFixed(3)} [${aucLow.toFixed(3)}, ${aucHigh.toFixed(3)}] against the rules' ${ruleAuc.toFixed(3)}; risks recalibrated (Platt)`;
      report.coefficients = Object.fromEntries(features.map((f, j) => [f, Math.round(model!.coef[j]! * 1000) / 1000]));
    }
  }
  // Rules: with past outcomes, the risk of a rule group is its observed rate (20 rows or more).
  const ruleRows = [0, 0, 0];
  const ruleRisks = [0, 0, 0];
  for (const r of train) {
    const k = ruleScore(r);
    if (k === 0 || k === 1 || k === 2) {
      ruleRows[k]! += 1;
      ruleRisks[k]! += r.at_risk;
    }
  }
  const ruleRates = ruleRows.map((n, k) => (n >= 20 ? ruleRisks[k]! / n : null));
  return { report, model, calibrator, ruleRates };
}

/** The fit as the rows of warning_fit. */
export function fitRows(fit: Fit): Record<string, unknown>[] {
  const row = (parameter: string, kind: string, value: number | null, mean: number | null = null, sd: number | null = null) => ({ parameter, kind, value, mean, sd });
  const rows = fit.ruleRates.map((v, k) => row(`rule_rate_${k}`, "rule_rate", v));
  if (fit.model) {
    rows.push(row("(intercept)", "intercept", fit.model.intercept));
    fit.model.features.forEach((f, j) => rows.push(row(f, "coefficient", fit.model!.coef[j]!, fit.model!.mean[j]!, fit.model!.sd[j]!)));
  }
  if (fit.calibrator) rows.push(row("platt_a", "calibration", fit.calibrator.a), row("platt_b", "calibration", fit.calibrator.b));
  return rows;
}

/** The fit back from warning_fit (coefficients in the order written) and the report its build left. */
export async function readFit(db: Db, report: FitReport): Promise<Fit> {
  const rows = await db.all<{ parameter: string; kind: string; value: number | null; mean: number | null; sd: number | null }>(`SELECT parameter, kind, value, mean, sd FROM warning_fit ORDER BY rowid`);
  const of = (kind: string) => rows.filter((r) => r.kind === kind);
  const intercept = of("intercept")[0];
  const coefs = of("coefficient");
  const cal = new Map(of("calibration").map((r) => [r.parameter, r.value!]));
  return {
    report,
    model: intercept ? { intercept: intercept.value!, features: coefs.map((r) => r.parameter), coef: coefs.map((r) => r.value!), mean: coefs.map((r) => r.mean!), sd: coefs.map((r) => r.sd!) } : null,
    calibrator: cal.has("platt_a") ? { a: cal.get("platt_a")!, b: cal.get("platt_b")! } : null,
    ruleRates: of("rule_rate").map((r) => r.value),
  };
}

/** Score the trainees of running projects as of the given date with the fit; writes teacher_warnings and returns the whole report. */
export async function applyWarning(db: Db, policy: Policy, as_of: string, fit: Fit): Promise<WarningReport> {
  const [{ n: currentRows } = { n: 0n }] = await db.all<{ n: bigint }>(`SELECT count(*) AS n FROM warning_features WHERE role = 'current'`);
  const [{ n: awaiting } = { n: 0n }] = await db.all<{ n: bigint }>(`SELECT count(*) AS n FROM warning_cuts WHERE role = 'awaiting'`);
  const [{ n: inferred } = { n: 0n }] = await db.all<{ n: bigint }>(`SELECT count(*) FILTER (WHERE end_inferred) AS n FROM warning_windows`);
  const [{ n: zeroFilled } = { n: 0n }] = await db.all<{ n: bigint }>(`SELECT count(*) FILTER (WHERE hours_zero_filled) AS n FROM warning_features WHERE role = 'current'`);
  const report: WarningReport = { as_of, ...fit.report, current_rows: Number(currentRows), awaiting_results: Number(awaiting), hours_zero_filled: Number(zeroFilled), windows_inferred: Number(inferred) };
  for (const f of report.fairness ?? []) warn(`  预警公平性 fairness: ${f}`);
  await writeWarnings(db, policy, fit);
  info(`  early warning (${report.method}): ${report.why}; ${report.current_rows} trainees of running projects as of ${as_of}${report.awaiting_results ? `; ${report.awaiting_results} project(s) awaiting results, not warned` : ""}${report.windows_inferred ? `; ${report.windows_inferred} course window(s) inferred without an end date` : ""}`);
  return report;
}

/** Each reason in words a head teacher reads (缺勤 3 次，作业未交 2 项 …), from the row's own counts: SQL over warning_features. */
const PHRASE: Record<string, string> = {
  absence_rate: `'缺勤 ' || CAST(round(absence_rate * sessions) AS INTEGER) || ' 次（共 ' || sessions || ' 次课）'`,
  late_rate: `'迟到 ' || CAST(round(late_rate * sessions) AS INTEGER) || ' 次（共 ' || sessions || ' 次课）'`,
  practice_absence_rate: `'实践课缺席 ' || CAST(round(100 * practice_absence_rate) AS INTEGER) || '%'`,
  assignments_missing_rate: `'作业未交 ' || CAST(round(assignments_missing_rate * assignments_due) AS INTEGER) || ' 项（应交 ' || assignments_due || ' 项）'`,
  assignment_score: `'作业平均 ' || CAST(round(assignment_score) AS INTEGER) || ' 分'`,
  prior_fail_rate: `'以往培训未结业 ' || CAST(round(prior_fail_rate * prior_projects) AS INTEGER) || ' 次'`,
  prior_projects: `'以往参训 ' || prior_projects || ' 次'`,
  hours_cycle: `'周期学时 ' || CAST(round(hours_cycle) AS INTEGER) || ' 学时'`,
  online: `'网络研修'`,
};
const phrase = (code: string) => `coalesce(${PHRASE[code] ?? "NULL"}, '${REASONS[code]?.zh ?? code}')`;

/** Score the running projects' trainees in SQL: risk, level, reasons (traffic lights), interventions. */
async function writeWarnings(db: Db, policy: Policy, { model, calibrator, ruleRates }: Fit): Promise<void> {
  const params: Record<string, DuckDBValue> = { high: policy.warning.high, medium: policy.warning.medium };
  let risk: string;
  let contributions: string;
  let method: string;
  if (model) {
    const z = model.features.map((f, j) => {
      params[`m${j}`] = model.mean[j]!;
      params[`s${j}`] = model.sd[j]!;
      params[`b${j}`] = model.coef[j]!;
      const value = f.endsWith(MISSING) ? `CAST(("${f.slice(0, -MISSING.length)}" IS NULL) AS INTEGER)` : `"${f}"`;
      return { f, expr: `coalesce((CAST(${value} AS DOUBLE) - $m${j}) / $s${j}, 0)`, j };
    });
    params.b = model.intercept;
    // The model's log-odds, recalibrated (Platt: a + b · logit) when a calibrator was fitted.
    const logOdds = `($b + ${z.map(({ expr, j }) => `$b${j} * ${expr}`).join(" + ")})`;
    params.ca = calibrator?.a ?? 0;
    params.cb = calibrator?.b ?? 1;
    risk = `1 / (1 + exp(-($ca + $cb * ${logOdds})))`;
    // Each feature's push on the log-odds; only features that raise the risk become reasons.
    contributions = `[${z
      .filter(({ f }) => f !== "progress" && !f.endsWith(MISSING))
      .map(({ f, expr, j }) => `{'c': $b${j} * ${expr}, 'code': '${f}', 'text': ${phrase(f)}}`)
      .join(", ")}]`;
    method = "model";
  } else {
    // Rules: absence ≥ 10 %, or assignments behind. With past outcomes, the risk is the observed
    // rate of each rule group; without, no probability is claimed.
    ruleRates.forEach((v, k) => (params[`r${k}`] = v));
    risk = `CASE rules_hit WHEN 0 THEN CAST($r0 AS DOUBLE) WHEN 1 THEN CAST($r1 AS DOUBLE) ELSE CAST($r2 AS DOUBLE) END`;
    // Each rule alone is the same macro with the other input left out.
    contributions = `[{'c': CAST(rules_hit(absence_rate, NULL) AS DOUBLE), 'code': 'absence_rate', 'text': ${phrase("absence_rate")}},
                      {'c': CAST(rules_hit(NULL, assignments_missing_rate) AS DOUBLE), 'code': 'assignments_missing_rate', 'text': ${phrase("assignments_missing_rate")}}]`;
    params.rule_score_levels = true;
    method = "rules";
  }
  const interventionText = Object.entries(REASONS)
    .map(([code, r]) => `WHEN '${code}' THEN ${r.interventions.length ? `[${r.interventions.map((x) => `'${x}'`).join(", ")}]` : "[]"}`)
    .join(" ");
  delete params.rule_score_levels;
  await db.run(
    `CREATE OR REPLACE TABLE teacher_warnings AS
     WITH scored AS (
       SELECT year, project_id, teacher_id, county_code, school_id, stage, rural, progress, cut_date,
              ${risk} AS risk,
              list_reverse_sort(list_filter(${contributions}, x -> x.c > 0.05)) AS reasons_list,
              rules_hit
       FROM warning_features WHERE role = 'current'
     )
     SELECT year, project_id, teacher_id, round(risk, 4) AS risk,
            CASE WHEN risk IS NULL THEN (CASE rules_hit WHEN 2 THEN 'high' WHEN 1 THEN 'medium' ELSE 'low' END)
                 WHEN risk >= $high THEN 'high' WHEN risk >= $medium THEN 'medium' ELSE 'low' END AS level,
            array_to_string(list_transform(list_slice(reasons_list, 1, 3), x ->
              (CASE WHEN x.c >= 0.5 THEN '[红] ' WHEN x.c >= 0.2 THEN '[黄] ' ELSE '[绿] ' END) || x.text), '; ') AS reasons,
            array_to_string(list_distinct(flatten(list_transform(list_slice(reasons_list, 1, 3), x -> CASE x.code ${interventionText} ELSE [] END))), '; ') AS interventions,
            county_code, school_id, stage, rural, round(progress, 3) AS progress, cut_date AS as_of, '${method}' AS method
     FROM scored
     ORDER BY risk DESC NULLS LAST, project_id, teacher_id`,
    params,
  );
}
