// Project scores, tiers and recommendations. Per-row work (responses, attendance, follow-ups)
// is SQL (response_scores.sql, project_evidence.sql); this module does the per-project statistics.
import { setImmediate as turn } from "node:timers/promises";
import { ident, literal, type Db } from "../lib/db.ts";
import type { Policy } from "../lib/policy.ts";
import { partImputer } from "./impute.ts";
import { empiricalBayes, normalCdf, wlsFit } from "../lib/shared/stats.ts";

export interface Evidence {
  project_id: string;
  year: number | null;
  institution_id: string | null;
  county_code: string | null;
  program: string | null;
  category: string | null;
  mode: string | null;
  stage: string | null;
  population: number | null;
  rural_share: number | null;
  n_responses: number;
  n_effective: number | null;
  n_excluded: number | null;
  eval_raw: number | null;
  eval_sd: number | null;
  eval_unweighted: number | null;
  n_reviews: number | null;
  expert_score: number | null;
  expert_sd: number | null;
  attendance_score: number | null;
  attendance_rate: number | null;
  completion_rate: number | null;
  n_results: number | null;
  n_followed: number | null;
  followup_score: number | null;
  followup_sd: number | null;
  n_trainees: number | null;
  /** Flags at level suspect ('+'-joined), or null. */
  integrity_suspect: string | null;
}

export const Z95 = 1.959964;
/** Reviewer disagreement assumed when a project has a single review (points on 0-100). */
const SINGLE_REVIEW_SD = 5;
const MIN_SE = 0.5;
/** Prior degrees of freedom of the pooled within-project variance (moderated SDs, below). */
export const PRIOR_DF = 10;

/**
 * No finite-population correction anywhere: the estimand is the project's (and its institution's)
 * lasting quality, of which this year's class is one draw, not the class itself. A class that all
 * answered still leaves the sampling error of n answers.
 */

export interface CaseMix {
  terms: string[];
  coef: number[];
  /** Covariance of the coefficients, carried into each adjusted score's error. */
  cov: number[][];
  means: number[];
  n: number;
  applied: boolean;
  note: string;
}

const MODES = ["online", "blended", "shadowing", "village", "workshop"]; // reference: face_to_face
const STAGES = ["kindergarten", "junior", "senior", "vocational"]; // reference: primary

function caseMixRow(e: Evidence, ruralMean: number): number[] {
  const x: number[] = [];
  for (const m of MODES) x.push(e.mode === m ? 1 : 0);
  for (const s of STAGES) x.push(e.stage === s ? 1 : 0);
  x.push((e.rural_share ?? ruralMean) - ruralMean);
  return x;
}

/**
 * Case mix that is not the institution's doing (delivery mode, stage, rural share of the class):
 * weighted least squares of the project's evaluation score on these terms with institution fixed
 * effects (within-institution demeaning, weights = effective responses), so that a mode effect is
 * learned from institutions that run several modes, not from who happens to run online courses.
 * Adjusted score = raw − Σ βⱼ (xⱼ − x̄ⱼ): every project is put on the average case mix.
 */
export function fitCaseMix(rows: Evidence[]): CaseMix {
  const terms = [...MODES.map((m) => `mode:${m}`), ...STAGES.map((s) => `stage:${s}`), "rural_share"];
  const usable = rows.filter((e) => e.eval_raw !== null && (e.n_effective ?? 0) > 0 && e.institution_id);
  const ruralKnown = usable.filter((e) => e.rural_share !== null);
  const ruralMean = ruralKnown.length ? ruralKnown.reduce((a, e) => a + e.rural_share!, 0) / ruralKnown.length : 0;
  const X = usable.map((e) => caseMixRow(e, ruralMean));
  const w = usable.map((e) => e.n_effective!);
  const totalW = w.reduce((a, x) => a + x, 0);
  const means = terms.map((_, j) => X.reduce((a, x, i) => a + w[i]! * x[j]!, 0) / (totalW || 1));
  const institutions = new Set(usable.map((e) => e.institution_id));
  if (usable.length < 30 || institutions.size < 3) {
    return { terms, coef: terms.map(() => 0), cov: terms.map(() => terms.map(() => 0)), means, n: usable.length, applied: false, note: `not adjusted: ${usable.length} projects with evaluations are too few to estimate case mix (30 needed)` };
  }
  // Within-institution demeaning.
  const groups = new Map<string, number[]>();
  usable.forEach((e, i) => {
    const g = groups.get(e.institution_id!) ?? [];
    g.push(i);
    groups.set(e.institution_id!, g);
  });
  const Xd = X.map((r) => [...r]);
  const yd = usable.map((e) => e.eval_raw!);
  for (const idx of groups.values()) {
    const sw = idx.reduce((a, i) => a + w[i]!, 0);
    const my = idx.reduce((a, i) => a + w[i]! * yd[i]!, 0) / sw;
    const mx = terms.map((_, j) => idx.reduce((a, i) => a + w[i]! * X[i]![j]!, 0) / sw);
    for (const i of idx) {
      yd[i]! -= my;
      for (let j = 0; j < terms.length; j++) Xd[i]![j]! -= mx[j]!;
    }
  }
  // Weights are relative (effective responses), so s² is estimated, not assumed.
  const { coef, cov } = wlsFit(Xd, yd, w, groups.size);
  return { terms, coef, cov, means, n: usable.length, applied: true, note: `adjusted for mode, stage and rural share (WLS with institution fixed effects, ${usable.length} projects)` };
}

