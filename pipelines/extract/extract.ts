// `guopei extract`: anonymised extracts for researchers, from a results folder (warehouse read-only).
// - evaluations: the anonymous responses with project attributes; response ids re-keyed, comment
//   text replaced by its segmented words (free text can name a person; words rarely do).
// - trainees: one row per trainee and project; pseudonyms re-keyed per extract with a random salt
//   that is never stored; every quasi-identifier it publishes (county, stage, subject, title,
//   institution, programme, mode, rural, years of teaching, year) generalised by global recoding up
//   a hierarchy until every combination describes at least k people, and the few rows still in
//   smaller groups suppressed; no project id (with the year it pins down county, stage and subject).
//   A report says what was generalised and suppressed.
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { literal, openDb, type Db } from "../lib/db.ts";
import { info } from "../lib/log.ts";
import { replaceDir, resultsFor } from "../lib/outdir.ts";
import { copyCsv } from "../publish/copy.ts";
import type { Policy } from "../lib/policy.ts";
import { cols, writeTable } from "../lib/table.ts";
import { terms } from "../lib/terms.ts";
import { createMeasures } from "../models/model.ts";

/** Generalisation hierarchies, level 0 = as recorded; the last level is `*` (suppressed value). */
export const HIERARCHY: Record<string, string[]> = {
  county_code: ["county_code", "substr(county_code, 1, 4) || '00'", "substr(county_code, 1, 2) || '0000'", "'*'"],
  stage: [
    "stage",
    "CASE WHEN stage = 'kindergarten' THEN 'preschool' WHEN stage IN ('primary', 'junior') THEN 'compulsory' WHEN stage IS NULL THEN NULL ELSE 'upper' END",
    "'*'",
  ],
  subject: [
    "subject",
    "CASE WHEN subject IN ('语文', '英语', '历史', '道德与法治', '地理') THEN '文科 humanities' WHEN subject IN ('数学', '物理', '化学', '生物', '科学', '信息科技') THEN '理科 sciences' WHEN subject IN ('音乐', '美术', '体育') THEN '艺体 arts & PE' WHEN subject IS NULL THEN NULL ELSE '其他 other' END",
    "'*'",
  ],
  institution_id: ["institution_id", "'*'"],
  program: ["program", "'*'"],
  mode: ["mode", "'*'"],
  rural: ["CAST(rural AS VARCHAR)", "'*'"],
  years_teaching_band: ["years_teaching_band", "'*'"],
  year: ["CAST(year AS VARCHAR)"],
  title: [
    "title",
    "CASE WHEN title IN ('正高级教师', '高级教师') THEN '高级 senior' WHEN title IN ('一级教师') THEN '中级 intermediate' WHEN title IS NULL THEN NULL ELSE '初级及以下 junior' END",
    "'*'",
  ],
};
const QI = Object.keys(HIERARCHY);
/** Order in which attributes are generalised: least informative for research first. */
const ORDER = ["title", "subject", "institution_id", "years_teaching_band", "mode", "program", "county_code", "rural", "stage"];
const MAX_SUPPRESSED_SHARE = 0.02;

export interface ExtractReport {
  k: number;
  trainee_rows: number;
  suppressed_rows: number;
  levels: Record<string, number>;
  level_names: Record<string, string>;
  smallest_group: number;
  evaluation_rows: number;
  notes: string[];
}

function generalisedSelect(levels: Record<string, number>): string {
  return QI.map((q) => `${HIERARCHY[q]![levels[q]!]} AS ${q}`).join(", ");
}

async function smallGroups(db: Db, levels: Record<string, number>, k: number): Promise<number> {
  const [r] = await db.all<{ n: bigint | null }>(
    // k counts people, not rows: one teacher attending five projects is one person.
    `SELECT sum(rows) AS n FROM (SELECT count(*) AS rows FROM (SELECT person, ${generalisedSelect(levels)} FROM ex_trainees_raw) GROUP BY ${QI.join(", ")} HAVING count(DISTINCT person) < ${k})`,
  );
  return Number(r?.n ?? 0);
}

export async function extract(opts: { results: string; out: string }): Promise<ExtractReport> {
  const results = path.resolve(opts.results);
  const out = path.resolve(opts.out);
  await resultsFor(results, out, "--out");
  const manifest = JSON.parse(await readFile(path.join(results, "manifest.json"), "utf8")) as { policy: Policy };
  const k = manifest.policy.k_anonymity;
  return replaceDir(out, "extract", "--out", (work) => buildExtract(results, work, out, k, manifest.policy.min_group_public));
}

