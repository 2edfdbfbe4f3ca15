// Data for the site at the chart's grain: small JSON files written from the results folder
// (its warehouse opened read-only). The public build never receives a teacher-level row or a
// group below the policy's minimum; the restricted build adds the early-warning list.
import { mkdir, readFile, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { hasTable, openDb, type Db } from "../lib/db.ts";
import type { Policy } from "../lib/policy.ts";
import { csvText } from "../lib/csv.ts";
import { terms } from "../lib/terms.ts";
import { blankSmall, suppressCounts } from "./privacy.ts";
import { reportFacts } from "./report-data.ts";
import { RESTRICTED_OUTPUTS } from "./outputs.ts";
import { annualReport, feedbackReport, type Doc, type ReportInput } from "../report/content.ts";
import { dictionaryData } from "../models/docs.ts";

const EXPLORER_ROWS = 50_000;

/** Rows as CSV for the researchers' SQL page (DuckDB-Wasm reads it; no BOM). */
function rowsCsv(rows: Record<string, unknown>[]): string {
  const columns = Object.keys(rows[0] ?? {});
  return csvText(columns, rows.map((r) => columns.map((c) => (typeof r[c] === "bigint" ? Number(r[c]) : r[c]))), { bom: false });
}

// In two steps, as the CSV outputs round (publish/outputs.ts): the same data gives the same page data.
const num = (v: unknown, digits = 2) => (v === null || v === undefined ? null : Math.round(Number(Number(v).toFixed(9)) * 10 ** digits) / 10 ** digits);
const plain = (rows: Record<string, unknown>[]) => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v])));

export interface SiteData {
  files: Record<string, unknown>;
  pageWeights?: Record<string, number>;
}