export function caseMixAdjustment(e: Evidence, mix: CaseMix, ruralMean: number): number {
  if (!mix.applied) return 0;
  const x = caseMixRow(e, ruralMean);
  let a = 0;
  for (let j = 0; j < mix.coef.length; j++) a += mix.coef[j]! * (x[j]! - mix.means[j]!);
  return -a;
}

/** Variance of that adjustment from the coefficients' uncertainty: dᵀ Cov(β̂) d, d = x − x̄. */
export function caseMixVariance(e: Evidence, mix: CaseMix, ruralMean: number): number {
  if (!mix.applied) return 0;
  const d = caseMixRow(e, ruralMean);
  for (let j = 0; j < d.length; j++) d[j]! -= mix.means[j]!;
  let v = 0;
  for (let j = 0; j < d.length; j++) {
    const row = mix.cov[j]!;
    let b = 0;
    for (let k = 0; k < d.length; k++) b += row[k]! * d[k]!;
    v += d[j]! * b;
  }
  return Number.isFinite(v) ? Math.max(0, v) : 0;
}

/**
 * Binomial error of the attendance part (50 % attendance rate + 50 % completion, project_evidence.sql):
 * each rate as a proportion of the class's trainees, Var = p(1 − p)/n, the halves independent.
 */
export function attendanceSe(e: Pick<Evidence, "attendance_rate" | "completion_rate" | "n_trainees" | "n_results">): number {
  const part = (p: number | null, n: number | null) => (p !== null && n && n > 0 ? (p * (1 - p)) / n : null);
  const va = part(e.attendance_rate, e.n_trainees);
  const vc = part(e.completion_rate, e.n_results);
  const v = va !== null && vc !== null ? 0.25 * va + 0.25 * vc : (va ?? vc ?? 0);
  return 100 * Math.sqrt(v);
}

export type Tier = "excellent" | "qualified" | "unqualified" | "insufficient_data";

export interface TierDecision {
  tier: Tier;
  pExcellent: number;
  pQualified: number;
}

/** Tier from the probability that the true score clears each cut-off (normal approximation). */
export function decideTier(score: number | null, se: number, policy: Policy, enoughData: boolean): TierDecision {
  if (score === null || !enoughData) return { tier: "insufficient_data", pExcellent: NaN, pQualified: NaN };
  const p = (cut: number) => (se > 0 ? normalCdf((score - cut) / se) : score >= cut ? 1 : 0);
  const pExcellent = p(policy.tiers.excellent);
  const pQualified = p(policy.tiers.qualified);
  const tier: Tier = pExcellent >= 0.5 ? "excellent" : pQualified >= 0.5 ? "qualified" : "unqualified";
  return { tier, pExcellent, pQualified };
}

/**
 * Recommendation from the uncertainty and the previous year: clear excellence → top, clearly
 * qualified → keep; clearly below the qualified line → drop only when it is very clear or the
 * previous year was also unqualified; anything straddling a cut-off → review.
 */
export function recommend(d: TierDecision, previousUnqualified: boolean, labels: { top: string; keep: string; review: string; drop: string }): string {
  if (d.tier === "insufficient_data") return labels.review;
  if (d.pExcellent >= 0.8) return labels.top;
  if (d.pQualified >= 0.8) return labels.keep;
  if (d.pQualified < 0.1 && (previousUnqualified || d.pQualified < 0.025)) return labels.drop;
  return labels.review;
}

