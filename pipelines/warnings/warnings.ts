// Early warning for trainees of projects still running: as-of features (SQL), a logistic model
// learned from past years and validated out of time, a transparent rule baseline beside it, a
// release gate, and reasons with suggested interventions. Writes `teacher_warnings` (restricted).
import type { DuckDBValue } from "@duckdb/node-api";
import type { Db } from "../lib/db.ts";
import { info } from "../lib/log.ts";
import type { Policy } from "../lib/policy.ts";
import { runSqlFile } from "../lib/sql.ts";
import { auc, averagePrecision, brier, calibration, confusion, fitLogistic, predict, resample, type Logistic } from "./model.ts";

export const FEATURES = [
  "progress",
  "absence_rate",
  "late_rate",
  "practice_absence_rate",
  "assignments_missing_rate",
  "assignment_score",
  "prior_projects",
  "prior_fail_rate",
  "hours_5y",
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
  hours_5y: { zh: "五年学时不足", interventions: ["校本研修规划 school-based study plan"], higherIsRisk: false },
  online: { zh: "网络研修", interventions: ["线上学习督导 online study supervision"], higherIsRisk: true },
  progress: { zh: "培训进度", interventions: [], higherIsRisk: true },
};

const TRAIN_SAMPLE = 300_000;
const GATE_AUC = 0.7;
const UNSTABLE_RANGE = 0.05;

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
  coefficients?: Record<string, number>;
  current_rows: number;
}

interface Row {
  year: number;
  progress: number;
  at_risk: number;
  rural: boolean | null;
  stage: string | null;
  [k: string]: unknown;
}

const matrix = (rows: Row[], features: readonly string[]) => rows.map((r) => features.map((f) => (r[f] === null || r[f] === undefined ? null : Number(r[f]))));
const ruleScore = (r: Row) => (Number(r.absence_rate ?? 0) >= 0.1 ? 1 : 0) + (Number(r.assignments_missing_rate ?? 0) > 0 ? 1 : 0);

