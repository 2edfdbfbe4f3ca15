// `guopei report`: the annual quality report as documents. The report and institution pages of the
// public site are printed to PDF by the machine's Chromium (the same pages as on screen, with every
// row on paper), and the report's tables are written to a Word file offices can edit.
import { readFile, mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from "docx";
import { idSlug } from "../lib/shared/slug.ts";
import { launch, serve } from "../lib/browser.ts";
import { openDb, type Db } from "../lib/db.ts";
import { info } from "../lib/log.ts";
import { checkOutputDir, recoverDir, replaceDir, resultsFor } from "../lib/outdir.ts";
import { completeYears } from "../publish/entities/overview.ts";
import type { Doc } from "./content.ts";
import { buildSite } from "../site/build.ts";
import { annualDoc } from "../publish/site-data.ts";

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
        const built = await buildSite({ results, dist: site });
        const pdf = path.join(work, `report-${year}.pdf`);
        const files = await printPages(site, [
          { page: `reports/${year}?full=1`, file: pdf },
          ...institutions.map((i) => ({ page: `institution/${idSlug(i.institution_id)}?year=${year}&full=1`, file: path.join(work, "institutions", `${idSlug(i.institution_id)}.pdf`) })),
        ]);
        const docx = path.join(work, `report-${year}.docx`);
        const doc = annualDoc(built.data.files, year);
        if (!doc) throw new Error(`no report for ${year} in the results`);
        await writeFile(docx, await wordDoc(doc));
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

/** A report document as a Word file: the same sections, paragraphs and tables as the printed page (charts left out). */
export async function wordDoc(doc: Doc): Promise<Buffer> {
  const cell = (text: string, bold = false) => new TableCell({ children: [new Paragraph({ children: [new TextRun({ text, bold, size: 18 })] })] });
  const children: (Paragraph | Table)[] = [new Paragraph({ text: `${doc.title}${doc.subtitle ? ` ${doc.subtitle}` : ""}`, heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER })];
  for (const s of doc.sections) {
    children.push(new Paragraph({ text: s.title, heading: HeadingLevel.HEADING_1 }));
    for (const b of s.blocks) {
      if ("p" in b) children.push(new Paragraph({ children: [new TextRun({ text: b.p, size: 21 })] }));
      else if ("table" in b) {
        const t = b.table;
        children.push(
          new Table({
            width: { size: 100, type: WidthType.PERCENTAGE },
            rows: [new TableRow({ tableHeader: true, children: t.columns.map((h) => cell(h, true)) }), ...t.rows.map((r) => new TableRow({ children: r.map((c) => cell(c)) }))],
          }),
        );
        children.push(new Paragraph({ children: [new TextRun({ text: `来源：${t.source}`, size: 16, italics: true })] }));
      }
    }
  }
  return Packer.toBuffer(new Document({ creator: "guopei", title: doc.title, sections: [{ children }] }));
}