export interface ProjectScore {
  e: Evidence;
  evalAdjusted: number | null;
  adjustment: number;
  score: number | null;
  se: number;
  ciLow: number | null;
  ciHigh: number | null;
  evidence: string[];
  missing: string[];
  decision: TierDecision;
  recommendation: string;
  reasons: string;
  warnings: string[];
  responseRate: number | null;
  /** Parts predicted because the project lacks them (they enter the score with their error). */
  imputed: string[];
  /** Empirical-Bayes estimate within programme and year: the order to list projects in. */
  shrunk: number | null;
}

const COMPONENT_ZH: Record<string, string> = { evaluation: "匿名评估", expert: "专家评审", attendance: "考勤与结业", followup: "训后跟踪" };

interface Component {
  name: keyof Policy["weights"];
  value: number;
  se: number;
  /** Predicted, not observed (impute.ts). */
  imputed?: boolean;
}

export function scoreProjects(rows: Evidence[], policy: Policy, mix: CaseMix): ProjectScore[] {
  const steps = scoring(rows, policy, mix);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * scoreProjects, the event loop turned every few thousand projects: nationally its second of
 * JavaScript then holds back no SQL model run beside it on another connection (models/model.ts).
 */
export async function scoreProjectsTurning(rows: Evidence[], policy: Policy, mix: CaseMix): Promise<ProjectScore[]> {
  const steps = scoring(rows, policy, mix);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await turn();
  }
}

/** How often scoring stops for the event loop (in projects). */
const TURN = 4096;

