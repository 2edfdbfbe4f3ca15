// Projects: each project's tier and score with its interval and evidence (project_scores), the
// norms of its peer groups, and the Projects page's rows (a project below the policy's minimum of
// responses shows no figure of its own).
import { blankSmall } from "../privacy.ts";
import { r, select, type Entity } from "../entity.ts";
import { idSlug } from "../../lib/shared/slug.ts";
import { meanInterval, standardisedOls } from "../../lib/shared/research.ts";

/** Score percentiles by year, programme and category, among projects with a tier. */
export const NORMS = `
    SELECT year, coalesce(program, '') AS program, coalesce(category, '') AS category, count(*) AS n_projects,
           round(quantile_cont(score, 0.1), 2) AS p10, round(quantile_cont(score, 0.25), 2) AS p25, round(quantile_cont(score, 0.5), 2) AS p50,
           round(quantile_cont(score, 0.75), 2) AS p75, round(quantile_cont(score, 0.9), 2) AS p90, $policy_version AS policy_version
    FROM project_scores WHERE tier <> 'insufficient_data'
    GROUP BY GROUPING SETS ((year), (year, program), (year, program, category))
    ORDER BY year, program, category`;

/** The fields of a project's own figures, blanked on the page below the minimum of responses. */
const PER_PROJECT = ["response_rate", "score", "shrunk_score", "ci_low", "ci_high", "tier", "recommendation", "eval_raw", "eval_adjusted", "expert_score", "attendance_score", "followup_score", "evidence_used", "reasons", "peer_percentile", "peer_n"];

export const projects: Entity = {
  csv: {
    "project_tiers.csv": `
    SELECT year, project_id, institution_id, n_responses, ${r("response_rate", 3)}, ${r("score")}, ${r("ci_low")}, ${r("ci_high")},
           tier, recommendation, ${r("p_excellent", 3)}, ${r("p_qualified", 3)},
           ${r("eval_raw")}, ${r("eval_adjusted")}, ${r("case_mix_adjustment")}, ${r("expert_score")}, ${r("attendance_score")}, ${r("followup_score")},
           n_used, n_excluded, evidence_used, evidence_missing, reasons, warnings,
           county_code, program, category, mode, stage, ${r("shrunk_score")}, evidence_imputed
    FROM project_scores ORDER BY year, project_id`,
    "norms.csv": NORMS,
  },
  async site({ db, policy, forReports }) {
    const minN = policy.min_group_public;
    // Percentile in the project's peer group (year, programme, category), among projects with a tier.
    const peer = `PARTITION BY ps.year, ps.program, ps.category, ps.tier <> 'insufficient_data' AND ps.n_responses >= ${minN}`;
    const rows = blankSmall(
      await select(
        db,
        `SELECT ps.year, ps.project_id, pr.name, ps.institution_id, i.name AS institution, ps.program, ps.category, ps.mode, ps.stage, ps.county_code,
                ps.n_responses, ${r("ps.response_rate", 3)}, ${r("ps.score")}, ${r("ps.ci_low")}, ${r("ps.ci_high")},
                ps.tier, ps.recommendation, ${r("ps.eval_raw")}, ${r("ps.eval_adjusted")}, ${r("ps.expert_score")},
                ${r("ps.attendance_score")}, ${r("ps.followup_score")}, ps.evidence_used, ps.reasons, ${r("ps.shrunk_score")},
                CASE WHEN ps.tier <> 'insufficient_data' AND ps.n_responses >= ${minN} THEN round(100 * percent_rank() OVER (${peer} ORDER BY ps.score)) END AS peer_percentile,
                CASE WHEN ps.tier <> 'insufficient_data' AND ps.n_responses >= ${minN} THEN count(*) OVER (${peer}) END AS peer_n
         FROM project_scores ps LEFT JOIN projects pr USING (project_id) LEFT JOIN institutions i ON i.institution_id = ps.institution_id
         ORDER BY ps.year, ps.shrunk_score DESC NULLS LAST, ps.project_id`,
        policy,
      ),
      "n_responses",
      PER_PROJECT,
      minN,
    );
    forReports.projects = rows;
    return { ...projectPages(rows), ...projectResearch(rows) };
  },
};

type Row = Record<string, unknown>;

/**
 * The Projects pages' data, light at any size: the index opens the counts (year × programme × mode
 * × tier × recommendation, and the same per institution); each institution's projects of a year,
 * every row with its figures, are in their own file (projects/<slug>/<year>.json, with the years
 * the institution has) for the page /institution-projects/<slug>/<year>.
 * Counts come from the rows as published, so a project blanked for its size counts as no tier.
 */