async function buildExtract(results: string, work: string, out: string, k: number, minPublic: number): Promise<ExtractReport> {
  // An in-memory database reads the warehouse read-only: the extract never writes to it.
  const db = await openDb(":memory:");
  try {
    await db.run(`ATTACH ${literal(path.join(results, "guopei.duckdb"))} AS wh (READ_ONLY)`);
    await createMeasures(db);
    const salt = randomBytes(16).toString("hex");
    await db.run(`SET VARIABLE salt = ${literal(salt)}`);

    // Trainee records: pseudonym, quasi-identifiers, project attributes, outcomes.
    await db.run(`
      CREATE TABLE ex_trainees_raw AS
      WITH att AS (SELECT project_id, teacher_id, attendance_rate(status) AS attendance_rate FROM wh.attendance GROUP BY ALL),
           fu AS (SELECT project_id, teacher_id, avg(observation_score) AS observation_score FROM wh.followups GROUP BY ALL),
           fa AS (SELECT project_id, teacher_id, avg(value) AS followup_items_mean FROM wh.followup_answers GROUP BY ALL)
      SELECT 'P' || substr(sha256(getvariable('salt') || t.teacher_id), 1, 16) AS person,
             t.county_code, t.stage, t.subject, t.title,
             CAST(t.rural AS INT) AS rural,
             CASE WHEN t.years_teaching IS NULL THEN NULL WHEN t.years_teaching < 5 THEN '0-4' WHEN t.years_teaching < 15 THEN '5-14' WHEN t.years_teaching < 25 THEN '15-24' ELSE '25+' END AS years_teaching_band,
             p.year, p.program, p.mode, p.institution_id,
             round(att.attendance_rate, 3) AS attendance_rate,
             a.assignments_required, a.assignments_done, a.final_result,
             round(fa.followup_items_mean, 2) AS followup_items_mean, round(fu.observation_score, 1) AS observation_score
      FROM wh.trainees t
      JOIN wh.projects p USING (project_id)
      LEFT JOIN wh.assessments a USING (project_id, teacher_id)
      LEFT JOIN att USING (project_id, teacher_id)
      LEFT JOIN fu USING (project_id, teacher_id)
      LEFT JOIN fa USING (project_id, teacher_id)`);
    const [{ n: total } = { n: 0n }] = await db.all<{ n: bigint }>(`SELECT count(*) AS n FROM ex_trainees_raw`);

    // Global recoding, one level at a time, until the rows in groups below k are few enough to suppress.
    const levels: Record<string, number> = Object.fromEntries(QI.map((q) => [q, 0]));
    let small = await smallGroups(db, levels, k);
    let turn = 0;
    while (small > Number(total) * MAX_SUPPRESSED_SHARE && ORDER.some((q) => levels[q]! < HIERARCHY[q]!.length - 1)) {
      const q = ORDER[turn++ % ORDER.length]!;
      if (levels[q]! < HIERARCHY[q]!.length - 1) {
        levels[q]!++;
        small = await smallGroups(db, levels, k);
      }
    }
    await db.run(`
      CREATE TABLE ex_trainees AS
      WITH g AS (SELECT * REPLACE (${QI.map((q) => `${HIERARCHY[q]![levels[q]!]} AS ${q}`).join(", ")}) FROM ex_trainees_raw),
           sizes AS (SELECT ${QI.join(", ")}, count(DISTINCT person) AS people FROM g GROUP BY ALL)
      SELECT g.* FROM g JOIN sizes ON ${QI.map((q) => `g.${q} IS NOT DISTINCT FROM sizes.${q}`).join(" AND ")}
      WHERE sizes.people >= ${k}`);
    const [{ n: kept } = { n: 0n }] = await db.all<{ n: bigint }>(`SELECT count(*) AS n FROM ex_trainees`);
    const [{ m: smallest } = { m: 0n }] = await db.all<{ m: bigint | null }>(`SELECT min(c) AS m FROM (SELECT count(DISTINCT person) AS c FROM ex_trainees GROUP BY ${QI.join(", ")})`);

    // Evaluations: anonymous already; ids re-keyed, comments as words of their scrubbed text.
    // Each distinct text segmented once (a repeated 无 or 很好 is one text), joined back in SQL.
    const comments = await db.all<{ comment: string }>(`SELECT DISTINCT comment FROM wh.comments_public ORDER BY comment`);
    await writeTable(db, "ex_comment_terms", cols({ comment: "VARCHAR", comment_terms: "VARCHAR" }), comments.map((c) => [c.comment, terms(c.comment).join(" ")]));
    await db.run(`
      CREATE TABLE ex_evaluations AS
      WITH items AS (PIVOT (SELECT response_id, item_id, value FROM wh.evaluation_answers) ON item_id USING first(value))
      SELECT 'E' || substr(sha256(getvariable('salt') || e.response_id), 1, 16) AS response,
             r.year, e.project_id, p.institution_id, p.program, p.category, p.mode, p.stage, p.subject,
             strftime(e.submitted_at, '%Y-%m') AS submitted_month, e.duration_seconds,
             round(r.score, 2) AS response_score, r.straight_line, r.too_fast, r.burst, r.weight,
             i.* EXCLUDE (response_id), ct.comment_terms
      FROM wh.evaluations e
      JOIN wh.response_scores r USING (response_id)
      LEFT JOIN wh.projects p ON p.project_id = e.project_id
      LEFT JOIN items i USING (response_id)
      LEFT JOIN wh.comments_public cp USING (response_id)
      LEFT JOIN ex_comment_terms ct ON ct.comment = cp.comment
      -- A project with fewer responses than the public minimum contributes none.
      WHERE e.project_id IN (SELECT project_id FROM wh.evaluations GROUP BY ALL HAVING count(*) >= ${minPublic})
      ORDER BY response`);
    const [{ n: evals } = { n: 0n }] = await db.all<{ n: bigint }>(`SELECT count(*) AS n FROM ex_evaluations`);

    for (const table of ["ex_trainees", "ex_evaluations"]) {
      const name = table.replace("ex_", "");
      await db.run(`COPY ${table} TO ${literal(path.join(work, `${name}.parquet`))} (FORMAT parquet, COMPRESSION zstd)`);
      await copyCsv(db, `SELECT * FROM ${table}`, path.join(work, `${name}.csv`));
    }
    const report: ExtractReport = {
      k,
      trainee_rows: Number(total),
      suppressed_rows: Number(total) - Number(kept),
      levels,
      level_names: Object.fromEntries(
        QI.map((q) => [q, levels[q] === 0 ? "as recorded" : levels[q] === HIERARCHY[q]!.length - 1 ? "suppressed (*)" : levels[q] === 1 ? "generalised" : "generalised further"]),
      ),
      smallest_group: Number(smallest ?? 0),
      evaluation_rows: Number(evals),
      notes: [
        "Pseudonyms (person, response) are re-keyed for every extract with a random salt that is not stored: two extracts cannot be linked.",
        "Comment text is replaced by its segmented words (comment_terms).",
        "Teacher-level early warnings are not part of any extract.",
      ],
    };
    await writeFile(path.join(work, "report.json"), `${JSON.stringify(report, null, 2)}\n`);
    await writeFile(path.join(work, "DATA_DICTIONARY.md"), dictionary(report));
    info(`研究数据 extract → ${out}: ${kept} trainee rows (k = ${k}, ${report.suppressed_rows} suppressed), ${evals} evaluation rows`);
    return report;
  } finally {
    db.close();
  }
}