/** scoreProjects as steps: it stops (yields) every TURN projects of each pass over them. */
function* scoring(rows: Evidence[], policy: Policy, mix: CaseMix): Generator<void, ProjectScore[]> {
  const ruralKnown = rows.filter((e) => e.rural_share !== null && e.eval_raw !== null && e.institution_id);
  const ruralMean = ruralKnown.length ? ruralKnown.reduce((a, e) => a + e.rural_share!, 0) / ruralKnown.length : 0;
  const w = policy.weights;
  // A small class's own SD is a noisy estimate (twelve identical answers give 0): each project's
  // variance is shrunk towards the year's pooled within-project variance with PRIOR_DF degrees of
  // freedom, s² = ((n − 1) s²_own + ν₀ s²_pool) / (n − 1 + ν₀) (as limma moderates variances).
  const pool = new Map<string, { ss: number; df: number }>();
  for (const e of rows) {
    if (e.eval_sd === null || (e.n_effective ?? 0) < 2) continue;
    const k = String(e.year);
    const acc = pool.get(k) ?? { ss: 0, df: 0 };
    acc.ss += (e.n_effective! - 1) * e.eval_sd ** 2;
    acc.df += e.n_effective! - 1;
    pool.set(k, acc);
  }
  const moderatedSd = (e: Evidence): number => {
    const p = pool.get(String(e.year));
    const own = e.eval_sd ?? 0;
    if (!p || p.df === 0) return own;
    const df = Math.max((e.n_effective ?? 1) - 1, 0);
    return Math.sqrt((df * own ** 2 + PRIOR_DF * (p.ss / p.df)) / (df + PRIOR_DF));
  };
  const observed: { e: Evidence; adjustment: number; evalAdjusted: number | null; comps: Component[] }[] = [];
  for (const e of rows) {
    if (observed.length % TURN === TURN - 1) yield;
    const comps: Component[] = [];
    const adjustment = e.eval_raw !== null ? caseMixAdjustment(e, mix, ruralMean) : 0;
    const evalAdjusted = e.eval_raw !== null ? Math.min(100, Math.max(0, e.eval_raw + adjustment)) : null;
    if (evalAdjusted !== null && (e.n_effective ?? 0) > 0) {
      // Sampling error of the responses kept after integrity weighting, plus the case-mix estimate's.
      const se = Math.sqrt(moderatedSd(e) ** 2 / e.n_effective! + caseMixVariance(e, mix, ruralMean));
      comps.push({ name: "evaluation", value: evalAdjusted, se: Math.max(se, MIN_SE) });
    }
    if (e.expert_score !== null && (e.n_reviews ?? 0) > 0) {
      const sd = e.n_reviews! >= 2 && e.expert_sd !== null ? e.expert_sd : SINGLE_REVIEW_SD;
      comps.push({ name: "expert", value: e.expert_score, se: Math.max(sd / Math.sqrt(e.n_reviews!), MIN_SE) });
    }
    if (e.attendance_score !== null) comps.push({ name: "attendance", value: e.attendance_score, se: Math.max(attendanceSe(e), MIN_SE) });
    if (e.followup_score !== null && (e.n_followed ?? 0) > 0) {
      const se = (e.followup_sd ?? 10) / Math.sqrt(e.n_followed!);
      comps.push({ name: "followup", value: e.followup_score, se: Math.max(se, MIN_SE) });
    }
    observed.push({ e, adjustment, evalAdjusted, comps });
  }
  // Missing parts predicted from the project's evaluation and its institution (impute.ts), so that a
  // missing part does not move a score by itself; where there is no evaluation, nothing is imputed.
  const parts = (Object.keys(w) as (keyof typeof w)[]).filter((k) => k !== "evaluation" && w[k] > 0);
  const obs = (o: (typeof observed)[number], part: string) => ({
    year: o.e.year,
    institution: o.e.institution_id,
    base: o.comps.find((c) => c.name === "evaluation")!.value,
    value: o.comps.find((c) => c.name === part)?.value ?? null,
  });
  const withBase = observed.filter((o) => o.comps.some((c) => c.name === "evaluation"));
  const imputers = Object.fromEntries(parts.map((part) => [part, partImputer(withBase.map((o) => obs(o, part)))]));

  const scored: (ProjectScore & { comps: Component[] })[] = [];
  for (const { e, adjustment, evalAdjusted, comps: seen } of observed) {
    if (scored.length % TURN === TURN - 1) yield;
    const comps = [...seen];
    const imputed: string[] = [];
    if (seen.some((c) => c.name === "evaluation")) {
      for (const part of parts) {
        if (seen.some((c) => c.name === part)) continue;
        const p = imputers[part]!(obs({ e, adjustment, evalAdjusted, comps: seen }, part));
        if (!p) continue;
        comps.push({ name: part, value: p.value, se: Math.max(p.se, MIN_SE), imputed: true });
        imputed.push(part);
      }
    }
    const W = comps.reduce((a, c) => a + w[c.name], 0);
    const score = W > 0 ? comps.reduce((a, c) => a + w[c.name] * c.value, 0) / W : null;
    const se = W > 0 ? Math.sqrt(comps.reduce((a, c) => a + (w[c.name] / W) ** 2 * c.se ** 2, 0)) : NaN;
    const enough = e.n_responses >= policy.min_responses && score !== null;
    const decision = decideTier(score, se, policy, enough);
    const warnings: string[] = [];
    if (e.n_responses > 0 && e.n_responses < policy.min_responses) warnings.push(`only ${e.n_responses} responses (< ${policy.min_responses}): no tier`);
    if (e.n_responses === 0) warnings.push("no evaluation responses: no tier");
    scored.push({
      e,
      evalAdjusted,
      adjustment,
      score,
      se,
      ciLow: score !== null ? Math.max(0, score - Z95 * se) : null,
      ciHigh: score !== null ? Math.min(100, score + Z95 * se) : null,
      evidence: seen.map((c) => c.name),
      imputed,
      missing: (Object.keys(w) as (keyof typeof w)[]).filter((k) => w[k] > 0 && !seen.some((c) => c.name === k)),
      decision,
      recommendation: "",
      reasons: "",
      warnings,
      responseRate: e.population && e.population > 0 ? Math.min(e.n_responses / e.population, 9.99) : null,
      shrunk: null,
      comps,
    });
  }

  // Projects are listed by a shrunk estimate (empirical Bayes within programme and year), so that a
  // small class's lucky mean does not top a list; the score itself stays beside it.
  const groups = new Map<string, typeof scored>();
  for (const s of scored) {
    if (s.score === null || !(s.se > 0)) continue;
    const k = `${s.e.year}|${s.e.program}`;
    const list = groups.get(k) ?? [];
    list.push(s);
    groups.set(k, list);
  }
  for (const g of groups.values()) {
    const eb = empiricalBayes(g.map((s) => s.score!), g.map((s) => s.se));
    g.forEach((s, i) => (s.shrunk = eb.shrunk[i]!));
  }

  // Component means per year, so a reason says how a component compares with the year's projects.
  // (By year, then component: no key string made per project and component, 58 k projects nationally.)
  const sums = new Map<number | null, Map<string, { sum: number; n: number }>>();
  for (const s of scored) {
    let ofYear = sums.get(s.e.year);
    if (!ofYear) sums.set(s.e.year, (ofYear = new Map()));
    for (const c of s.comps) {
      if (c.imputed) continue;
      const acc = ofYear.get(c.name);
      if (acc) {
        acc.sum += c.value;
        acc.n += 1;
      } else ofYear.set(c.name, { sum: c.value, n: 1 });
    }
  }
  const meanOf = (year: number | null, name: string) => {
    const acc = sums.get(year)?.get(name);
    return acc ? acc.sum / acc.n : NaN;
  };
  // Previous year of the same institution and category: was it unqualified?
  const byKey = new Map<string, number[]>();
  for (const s of scored) {
    if (s.score === null || s.decision.tier === "insufficient_data") continue;
    const k = `${s.e.institution_id}|${s.e.category ?? s.e.program}|${s.e.year}`;
    const list = byKey.get(k);
    if (list) list.push(s.score);
    else byKey.set(k, [s.score]);
  }
  for (const [k, s] of scored.entries()) {
    if (k % TURN === TURN - 1) yield;
    const prev = byKey.get(`${s.e.institution_id}|${s.e.category ?? s.e.program}|${(s.e.year ?? 0) - 1}`);
    const previousUnqualified = prev ? prev.reduce((a, x) => a + x, 0) / prev.length < policy.tiers.qualified : false;
    s.recommendation = recommend(s.decision, previousUnqualified, { top: "priority", keep: "keep", review: "review", drop: "drop" });
    // Integrity with consequence: a suspect project is at most `review`, whatever its score.
    if (s.e.integrity_suspect && (s.recommendation === "priority" || s.recommendation === "keep")) s.recommendation = "review";
    if (s.e.integrity_suspect) s.warnings.push(`诚信存疑 integrity suspect: ${s.e.integrity_suspect}`);
    const W = s.comps.reduce((a, c) => a + policy.weights[c.name], 0);
    const parts = s.comps
      .filter((c) => !c.imputed)
      .map((c) => ({ c, delta: (policy.weights[c.name] / W) * (c.value - meanOf(s.e.year, c.name)) }))
      .filter((p) => Number.isFinite(p.delta))
      .sort((a, b) => Math.abs(b.delta) - Math.abs(a.delta))
      .slice(0, 3)
      .map((p) => `${COMPONENT_ZH[p.c.name]} ${p.c.name} ${p.delta >= 0 ? "+" : ""}${p.delta.toFixed(1)}`);
    if (Math.abs(s.adjustment) >= 0.5) parts.push(`个案调整 case-mix ${s.adjustment >= 0 ? "+" : ""}${s.adjustment.toFixed(1)} (${s.e.mode ?? "?"})`);
    if (s.e.integrity_suspect) parts.unshift(`诚信存疑 integrity suspect (${s.e.integrity_suspect}): at most review`);
    if ((s.e.n_excluded ?? 0) > 0) parts.push(`剔除可疑问卷 excluded ${s.e.n_excluded} suspicious responses`);
    if (s.imputed.length) parts.push(`缺少 missing ${s.imputed.join("+")}: predicted from its evaluation and institution`);
    const reweighted = s.missing.filter((m) => !s.imputed.includes(m));
    if (reweighted.length && s.score !== null) parts.push(`缺少 missing ${reweighted.join("+")}: weights re-scaled`);
    if (previousUnqualified) parts.push("上年不合格 previous year unqualified");
    s.reasons = parts.join("; ");
  }
  return scored;
}