export async function earlyWarning(db: Db, policy: Policy): Promise<WarningReport> {
  const [{ as_of } = { as_of: null }] = await db.all<{ as_of: string | null }>(
    `SELECT CAST(coalesce(CAST($as_of AS DATE), (SELECT max(session_date) FROM attendance), (SELECT max(due_date) FROM submissions), current_date) AS VARCHAR) AS as_of`,
    { as_of: policy.warning.as_of ?? null },
  );
  const outcome = `at risk = final result not pass, or 6-month follow-up transfer below ${policy.warning.poor_transfer}/100`;
  await runSqlFile(db, "warnings", "cuts", { as_of: as_of! });
  await runSqlFile(db, "warnings", "features", { likert_min: policy.likert.min, likert_max: policy.likert.max, poor_transfer: policy.warning.poor_transfer, as_of: as_of! });

  const train = (await db.all<Row>(
    `SELECT year, at_risk, rural, stage, ${FEATURES.join(", ")}
     FROM (SELECT * FROM warning_features WHERE role = 'train' AND at_risk IS NOT NULL) USING SAMPLE reservoir(${TRAIN_SAMPLE} ROWS) REPEATABLE (7)`,
  )).map((r): Row => ({ ...r, year: Number(r.year), at_risk: Number(r.at_risk), progress: Number(r.progress) }));
  const [{ n: currentRows } = { n: 0n }] = await db.all<{ n: bigint }>(`SELECT count(*) AS n FROM warning_features WHERE role = 'current'`);
  const years = [...new Set(train.map((r) => r.year))].sort();
  const report: WarningReport = { as_of: as_of!, method: "rules", why: "", outcome, training_rows: train.length, training_years: years, validation_year: null, current_rows: Number(currentRows) };

  // Features with no value anywhere in training (a file the user does not have) are left out.
  const features = FEATURES.filter((f) => train.some((r) => r[f] !== null && r[f] !== undefined));
  let model: Logistic | null = null;
  if (train.length === 0 || years.length < 2) {
    report.why = train.length === 0 ? "no past outcomes to learn from: transparent rules used" : "only one year of outcomes: the model cannot be validated out of time, rules used";
  } else {
    const valYear = years.at(-1)!;
    report.validation_year = valYear;
    const fitRows = train.filter((r) => r.year < valYear);
    const valRows = train.filter((r) => r.year === valYear && Math.abs(r.progress - 0.5) < 1e-9);
    const m = fitLogistic(features, matrix(fitRows, features), fitRows.map((r) => r.at_risk));
    const p = predict(m, matrix(valRows, features));
    const y = valRows.map((r) => r.at_risk);
    const rules = valRows.map(ruleScore);
    const modelAuc = auc(p, y);
    const ruleAuc = auc(rules, y);
    const aucs = [1, 2, 3, 4, 5].map((seed) => {
      const idx = resample(fitRows.length, seed);
      const mb = fitLogistic(features, matrix(idx.map((i) => fitRows[i]!), features), idx.map((i) => fitRows[i]!.at_risk));
      return auc(predict(mb, matrix(valRows, features)), y);
    });
    const range = Math.max(...aucs) - Math.min(...aucs);
    const high = p.map((x) => x >= policy.warning.high);
    const subgroups = [
      ...[true, false].map((rural) => ({ group: rural ? "rural 乡村" : "urban 城镇", idx: valRows.map((r, i) => (Boolean(r.rural) === rural ? i : -1)).filter((i) => i >= 0) })),
      ...[...new Set(valRows.map((r) => r.stage ?? "unknown"))].sort().map((stage) => ({ group: `stage ${stage}`, idx: valRows.map((r, i) => ((r.stage ?? "unknown") === stage ? i : -1)).filter((i) => i >= 0) })),
    ].map(({ group, idx }) => ({ group, ...confusion(idx.map((i) => high[i]!), idx.map((i) => y[i]!)) }));
    report.metrics = {
      validation_rows: valRows.length,
      cut: "50 % of the course",
      auc: modelAuc,
      pr_auc: averagePrecision(p, y),
      brier: brier(p, y),
      base_rate: y.reduce((a, x) => a + x, 0) / y.length,
      rule_auc: ruleAuc,
      rule_at_high: confusion(rules.map((r) => r > 0), y),
      model_at_high: confusion(high, y),
      high_threshold: policy.warning.high,
      resample_aucs: aucs,
      resample_auc_range: range,
    };
    report.calibration = calibration(p, y);
    report.subgroups = subgroups;
    const gateFails: string[] = [];
    if (!(modelAuc >= GATE_AUC)) gateFails.push(`AUC ${modelAuc.toFixed(3)} < ${GATE_AUC}`);
    if (!(modelAuc > ruleAuc)) gateFails.push(`AUC ${modelAuc.toFixed(3)} does not beat the rules' ${ruleAuc.toFixed(3)}`);
    if (range > UNSTABLE_RANGE) gateFails.push(`unstable across resamples (AUC range ${range.toFixed(3)})`);
    if (gateFails.length) {
      report.why = `model not released: ${gateFails.join("; ")}; transparent rules used`;
    } else {
      // Released: refit on every year with outcomes for the projects running now.
      model = fitLogistic(features, matrix(train, features), train.map((r) => r.at_risk));
      report.method = "model";
      report.why = `model released: out-of-time AUC ${modelAuc.toFixed(3)} (rules ${ruleAuc.toFixed(3)}), stable across resamples`;
      report.coefficients = Object.fromEntries(features.map((f, j) => [f, Math.round(model!.coef[j]! * 1000) / 1000]));
    }
  }
  await writeWarnings(db, policy, model, train);
  info(`  early warning (${report.method}): ${report.why}; ${report.current_rows} trainees of running projects as of ${as_of}`);
  return report;
}