export async function siteData(resultsDir: string, restricted: boolean): Promise<SiteData> {
  const manifest = JSON.parse(await readFile(path.join(resultsDir, "manifest.json"), "utf8")) as { policy: Policy; finished_at: string; versions: Record<string, string>; files: Record<string, unknown>[]; analysis: unknown };
  const policy = manifest.policy;
  const minN = policy.min_group_public;
  const db = await openDb(path.join(resultsDir, "guopei.duckdb"), { readOnly: true });
  try {
    const files: Record<string, unknown> = {};
    files["meta.json"] = { generated: manifest.finished_at, versions: manifest.versions, policy, restricted, analysis: manifest.analysis, dictionary: dictionaryData(restricted) };

    files["overview.json"] = plain(
      await db.all(`
        WITH p AS (SELECT year, count(*) AS projects, sum(n_responses) AS responses, count(DISTINCT institution_id) AS institutions,
                          avg(eval_raw) FILTER (WHERE n_responses >= ${minN}) AS satisfaction,
                          avg(score) FILTER (WHERE tier <> 'insufficient_data') AS mean_score,
                          count(*) FILTER (WHERE tier = 'excellent') AS excellent, count(*) FILTER (WHERE tier = 'qualified') AS qualified,
                          count(*) FILTER (WHERE tier = 'unqualified') AS unqualified, count(*) FILTER (WHERE tier = 'insufficient_data') AS insufficient
                   FROM project_scores WHERE year IS NOT NULL GROUP BY year),
             t AS (SELECT pr.year, count(*) AS enrolments, count(DISTINCT t.teacher_id) AS teachers FROM trainees t JOIN projects pr USING (project_id) GROUP BY ALL),
             a AS (SELECT pr.year, avg(passed(final_result)) AS completion
                   FROM assessments a JOIN projects pr USING (project_id) GROUP BY ALL),
             c AS (SELECT year, sum(teachers_trained) / nullif(sum(teachers_total), 0) AS coverage FROM county_performance GROUP BY ALL)
        SELECT p.year, projects, institutions, responses, enrolments, teachers, round(satisfaction, 2) AS satisfaction, round(mean_score, 2) AS mean_score,
               round(completion, 4) AS completion, round(coverage, 4) AS coverage, excellent, qualified, unqualified, insufficient
        FROM p LEFT JOIN t USING (year) LEFT JOIN a USING (year) LEFT JOIN c USING (year) ORDER BY year`),
    );
    const complete = await completeYears(db, manifest.analysis);
    for (const o of files["overview.json"] as { year: number; complete?: boolean }[]) o.complete = complete.get(o.year) ?? true;

    const inst = plain(
      await db.all(`
        SELECT s.year, s.institution_id, i.name, i.type, s.n_projects, s.n_responses, s.score, s.ci_low, s.ci_high, s.rank,
               round(s.rank_low, 1) AS rank_low, round(s.rank_high, 1) AS rank_high, round(s.rank_sim_low, 1) AS rank_sim_low, round(s.rank_sim_high, 1) AS rank_sim_high,
               s.tier, s.recommendation, s.raw_score, s.adjusted_score, s.rank_raw, s.rank_adjusted, s.shrink_weight, s.n_projects_scored, s.class_score, s.reasons,
               round(s.multi_year_score, 2) AS multi_year_score, s.multi_year_years
        FROM institution_scores s LEFT JOIN institutions i USING (institution_id) ORDER BY s.year, s.rank NULLS LAST, s.institution_id`),
    );
    files["institutions.json"] = blankSmall(inst, "n_responses", ["score", "ci_low", "ci_high", "raw_score", "adjusted_score", "class_score", "multi_year_score"], minN).map((r) => ({
      ...r,
      score: num(r.score),
      ci_low: num(r.ci_low),
      ci_high: num(r.ci_high),
      raw_score: num(r.raw_score),
      adjusted_score: num(r.adjusted_score),
      class_score: num(r.class_score),
      shrink_weight: num(r.shrink_weight, 3),
    }));

    const projects = plain(
      await db.all(`
        SELECT ps.year, ps.project_id, pr.name, ps.institution_id, i.name AS institution, ps.program, ps.category, ps.mode, ps.stage, ps.county_code,
               ps.n_responses, round(ps.response_rate, 3) AS response_rate, round(ps.score, 2) AS score, round(ps.ci_low, 2) AS ci_low, round(ps.ci_high, 2) AS ci_high,
               ps.tier, ps.recommendation, round(ps.eval_raw, 2) AS eval_raw, round(ps.eval_adjusted, 2) AS eval_adjusted, round(ps.expert_score, 2) AS expert_score,
               round(ps.attendance_score, 2) AS attendance_score, round(ps.followup_score, 2) AS followup_score, ps.evidence_used, ps.reasons,
               round(ps.shrunk_score, 2) AS shrunk_score,
               -- Percentile in the project's peer group (year, programme, category), among projects with a tier.
               CASE WHEN ps.tier <> 'insufficient_data' AND ps.n_responses >= ${minN}
                    THEN round(100 * percent_rank() OVER (PARTITION BY ps.year, ps.program, ps.category, ps.tier <> 'insufficient_data' AND ps.n_responses >= ${minN} ORDER BY ps.score)) END AS peer_percentile,
               CASE WHEN ps.tier <> 'insufficient_data' AND ps.n_responses >= ${minN}
                    THEN count(*) OVER (PARTITION BY ps.year, ps.program, ps.category, ps.tier <> 'insufficient_data' AND ps.n_responses >= ${minN}) END AS peer_n
        FROM project_scores ps LEFT JOIN projects pr USING (project_id) LEFT JOIN institutions i ON i.institution_id = ps.institution_id
        ORDER BY ps.year, ps.shrunk_score DESC NULLS LAST, ps.project_id`),
    );
    // A project below the minimum shows no figure of its own: not its score, nor its class's attendance.
    const perProject = ["response_rate", "score", "shrunk_score", "ci_low", "ci_high", "tier", "recommendation", "eval_raw", "eval_adjusted", "expert_score", "attendance_score", "followup_score", "evidence_used", "reasons", "peer_percentile", "peer_n"];
    files["projects.json"] = blankSmall(projects, "n_responses", perProject, minN);

    files["counties.json"] = publicCounties(plain(await db.all(`SELECT * FROM county_performance ORDER BY year, county_code`)), minN);

    files["quality.json"] = {
      reliability: plain(await db.all(`SELECT year, dimension, n_items, n_responses, round(alpha, 3) AS alpha, round(alpha_low, 3) AS alpha_low, round(alpha_high, 3) AS alpha_high, round(omega, 3) AS omega, round(omega_low, 3) AS omega_low, round(omega_high, 3) AS omega_high, round(alpha_with_suspicious, 3) AS alpha_with_suspicious, warning FROM reliability ORDER BY year, dimension`)),
      icc: plain(await db.all(`SELECT year, n_projects, round(k0, 1) AS k0, round(icc1, 3) AS icc1, round(icc1_low, 3) AS icc1_low, round(icc1_high, 3) AS icc1_high, round(icck, 3) AS icck, round(icck_low, 3) AS icck_low, round(icck_high, 3) AS icck_high FROM project_icc ORDER BY year`)),
      items: plain(await db.all(`SELECT year, item_id, dimension, round(mean, 3) AS mean, round(sd, 3) AS sd, round(nonresponse, 4) AS nonresponse, round(item_total_r, 3) AS item_total_r FROM item_stats ORDER BY year, item_id`)),
      flags: plain(await db.all(`SELECT year, flag, level, count(DISTINCT project_id) AS projects, sum(affected_responses) AS responses FROM integrity_flags GROUP BY year, flag, level ORDER BY year, CASE level WHEN 'suspect' THEN 0 WHEN 'review' THEN 1 ELSE 2 END, flag`)),
      flaggedProjects: plain(
        await db.all(`SELECT f.year, f.project_id, f.institution_id, f.flag, f.level, f.affected_responses, f.share FROM integrity_flags f JOIN project_scores p USING (project_id)
                      WHERE p.n_responses >= ${minN} AND f.level IN ('suspect', 'review')
                      ORDER BY CASE f.level WHEN 'suspect' THEN 0 ELSE 1 END, f.share DESC, f.project_id, f.flag LIMIT 200`),
      ),
      responseRates: plain(await db.all(`SELECT year, round(median(response_rate), 3) AS median_rate, round(quantile_cont(response_rate, 0.1), 3) AS p10_rate, count(*) FILTER (WHERE n_responses < ${policy.min_responses}) AS below_min FROM project_scores WHERE response_rate IS NOT NULL GROUP BY ALL ORDER BY year`)),
    };

    files["comments.json"] = await comments(db, policy);

    // The explorer's table: anonymous responses of projects with enough responses, capped so a
    // page stays light (a seeded sample beyond the cap, and the page says how many rows it has).
    files["explorer-evaluations.csv"] = rowsCsv(
      await db.all(`
        SELECT r.year, r.project_id, r.institution_id, p.program, p.mode, p.stage, round(r.score, 2) AS response_score,
               r.straight_line, r.too_fast, r.burst, r.weight, r.duration_seconds
        FROM response_scores r JOIN project_scores p USING (project_id)
        WHERE p.n_responses >= ${minN}
        USING SAMPLE reservoir(${EXPLORER_ROWS} ROWS) REPEATABLE (3)`),
    );

    files["data-quality.json"] = {
      files: manifest.files.map((f) => ({ path: f.path, kind: f.kind, encoding: f.encoding, status: f.status, message: f.message, rows_read: f.rows_read, rows_loaded: f.rows_loaded, rows_rejected: f.rows_rejected })),
      rejects: plain(await db.all(`SELECT file, reason, "column", count(*) AS n FROM rejects GROUP BY ALL ORDER BY file, n DESC, reason, "column"`)),
    };

    // The annual report of every year and each institution's feedback report, from the public data above.
    const facts = await reportFacts(db, policy);
    files["norms.json"] = facts.norms;
    files["hours.json"] = facts.hours;
    const input: ReportInput = {
      policy,
      generated: manifest.finished_at,
      asOf: (manifest.analysis as { warning?: { as_of?: string } } | undefined)?.warning?.as_of ?? null,
      overview: files["overview.json"] as Record<string, unknown>[],
      institutions: files["institutions.json"] as Record<string, unknown>[],
      projects: files["projects.json"] as Record<string, unknown>[],
      counties: files["counties.json"] as Record<string, unknown>[],
      quality: files["quality.json"] as ReportInput["quality"],
      comments: files["comments.json"] as ReportInput["comments"],
      scrubbed: ((manifest.analysis as { comments_scrubbed?: Record<string, number> } | undefined)?.comments_scrubbed ?? {}),
      warning: (manifest.analysis as { warning?: Record<string, unknown> } | undefined)?.warning ?? null,
      files: (files["data-quality.json"] as { files: Record<string, unknown>[] }).files,
      rejects: Number((await db.all<{ n: bigint }>(`SELECT count(*) AS n FROM rejects`))[0]!.n),
      facts,
    };
    const years = (files["overview.json"] as { year: number }[]).map((o) => o.year);
    files["report.json"] = Object.fromEntries(years.map((y) => [y, annualReport(input, y)]));
    const feedback: Record<string, Record<number, Doc>> = {};
    for (const r of input.institutions) {
      const doc = feedbackReport(input, String(r.institution_id), Number(r.year));
      if (doc) (feedback[String(r.institution_id)] ??= {})[Number(r.year)] = doc;
    }
    files["feedback.json"] = feedback;

    if (restricted) {
      files["warnings.json"] = (await hasTable(db, "teacher_warnings")) ? plain(await db.all(`SELECT * FROM teacher_warnings ORDER BY risk DESC`)) : [];
      // Hours by school: small groups, so restricted (county offices act on them).
      files["hours-schools.json"] = (await hasTable(db, "hours_compliance")) ? plain(await db.all(RESTRICTED_OUTPUTS["hours_by_school.csv"]!)) : [];
    }
    return { files };
  } finally {
    db.close();
  }
}