/** The evidence of every project (the project_evidence table), numbers as numbers. */
export async function loadEvidence(db: Db): Promise<Evidence[]> {
  // Read as DuckDB converts fastest: every number as a DOUBLE (no bigint or decimal objects to
  // convert here), and every text column but the id as an ENUM of its values, made a string once
  // per value, not once per row (with lib/db.ts's rows of one shape, 0.8 → 0.3 s for the 58 k projects
  // of a national year).
  const columns = await db.all<{ column_name: string; column_type: string }>(`DESCRIBE project_evidence`);
  const texts = columns.filter((c) => c.column_type === "VARCHAR" && c.column_name !== "project_id").map((c) => c.column_name);
  const values = texts.length
    ? (await db.all<Record<string, string[] | null>>(`SELECT ${texts.map((c) => `list(DISTINCT ${ident(c)} ORDER BY ${ident(c)}) FILTER (WHERE ${ident(c)} IS NOT NULL) AS ${ident(c)}`).join(", ")} FROM project_evidence`))[0]!
    : {};
  const select = columns.map(({ column_name: c, column_type: type }) => {
    const seen = values[c];
    if (seen?.length) return `CAST(${ident(c)} AS ENUM(${seen.map(literal).join(", ")})) AS ${ident(c)}`;
    return /^(BIGINT|INTEGER|HUGEINT|SMALLINT|UBIGINT|DECIMAL)/.test(type) ? `CAST(${ident(c)} AS DOUBLE) AS ${ident(c)}` : ident(c);
  });
  // (n_responses is never null: project_evidence declares it so, and its table is checked.)
  return db.all<Evidence>(`SELECT ${select.join(", ")} FROM project_evidence ORDER BY year, project_id`);
}