/** Score the running projects' trainees in SQL: risk, level, reasons (traffic lights), interventions. */
async function writeWarnings(db: Db, policy: Policy, model: Logistic | null, train: Row[]): Promise<void> {
  const params: Record<string, DuckDBValue> = { high: policy.warning.high, medium: policy.warning.medium };
  let risk: string;
  let contributions: string;
  let method: string;
  if (model) {
    const z = model.features.map((f, j) => {
      params[`m${j}`] = model.mean[j]!;
      params[`s${j}`] = model.sd[j]!;
      params[`b${j}`] = model.coef[j]!;
      return { f, expr: `coalesce((CAST("${f}" AS DOUBLE) - $m${j}) / $s${j}, 0)`, j };
    });
    params.b = model.intercept;
    risk = `1 / (1 + exp(-($b + ${z.map(({ expr, j }) => `$b${j} * ${expr}`).join(" + ")})))`;
    // Each feature's push on the log-odds; only features that raise the risk become reasons.
    contributions = `[${z
      .filter(({ f }) => f !== "progress")
      .map(({ f, expr, j }) => `{'c': $b${j} * ${expr}, 'code': '${f}', 'value': CAST("${f}" AS DOUBLE)}`)
      .join(", ")}]`;
    method = "model";
  } else {
    // Rules: absence ≥ 10 %, or assignments behind. With past outcomes, the risk is the observed
    // rate of each rule group; without, no probability is claimed.
    const rates = [0, 1, 2].map((k) => {
      const g = train.filter((r) => ruleScore(r) === k);
      return g.length >= 20 ? g.reduce((a, r) => a + r.at_risk, 0) / g.length : null;
    });
    rates.forEach((v, k) => (params[`r${k}`] = v));
    const score = `((coalesce(absence_rate, 0) >= 0.1)::INT + (coalesce(assignments_missing_rate, 0) > 0)::INT)`;
    risk = `CASE ${score} WHEN 0 THEN CAST($r0 AS DOUBLE) WHEN 1 THEN CAST($r1 AS DOUBLE) ELSE CAST($r2 AS DOUBLE) END`;
    contributions = `[{'c': CASE WHEN coalesce(absence_rate, 0) >= 0.1 THEN 1.0 ELSE 0.0 END, 'code': 'absence_rate', 'value': absence_rate},
                      {'c': CASE WHEN coalesce(assignments_missing_rate, 0) > 0 THEN 1.0 ELSE 0.0 END, 'code': 'assignments_missing_rate', 'value': assignments_missing_rate}]`;
    params.rule_score_levels = true;
    method = "rules";
  }
  const reasonText = Object.entries(REASONS)
    .map(([code, r]) => `WHEN '${code}' THEN '${r.zh}'`)
    .join(" ");
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
              ((coalesce(absence_rate, 0) >= 0.1)::INT + (coalesce(assignments_missing_rate, 0) > 0)::INT) AS rules_hit
       FROM warning_features WHERE role = 'current'
     )
     SELECT year, project_id, teacher_id, round(risk, 4) AS risk,
            CASE WHEN risk IS NULL THEN (CASE rules_hit WHEN 2 THEN 'high' WHEN 1 THEN 'medium' ELSE 'low' END)
                 WHEN risk >= $high THEN 'high' WHEN risk >= $medium THEN 'medium' ELSE 'low' END AS level,
            array_to_string(list_transform(list_slice(reasons_list, 1, 3), x ->
              (CASE WHEN x.c >= 0.5 THEN '[红 red] ' WHEN x.c >= 0.2 THEN '[黄 amber] ' ELSE '[绿 green] ' END) || x.code || ' ' ||
              (CASE x.code ${reasonText} ELSE x.code END) ||
              CASE WHEN x.value IS NULL THEN '' WHEN x.code LIKE '%rate' THEN ' ' || CAST(round(100 * x.value) AS INTEGER) || '%' ELSE ' ' || CAST(round(x.value, 1) AS VARCHAR) END), '; ') AS reasons,
            array_to_string(list_distinct(flatten(list_transform(list_slice(reasons_list, 1, 3), x -> CASE x.code ${interventionText} ELSE [] END))), '; ') AS interventions,
            county_code, school_id, stage, rural, round(progress, 3) AS progress, cut_date AS as_of, '${method}' AS method
     FROM scored
     ORDER BY risk DESC NULLS LAST, project_id, teacher_id`,
    params,
  );
}

/** Hours per teacher over the 5-year cycle to the as-of year: 360 in all; IT 50, 25 of them practice. */
export async function hoursCompliance(db: Db, policy: Policy, year: number): Promise<void> {
  await runSqlFile(db, "warnings", "hours_compliance", {
    year,
    cycle_years: policy.hours.cycle_years,
    cycle_hours: policy.hours.cycle_hours,
    it_hours: policy.hours.it_hours,
    it_practice_hours: policy.hours.it_practice_hours,
  });
}