export function projectPages(rows: Row[]): Record<string, unknown> {
  const files: Record<string, unknown> = {};
  const counts = new Map<string, Row & { n: number }>();
  const byInstitution = new Map<string, Row & { n: number }>();
  for (const row of rows) {
    const tier = (row.tier as string | null) ?? "insufficient_data";
    const rec = (row.recommendation as string | null) ?? "none";
    const ck = JSON.stringify([row.year, row.program, row.mode, tier, rec]);
    const c = counts.get(ck) ?? counts.set(ck, { year: row.year, program: row.program ?? null, mode: row.mode ?? null, tier, recommendation: rec, n: 0 }).get(ck)!;
    c.n++;
    const id = String(row.institution_id ?? "");
    const file = (files[projectFile(id, Number(row.year))] ??= { institution_id: row.institution_id ?? null, institution: row.institution ?? null, years: [], rows: [] }) as { rows: Row[] };
    file.rows.push(row);
    const ik = JSON.stringify([row.year, id]);
    const b =
      byInstitution.get(ik) ??
      byInstitution.set(ik, { year: row.year, institution_id: row.institution_id ?? null, institution: row.institution ?? null, slug: idSlug(id), n: 0, excellent: 0, qualified: 0, unqualified: 0, insufficient_data: 0, priority: 0, keep: 0, review: 0, drop: 0 }).get(ik)!;
    b.n++;
    b[tier] = Number(b[tier] ?? 0) + 1;
    if (rec !== "none") b[rec] = Number(b[rec] ?? 0) + 1;
  }
  const idOf = (r: Row) => String(r.institution_id ?? "");
  const order = (a: Row, b: Row) => Number(a.year) - Number(b.year) || (idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0);
  // Each file names every year the institution has, for the page's links between years.
  const years = new Map<string, number[]>();
  for (const b of byInstitution.values()) {
    const id = String(b.institution_id ?? "");
    if (!years.has(id)) years.set(id, []);
    years.get(id)!.push(Number(b.year));
  }
  for (const [id, ys] of years) for (const y of ys) (files[projectFile(id, y)] as { years: number[] }).years = [...ys].sort((a, b) => a - b);
  files["projects-counts.json"] = [...counts.values()];
  files["projects-institutions.json"] = [...byInstitution.values()].sort(order);
  return files;
}

/** The page data file of one institution's projects of one year, named by its slug. */
export const projectFile = (institutionId: string, year: number) => `projects/${idSlug(institutionId)}/${year}.json`;

/** At most this many projects are drawn on the research notebooks' scatter plots. */
export const SCATTER_MAX = 2000;

/**
 * The research notebooks' results, computed here with the notebooks' own functions
 * (lib/shared/research.ts) over every published project, so that a notebook opens a few kB at any
 * size: mode means with their intervals, the transfer regression, and for its scatter plot at
 * most SCATTER_MAX projects, taken by a hash of the project id (the same ones every run).
 */
export function projectResearch(rows: Row[]): Record<string, unknown> {
  const modes = [...new Set(rows.map((d) => d.mode).filter(Boolean))] as string[];
  const values = (mode: string, key: string) => rows.filter((d) => d.mode === mode).map((d) => d[key] as number | null);
  const summary = modes.flatMap((mode) => [
    { mode, measure: "满意度 satisfaction", ...meanInterval(values(mode, "eval_raw")) },
    { mode, measure: "训后转化 follow-up", ...meanInterval(values(mode, "followup_score")) },
  ]);
  const keys = ["followup_score", "attendance_score", "eval_adjusted", "expert_score"];
  const complete = rows
    .filter((d) => d.followup_score !== null && d.attendance_score !== null && d.eval_adjusted !== null)
    .map((d): Row => ({ project_id: d.project_id, ...Object.fromEntries(keys.map((k) => [k, d[k]])), online: d.mode === "online" ? 1 : 0 }));
  const fit = standardisedOls(complete, "followup_score", ["attendance_score", "eval_adjusted", "expert_score", "online"]);
  const points = complete
    .map((d) => ({ d, h: fnv1a(String(d.project_id)) }))
    .sort((a, b) => a.h - b.h || (String(a.d.project_id) < String(b.d.project_id) ? -1 : 1))
    .slice(0, SCATTER_MAX)
    .map(({ d }) => ({ attendance_score: d.attendance_score, followup_score: d.followup_score }));
  return { "research/mode-effects.json": { summary }, "research/poor-transfer.json": { fit, points, n_complete: complete.length } };
}

/** 32-bit FNV-1a of a string's UTF-16 units: a fixed, platform-independent hash for sampling. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
