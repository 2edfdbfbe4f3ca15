// `guopei report`: the annual quality report as documents. The report and institution pages of the
// public site are printed to PDF by the machine's Chromium (the same pages as on screen, with every
// row on paper), and the report's tables are written to a Word file offices can edit.
import { readFile, mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from "docx";
import { idSlug } from "../../dashboards/components/slug.ts";
import { RECOMMENDATION, TIER } from "../../dashboards/components/labels.ts";
import { launch, serve } from "../lib/browser.ts";
import { openDb, type Db } from "../lib/db.ts";
import { info } from "../lib/log.ts";
import { checkOutputDir, recoverDir, replaceDir, resultsFor } from "../lib/outdir.ts";
import { completeYears } from "../publish/site-data.ts";
import { buildSite } from "../site/build.ts";

export interface ReportOptions {
  results: string;
  out: string;
  year?: number;
}

export interface ReportResult {
  year: number;
  pdf: string;
  docx: string;
  institutions: string[];
}

/** The latest complete year (all its projects ended by the run's as-of date), else the latest. */
async function latestCompleteYear(db: Db, analysis: unknown): Promise<number> {
  const years = [...(await completeYears(db, analysis))];
  const pick = years.filter(([, complete]) => complete).at(-1) ?? years.at(-1);
  if (!pick) throw new Error("the results hold no scored year: nothing to report");
  return pick[0];
}

export async function report(opts: ReportOptions): Promise<ReportResult> {
  const results = path.resolve(opts.results);
  const out = path.resolve(opts.out);
  await resultsFor(results, out, "--out");
  await recoverDir(out);
  await checkOutputDir(out, "report", "--out"); // before any work: a user's folder is refused at once
  const manifest = JSON.parse(await readFile(path.join(results, "manifest.json"), "utf8")) as { analysis?: unknown };
  const db = await openDb(path.join(results, "guopei.duckdb"), { readOnly: true });
  let year: number;
  let institutions: { institution_id: string; name: string | null }[];
  try {
    year = opts.year ?? (await latestCompleteYear(db, manifest.analysis));
    institutions = await db.all(`SELECT s.institution_id, i.name FROM institution_scores s LEFT JOIN institutions i USING (institution_id) WHERE s.year = $year ORDER BY s.institution_id`, { year });
    if (!institutions.length) throw new Error(`no institution was scored in ${year}: choose another --year`);
    return await replaceDir(out, "report", "--out", async (work) => {
      const site = `${work}.site`;
      try {
        await buildSite({ results, dist: site });
        const pdf = path.join(work, `report-${year}.pdf`);
        const files = await printPages(site, [
          { page: `report?year=${year}`, file: pdf },
          ...institutions.map((i) => ({ page: `institution/${idSlug(i.institution_id)}`, file: path.join(work, "institutions", `${idSlug(i.institution_id)}.pdf`) })),
        ]);
        const docx = path.join(work, `report-${year}.docx`);
        await writeFile(docx, await wordReport(db, year));
        info(`报告 report → ${out}: report-${year}.pdf, report-${year}.docx, ${files.length - 1} institution report(s)`);
        return { year, pdf: path.join(out, path.basename(pdf)), docx: path.join(out, path.basename(docx)), institutions: institutions.map((i) => i.institution_id) };
      } finally {
        await rm(site, { recursive: true, force: true });
      }
    });
  } finally {
    db.close();
  }
}

/** Print each page of the built site to its PDF (A4, print styles: every row, headers repeated). */
async function printPages(site: string, pages: { page: string; file: string }[]): Promise<string[]> {
  const browser = await launch();
  const srv = await serve(site);
  try {
    const tab = await browser.newPage();
    await tab.emulateMedia({ media: "print" });
    for (const p of pages) {
      await mkdir(path.dirname(p.file), { recursive: true });
      await tab.goto(`${srv.url}/${p.page}`, { waitUntil: "networkidle" });
      await tab.waitForSelector("#observablehq-main table", { timeout: 30_000 });
      const failed = await tab.locator(".observablehq--error").count();
      if (failed) throw new Error(`page ${p.page} has ${failed} failed cell(s): ${await tab.locator(".observablehq--error").first().innerText()}`);
      await tab.pdf({ path: p.file, format: "A4", printBackground: true, margin: { top: "15mm", bottom: "15mm", left: "12mm", right: "12mm" } });
    }
    return pages.map((p) => p.file);
  } finally {
    await srv.close();
    await browser.close();
  }
}

const fmt = (v: unknown, digits = 1) => (v === null || v === undefined || Number.isNaN(Number(v)) ? "—" : Number(v).toFixed(digits));
const plain = (v: unknown) => (v === null || v === undefined ? "—" : typeof v === "bigint" ? v.toString() : String(v));

function table(header: string[], rows: string[][]): Table {
  const cell = (text: string, bold = false) => new TableCell({ children: [new Paragraph({ children: [new TextRun({ text, bold, size: 18 })] })] });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [new TableRow({ tableHeader: true, children: header.map((h) => cell(h, true)) }), ...rows.map((r) => new TableRow({ children: r.map((c) => cell(c)) }))],
  });
}