async function comments(db: Db, policy: Policy) {
  const rows = await db.all<{ year: number; institution_id: string; name: string | null; comment: string; score: number }>(
    // Scrubbed comments only (comments_public.sql), and only of projects large enough to show them.
    `SELECT r.year, r.institution_id, i.name, c.comment, r.score
     FROM comments_public c JOIN response_scores r USING (response_id) LEFT JOIN institutions i USING (institution_id)
     WHERE r.weight > 0 AND r.institution_id IS NOT NULL
     ORDER BY r.year, r.institution_id, c.response_id`,
  );
  const groups = new Map<string, typeof rows>();
  for (const r of rows) {
    const k = `${r.year}|${r.institution_id}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const themes = new Map<string, { year: number; term: string; n: number; scoreSum: number }>();
  const shown: unknown[] = [];
  for (const [, g] of groups) {
    // A group below the policy's minimum for comments shows nothing, not even its terms.
    if (g.length < policy.min_group_comments) continue;
    const counts = new Map<string, number>();
    for (const r of g) {
      for (const t of new Set(terms(r.comment))) {
        counts.set(t, (counts.get(t) ?? 0) + 1);
        const k = `${r.year}|${t}`;
        const th = themes.get(k) ?? { year: Number(r.year), term: t, n: 0, scoreSum: 0 };
        th.n++;
        th.scoreSum += Number(r.score);
        themes.set(k, th);
      }
    }
    shown.push({
      year: Number(g[0]!.year),
      institution_id: g[0]!.institution_id,
      name: g[0]!.name,
      n_comments: g.length,
      top_terms: [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([term, n]) => ({ term, n })),
      // Distinct texts, lowest-scoring first: what unhappy trainees said is what a report needs.
      examples: [...new Set([...g].sort((a, b) => Number(a.score) - Number(b.score)).map((r) => r.comment))].slice(0, 6),
    });
  }
  return {
    min_group: policy.min_group_comments,
    themes: [...themes.values()].filter((t) => t.n >= policy.min_group_comments).map((t) => ({ year: t.year, term: t.term, n: t.n, mean_score: Math.round((t.scoreSum / t.n) * 10) / 10 })).sort((a, b) => b.n - a.n),
    groups: shown,
  };
}

/** Write the page data; `mtime` (the results' time) is stamped on each file, as Framework publishes it. */
/**
 * Which scored years are complete: all their projects had ended by the run's as-of date (a year
 * still running is neither reported by default nor compared with a full one). The one definition
 * for the Overview and `guopei report`.
 */
export async function completeYears(db: Db, analysis: unknown): Promise<Map<number, boolean>> {
  const asOf = (analysis as { warning?: { as_of?: string } } | undefined)?.warning?.as_of ?? "9999-12-31";
  const rows = await db.all<{ year: bigint; complete: boolean }>(
    `SELECT ps.year, coalesce(max(p.end_date) < CAST($as_of AS DATE), true) AS complete
     FROM project_scores ps LEFT JOIN projects p USING (project_id) WHERE ps.year IS NOT NULL GROUP BY ps.year ORDER BY ps.year`,
    { as_of: asOf },
  );
  return new Map(rows.map((r) => [Number(r.year), r.complete]));
}

/**
 * Counties in public: trained and backbone counts suppressed below the minimum (with complementary
 * cells); whatever would give a suppressed count back by arithmetic goes with it: coverage
 * (trained / teachers_total), and the hours share when its teachers meeting or missing the hours are few.
 */
export function publicCounties(rows: Record<string, unknown>[], minN: number): Record<string, unknown>[] {
  return suppressCounts(suppressCounts(rows, "teachers_trained", "year", minN), "backbone_trained", "year", minN).map((r) => {
    const out = { ...r };
    if (out.teachers_trained === null) out.coverage = null;
    const meeting = Number(out.teachers_meeting_hours ?? NaN);
    const total = Number(out.teachers_total ?? NaN);
    if (!(meeting >= minN && total - meeting >= minN)) {
      out.hours_share = null;
      out.teachers_meeting_hours = null;
    }
    return out;
  });
}

export async function writeSiteData(data: SiteData, dir: string, mtime: Date): Promise<Record<string, number>> {
  await mkdir(dir, { recursive: true });
  const weights: Record<string, number> = {};
  for (const [name, value] of Object.entries(data.files)) {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    await writeFile(path.join(dir, name), text);
    await utimes(path.join(dir, name), mtime, mtime);
    weights[name] = Buffer.byteLength(text);
  }
  return weights;
}

