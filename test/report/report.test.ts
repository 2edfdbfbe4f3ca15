// `guopei report`: the annual report as PDF (printed by Chromium) and Word (read back), and one
// feedback PDF per institution of the year. Every institution is in both documents.
import { execFileSync } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import JSZip from "jszip";
import { beforeAll, describe, expect, it } from "vitest";
import { generateDemo } from "../../data/generator/demo.ts";
import { idSlug } from "../../dashboards/components/slug.ts";
import { query, runCli, tmpDir } from "../helpers.ts";

const SECTIONS = ["一、总体情况", "二、承训机构", "三、需复核与淘汰的项目", "四、项目区县", "五、评估工具质量"];
const squash = (s: string) => s.replace(/\s+/g, "");

describe("guopei report", () => {
  let out: string;
  let names: { institution_id: string; name: string }[];
  let year: number;
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
  }, 240_000);

  it("defaults to the latest year whose projects have all ended (the demo's last year is still running)", () => {
    expect(year).toBe(2025);
  });

  it("prints the report to PDF with every section and every institution of the year", () => {
    const text = squash(execFileSync("pdftotext", ["-layout", path.join(out, `report-${year}.pdf`), "-"]).toString("utf8"));
    expect(names.length).toBeGreaterThan(5);
    for (const s of SECTIONS) expect(text).toContain(squash(s));
    expect(names.filter((n) => !text.includes(squash(n.name)))).toEqual([]);
  });

  it("writes the same tables to Word, read back from the .docx", async () => {
    const zip = await JSZip.loadAsync(await readFile(path.join(out, `report-${year}.docx`)));
    const xml = await zip.file("word/document.xml")!.async("string");
    const text = xml.replace(/<[^>]+>/g, "");
    for (const s of SECTIONS) expect(text).toContain(s);
    expect(names.filter((n) => !text.includes(n.name))).toEqual([]);
    expect((xml.match(/<w:tbl>/g) ?? []).length).toBeGreaterThanOrEqual(3);
  });

  it("prints one feedback report per institution of the year", async () => {
    const files = (await readdir(path.join(out, "institutions"))).sort();
    expect(files).toEqual(names.map((n) => `${idSlug(n.institution_id)}.pdf`).sort());
    const one = names[0]!;
    const text = squash(execFileSync("pdftotext", [path.join(out, "institutions", `${idSlug(one.institution_id)}.pdf`), "-"]).toString("utf8"));
    expect(text).toContain(squash(one.name));
  });
});