/** The report's figures and tables as a Word document: the same queries as the site's data, for editing. */
async function wordReport(db: Db, year: number): Promise<Buffer> {
  const [o] = await db.all<Record<string, unknown>>(
    `SELECT count(*) AS projects, count(DISTINCT institution_id) AS institutions, sum(n_responses) AS responses,
            count(*) FILTER (WHERE tier = 'excellent') AS excellent, count(*) FILTER (WHERE tier = 'qualified') AS qualified,
            count(*) FILTER (WHERE tier = 'unqualified') AS unqualified, count(*) FILTER (WHERE tier = 'insufficient_data') AS insufficient,
            avg(score) FILTER (WHERE tier <> 'insufficient_data') AS mean_score
     FROM project_scores WHERE year = $year`,
    { year },
  );
  const inst = await db.all<Record<string, unknown>>(
    `SELECT s.rank, coalesce(i.name, s.institution_id) AS name, s.n_projects, s.score, s.ci_low, s.ci_high, s.rank_low, s.rank_high, s.tier, s.recommendation, s.reasons
     FROM institution_scores s LEFT JOIN institutions i USING (institution_id) WHERE s.year = $year ORDER BY s.rank NULLS LAST, s.institution_id`,
    { year },
  );
  const review = await db.all<Record<string, unknown>>(
    `SELECT ps.project_id, coalesce(i.name, ps.institution_id) AS institution, ps.score, ps.tier, ps.recommendation, ps.reasons
     FROM project_scores ps LEFT JOIN institutions i USING (institution_id)
     WHERE ps.year = $year AND ps.recommendation IN ('review', 'drop') ORDER BY ps.shrunk_score NULLS LAST, ps.project_id`,
    { year },
  );
  const counties = await db.all<Record<string, unknown>>(
    `SELECT coalesce(name, county_code) AS name, score, ci_low, ci_high, grade, support_cny FROM county_performance WHERE year = $year ORDER BY county_code`,
    { year },
  );
  const rel = await db.all<Record<string, unknown>>(`SELECT dimension, alpha, alpha_low, alpha_high, omega, warning FROM reliability WHERE year = $year ORDER BY dimension`, { year });
  const label = (map: Record<string, string>) => (v: unknown) => map[String(v)] ?? plain(v);
  const h = (text: string, level: (typeof HeadingLevel)[keyof typeof HeadingLevel]) => new Paragraph({ text, heading: level });
  const p = (text: string) => new Paragraph({ children: [new TextRun({ text, size: 21 })] });
  const doc = new Document({
    creator: "guopei",
    title: `${year} 年度国培计划培训质量报告`,
    sections: [
      {
        children: [
          new Paragraph({ text: `${year} 年度国培计划培训质量报告`, heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER }),
          h("一、总体情况", HeadingLevel.HEADING_1),
          p(
            `本年度共实施培训项目 ${plain(o?.projects)} 个，承训机构 ${plain(o?.institutions)} 家，回收匿名评估问卷 ${plain(o?.responses)} 份；项目综合得分均值 ${fmt(o?.mean_score)} 分。` +
              `优秀项目 ${plain(o?.excellent)} 个、合格 ${plain(o?.qualified)} 个、不合格 ${plain(o?.unqualified)} 个，另有 ${plain(o?.insufficient)} 个项目问卷不足，不予分等。`,
          ),
          h("二、承训机构评估", HeadingLevel.HEADING_1),
          table(
            ["名次", "机构", "项目数", "得分", "下限", "上限", "名次区间", "等级", "建议", "原因"],
            inst.map((r) => [plain(r.rank), plain(r.name), plain(r.n_projects), fmt(r.score), fmt(r.ci_low), fmt(r.ci_high), r.rank === null ? "—" : `${fmt(r.rank_low, 0)}–${fmt(r.rank_high, 0)}`, label(TIER)(r.tier), label(RECOMMENDATION)(r.recommendation), plain(r.reasons)]),
          ),
          h("三、需复核与淘汰的项目", HeadingLevel.HEADING_1),
          review.length ? table(["项目", "承训机构", "得分", "等级", "建议", "主要原因"], review.map((r) => [plain(r.project_id), plain(r.institution), fmt(r.score), label(TIER)(r.tier), label(RECOMMENDATION)(r.recommendation), plain(r.reasons)])) : p("本年度没有需复核或淘汰的项目。"),
          h("四、项目区县绩效", HeadingLevel.HEADING_1),
          counties.length
            ? table(["区县", "得分", "下限", "上限", "等级", "明年支持（万元）"], counties.map((r) => [plain(r.name), fmt(r.score), fmt(r.ci_low), fmt(r.ci_high), label(TIER)(r.grade), r.support_cny === null ? "—" : fmt(Number(r.support_cny) / 10000, 0)]))
            : p("本年度没有区县绩效数据。"),
          h("五、评估工具质量", HeadingLevel.HEADING_1),
          table(["维度", "α", "下限", "上限", "ω", "警示"], rel.map((r) => [plain(r.dimension), fmt(r.alpha, 2), fmt(r.alpha_low, 2), fmt(r.alpha_high, 2), fmt(r.omega, 2), plain(r.warning)])),
          p("方法见网站“方法说明”页；每个数字均可追溯到结果文件夹中的输出文件。"),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