function dictionary(r: ExtractReport): string {
  return `# 研究数据字典 Data dictionary

Files: \`trainees.parquet\`/\`.csv\` and \`evaluations.parquet\`/\`.csv\` (CSV in UTF-8 with BOM), \`report.json\`.

## trainees — one row per trainee and project (k-anonymous, k = ${r.k})
| column | meaning |
| --- | --- |
| person | pseudonym, re-keyed for this extract only |
| county_code | 区县代码, generalised: ${r.level_names.county_code} (level ${r.levels.county_code}: county → city → province → *) |
| stage | 学段, ${r.level_names.stage} (stage → preschool / compulsory / upper → *) |
| subject | 学科, ${r.level_names.subject} (subject → humanities / sciences / arts & PE / other → *) |
| title | 职称, ${r.level_names.title} (title → senior / intermediate / junior → *) |
| rural | 1 rural school, 0 urban (${r.level_names.rural}) |
| years_teaching_band | 教龄 band: 0-4, 5-14, 15-24, 25+ (${r.level_names.years_teaching_band}) |
| year, program, mode, institution_id | the project attended (programme ${r.level_names.program}, mode ${r.level_names.mode}, institution ${r.level_names.institution_id}); no project id: with the year it would pin down county, stage and subject |
| attendance_rate | present or late over sessions not excused |
| assignments_required, assignments_done, final_result | 考核 |
| followup_items_mean, observation_score | 训后跟踪: mean application item (1-5) and lesson observation (0-100) |

Every combination of all these quasi-identifiers (${QI.join(", ")}) describes at least ${r.k} people; ${r.suppressed_rows} of ${r.trainee_rows} rows in smaller groups were suppressed.

## evaluations — one row per anonymous response
| column | meaning |
| --- | --- |
| response | re-keyed response id |
| year, project_id, institution_id, program, category, mode, stage, subject | the project evaluated |
| submitted_month, duration_seconds | when (month only) and how long |
| response_score | 0-100, reverse items reversed |
| straight_line, too_fast, burst, weight | integrity signals and the weight used in scores (see the site's methods page) |
| q01 … | item answers on the instrument's scale (blank = not answered) |
| comment_terms | the comment's words (Chinese word segmentation), not its text |
`;
}
