// `guopei report`: the annual report as PDF (printed by Chromium) and Word (read back), and one
// feedback PDF per institution of the year. Both files are the same document as the site's report
// page: every section, every institution, every table row.
import { execFileSync } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import JSZip from "jszip";
import { beforeAll, describe, expect, it } from "vitest";
import { generateDemo } from "../../data/generator/demo.ts";
import { idSlug } from "../../pipelines/lib/shared/slug.ts";
import { annualDoc, feedbackFile, siteData } from "../../pipelines/publish/site-data.ts";
import { joinDoc } from "../../pipelines/lib/shared/doc-parts.ts";
import type { Doc, DocTable } from "../../pipelines/report/content.ts";
import { query, runCli, tmpDir } from "../helpers.ts";

const SECTIONS = ["一、总体情况", "二、项目实施质量", "三、承训机构评估", "四、项目县绩效", "五、评估质量与诚信", "六、学时达标", "七、训中预警概况", "八、学员意见", "九、问题与建议", "十、附录"];
const FEEDBACK = ["一、总体结论", "二、项目", "三、维度画像", "四、历年趋势", "五、评估诚信", "六、改进建议", "七、学员意见"];
const squash = (s: string) => s.replace(/\s+/g, "");
const pdfText = (file: string, args: string[] = []) => execFileSync("pdftotext", [...args, file, "-"]).toString("utf8");
const pages = (file: string) => Number(execFileSync("pdfinfo", [file]).toString("utf8").match(/Pages:\s+(\d+)/)![1]);
const unescape = (s: string) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");

/** The tables of a .docx, each as rows of cell texts (header row first). */
function wordTables(xml: string): string[][][] {
  return [...xml.matchAll(/<w:tbl>([\s\S]*?)<\/w:tbl>/g)].map((t) =>
    [...t[1]!.matchAll(/<w:tr>([\s\S]*?)<\/w:tr>/g)].map((r) => [...r[1]!.matchAll(/<w:tc>([\s\S]*?)<\/w:tc>/g)].map((c) => unescape(c[1]!.replace(/<[^>]+>/g, "")))),
  );
}

describe("guopei report", () => {
  let out: string;
  let names: { institution_id: string; name: string }[];
  let year: number;
  let doc: Doc;
  let feedback: (institutionId: string) => Record<number, Doc>;
  beforeAll(async () => {
    const input = await tmpDir();
    await generateDemo({ out: input, scale: 0.3, seed: 3 });
    const results = path.join(await tmpDir(), "results");
    expect((await runCli(["run", "--input", input, "--out", results])).code).toBe(0);
    out = path.join(await tmpDir(), "reports");
    const r = await runCli(["report", "--results", results, "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    year = Number((await readdir(out)).find((f) => f.endsWith(".pdf"))!.match(/report-(\d{4})\.pdf/)![1]);
    names = await query(path.join(results, "guopei.duckdb"), `SELECT s.institution_id, i.name FROM institution_scores s JOIN institutions i USING (institution_id) WHERE s.year = ${year}`);
    const data = await siteData(results, false);
    doc = annualDoc(data.files, year)!;
    // One page data file per institution.
    feedback = (id) => {
      const rest = data.files[feedbackFile(id, "rest")] as Record<number, Record<string, string[][]>>;
      return Object.fromEntries(Object.entries(data.files[feedbackFile(id)] as Record<number, Doc>).map(([y, head]) => [y, joinDoc(head, rest[Number(y)]!)]));
    };
  }, 300_000);

  const tables = () => doc.sections.flatMap((s) => s.blocks.flatMap((b) => ("table" in b ? [b.table as DocTable] : [])));

  it("defaults to the latest year whose projects have all ended (the demo's last year is still running)", () => {
    expect(year).toBe(2025);
  });

  it("has the sections of a 年度培训质量报告, in order", () => {
    expect(doc.sections.map((s) => s.title)).toEqual(SECTIONS);
  });

  it("prints the report to PDF with every section, every institution and every row of every table, without blank pages", () => {
    const file = path.join(out, `report-${year}.pdf`);
    const text = squash(pdfText(file, ["-layout"]));
    expect(names.length).toBeGreaterThan(5);
    for (const s of SECTIONS) expect(text).toContain(squash(s));
    expect(names.filter((n) => !text.includes(squash(n.name)))).toEqual([]);
    // The first cell of every row of every table is on paper (nothing cut by a scroll box).
    const firsts = tables().flatMap((t) => t.rows.map((r) => squash(r[0]!)));
    expect(firsts.length).toBeGreaterThan(100);
    expect(firsts.filter((c) => c !== "—" && !text.includes(c))).toEqual([]);
    const n = pages(file);
    const blank = Array.from({ length: n }, (_, i) => i + 1).filter((i) => squash(pdfText(file, ["-f", String(i), "-l", String(i)])).length < 40);
    expect(blank).toEqual([]);
  });

  it("writes the same document to Word: every section, and every table cell for cell (read back from the .docx)", async () => {
    const zip = await JSZip.loadAsync(await readFile(path.join(out, `report-${year}.docx`)));
    const xml = await zip.file("word/document.xml")!.async("string");
    const text = unescape(xml.replace(/<[^>]+>/g, ""));
    for (const s of SECTIONS) expect(text).toContain(s);
    expect(names.filter((n) => !text.includes(n.name))).toEqual([]);
    expect(wordTables(xml)).toEqual(tables().map((t) => [t.columns, ...t.rows]));
  });

  it("writes its narrative from the numbers it shows", () => {
    const inst = tables().find((t) => t.id === "institutions")!;
    const overall = doc.sections[2]!.blocks.find((b) => "p" in b) as { p: string };
    expect(overall.p).toContain(`本年度 ${inst.rows.length} 家承训机构中`);
    const drops = inst.rows.filter((r) => r[7] === "淘汰").length;
    const reviews = inst.rows.filter((r) => r[7] === "复核").length;
    expect(overall.p).toContain(drops || reviews ? `建议淘汰 ${drops} 家、复核 ${reviews} 家` : "没有建议淘汰或复核的机构");
    const findings = doc.sections.find((s) => s.id === "findings")!.blocks.map((b) => ("p" in b ? b.p : "")).join("\n");
    for (const r of inst.rows.filter((r) => r[7] === "淘汰")) expect(findings).toContain(r[1]!);
    // Reasons in Chinese only, tiers and recommendations in words, not codes.
    expect(inst.rows.flatMap((r) => [r[6], r[7], r[8]]).filter((c) => /province mean|not ranked|excellent|qualified|review|drop/.test(c!))).toEqual([]);
  });

  it("prints one feedback report per institution of the year, each with its seven parts", async () => {
    const files = (await readdir(path.join(out, "institutions"))).sort();
    expect(files).toEqual(names.map((n) => `${idSlug(n.institution_id)}.pdf`).sort());
    for (const one of names.slice(0, 3)) {
      const text = squash(pdfText(path.join(out, "institutions", `${idSlug(one.institution_id)}.pdf`)));
      expect(text).toContain(squash(one.name));
      for (const s of FEEDBACK) expect(text).toContain(squash(s));
      const fb = feedback(one.institution_id)[year]!;
      expect(fb.sections.map((s) => s.title)).toEqual(FEEDBACK);
      for (const p of fb.sections.find((s) => s.id === "projects")!.blocks.flatMap((b) => ("table" in b ? b.table.rows.map((r) => r[0]!) : []))) expect(text).toContain(squash(p));
    }
  });
});
