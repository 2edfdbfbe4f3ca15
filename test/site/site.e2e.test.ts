// Both builds of the site in a real browser: every page loads with no console error and no request
// leaving the machine; key charts and tables are present; the public build holds no teacher id and
// no small group; hostile comment text shows as text.
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Browser } from "playwright-core";
import { execFileSync } from "node:child_process";
import { csvParseRows } from "d3-dsv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { idFromSlug, idSlug } from "../../pipelines/lib/shared/slug.ts";
import { generateDemo } from "../../data/generator/demo.ts";
import { setQuiet } from "../../pipelines/lib/log.ts";
import { run } from "../../pipelines/run.ts";
import { buildSite } from "../../pipelines/site/build.ts";
import { launch, serve } from "../browser.ts";
import { MINI, ROOT, query, tmpDir, writeFiles } from "../helpers.ts";

setQuiet(true);
const SHOTS = path.join(ROOT, "test", ".tmp", "screenshots");

const PAGES: [string, string][] = [
  ["index", "svg"],
  ["institutions", "svg[aria-label], figure svg, svg"],
  ["projects", "table"],
  ["counties", "table"],
  ["quality", "table"],
  ["comments", ".gp-comment"],
  ["data-quality", "table"],
  ["methods", "h2"],
  ["report", "li a"],
  ["reports/2025", "table"],
  // The research notebooks run on the demo data and state their answer.
  ["notebooks/rank-stability", ".gp-answer"],
  ["notebooks/mode-effects", ".gp-answer"],
  ["notebooks/poor-transfer", ".gp-answer"],
];

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(full)));
    else out.push(full);
  }
  return out;
}

async function visit(browser: Browser, base: string, page: string, selector: string, shot: string) {
  const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  tab.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  tab.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  tab.on("dialog", (d) => {
    problems.push(`dialog opened: ${d.message()}`);
    void d.dismiss();
  });
  tab.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith(base) && !u.startsWith("blob:") && !u.startsWith("data:")) problems.push(`external request: ${u}`);
  });
  const response = await tab.goto(`${base}/${page}`, { waitUntil: "networkidle" });
  await tab.waitForSelector(`#observablehq-main ${selector}`, { timeout: 15_000 });
  // Framework shows a failed cell as an inspector error box.
  const cellErrors = await tab.locator(".observablehq--error").count();
  if (cellErrors) problems.push(`${cellErrors} cell(s) failed: ${await tab.locator(".observablehq--error").first().innerText()}`);
  await tab.screenshot({ path: path.join(SHOTS, `${shot}.png`), fullPage: true });
  const text = await tab.locator("#observablehq-main").innerText();
  await tab.close();
  return { status: response?.status(), problems, text };
}

describe("the site, built offline, in Chromium", () => {
  let browser: Browser;
  let results: string;
  let publicDist: string;
  let restrictedDist: string;
  let weights: Record<string, number>;
  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    const input = await tmpDir();
    results = await tmpDir();
    await generateDemo({ out: input, scale: 0.5, seed: 5 });
    await run({ input, out: results });
    const out = await tmpDir();
    publicDist = path.join(out, "public");
    restrictedDist = path.join(out, "restricted");
    weights = (await buildSite({ results, dist: publicDist })).dataWeights;
    await buildSite({ results, dist: restrictedDist, restricted: true });
    browser = await launch();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
  });

  it.each(PAGES)("public page %s loads cleanly and shows its %s", async (page, selector) => {
    const srv = await serve(publicDist);
    try {
      const r = await visit(browser, srv.url, page, selector, `public-${page.replace("/", "-")}`);
      expect(r.status).toBe(200);
      expect(r.problems).toEqual([]);
      if (selector === ".gp-answer") expect(r.text).toMatch(/回答 Answer\..*\d/);
      expect(r.text).not.toMatch(/NaN|undefined/);
    } finally {
      await srv.close();
    }
  });

  it("has a page per institution, and a restricted-only warnings page", async () => {
    const [first] = await query<{ institution_id: string }>(path.join(results, "guopei.duckdb"), `SELECT institution_id FROM institution_scores ORDER BY year DESC, rank LIMIT 1`);
    const srv = await serve(restrictedDist);
    try {
      const inst = await visit(browser, srv.url, `institution/${first!.institution_id}`, "table", "restricted-institution");
      expect(inst.problems).toEqual([]);
      const warnings = await visit(browser, srv.url, "warnings", "p", "restricted-warnings");
      expect(warnings.problems).toEqual([]);
      expect(warnings.text).toContain("restricted");
      // The validation and the hours by school are there, for the people who act on them.
      expect(warnings.text).toContain("模型检验 Validation");
      expect(warnings.text).toMatch(/AUC\t0\.\d{3}/);
      expect(warnings.text).toContain("学时达标（按学校）");
    } finally {
      await srv.close();
    }
    const names = (await files(publicDist)).map((f) => path.relative(publicDist, f));
    expect(names.some((n) => n.startsWith("warnings"))).toBe(false);
    expect(names.some((n) => n.includes("warnings.json"))).toBe(false);
    expect(names.some((n) => n.includes("hours-schools"))).toBe(false);
  });

  it("fails a build whose pages open more data than the budget, and leaves the built site as it was", async () => {
    const before = await readFile(path.join(publicDist, "index.html"), "utf8");
    // Each institution's page opens its own feedback file, not every institution's.
    const names = (await files(publicDist)).map((f) => path.relative(publicDist, f).split(path.sep).join("/"));
    expect(names.filter((n) => n.startsWith("_file/data/feedback/")).length).toBeGreaterThan(10);
    expect(names.some((n) => /feedback\.[0-9a-f]+\.json$/.test(n))).toBe(false);
    await expect(buildSite({ results, dist: publicDist, pageBudgetKb: 100 })).rejects.toThrow(/over the budget of 100 kB per page[^]*explorer: [\d,]+ kB \(explorer-evaluations\.csv/);
    expect(await readFile(path.join(publicDist, "index.html"), "utf8")).toBe(before);
    // The demo's heaviest page is within the default budget.
    expect(Math.max(...Object.values(weights))).toBeLessThan(1024 * 1024);
  });

  it("opens the Overview on the latest complete year, and says so when a year still running is chosen", async () => {
    const srv = await serve(publicDist);
    try {
      const first = await visit(browser, srv.url, "", ".gp-kpis", "overview-default");
      expect(first.problems).toEqual([]);
      expect(first.text).toContain("同比 vs 2024"); // 2025, compared with 2024
      expect(first.text).not.toContain("still running");
      const running = await visit(browser, srv.url, "?year=2026", ".gp-kpis", "overview-running");
      expect(running.text).toContain("2026 is still running");
      expect(running.text).not.toContain("同比 vs 2025");
      const quality = await visit(browser, srv.url, "quality?year=2024", "table", "quality-2024");
      expect(quality.problems).toEqual([]);
      expect(quality.text).toMatch(/\n2024\t/); // table rows (cells are tab-separated), not the select's options
      expect(quality.text).not.toMatch(/\n2025\t/);
      const feedback = await visit(browser, srv.url, `institution/${(await query<{ institution_id: string }>(path.join(results, "guopei.duckdb"), "SELECT institution_id FROM institution_scores WHERE year = 2024 ORDER BY rank LIMIT 1"))[0]!.institution_id}?year=2024`, "table", "feedback-2024");
      expect(feedback.text).toContain("2024 年度培训质量反馈报告");
      const comments = await visit(browser, srv.url, "comments?year=2024", ".gp-comment", "comments-2024");
      expect(comments.text).toContain("2024 ·");
      expect(comments.text).not.toContain("2026 ·");
    } finally {
      await srv.close();
    }
  });

  it("answers a researcher's SQL in the browser (DuckDB-Wasm, offline)", async () => {
    const srv = await serve(publicDist);
    const tab = await browser.newPage();
    const problems: string[] = [];
    tab.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    tab.on("request", (r) => !r.url().startsWith(srv.url) && !r.url().startsWith("blob:") && !r.url().startsWith("data:") && problems.push(`external: ${r.url()}`));
    try {
      await tab.goto(`${srv.url}/explorer`, { waitUntil: "networkidle" });
      await tab.waitForSelector("#observablehq-main table td", { timeout: 30_000 });
      await tab.locator("#observablehq-main textarea").fill("SELECT count(*) AS n, count(DISTINCT project_id) AS projects FROM evaluations WHERE year = 2024");
      await tab.getByRole("button", { name: /Run/ }).click();
      await tab.waitForFunction(() => document.querySelector("#observablehq-main table th")?.textContent === "n", null, { timeout: 30_000 });
      const n = Number(await tab.locator("#observablehq-main table td").first().innerText());
      const [expected] = await query<{ n: bigint }>(
        path.join(results, "guopei.duckdb"),
        `SELECT count(*) AS n FROM response_scores r JOIN project_scores p USING (project_id) WHERE r.year = 2024 AND p.n_responses >= 5`,
      );
      expect(n).toBe(Number(expected!.n));
      // The query is in the link: opened again from the URL, the same result.
      const link = tab.url();
      expect(new URL(link).searchParams.get("q")).toContain("count(DISTINCT project_id)");
      await tab.goto(link, { waitUntil: "networkidle" });
      await tab.waitForFunction(() => document.querySelector("#observablehq-main table th")?.textContent === "n", null, { timeout: 30_000 });
      expect(Number(await tab.locator("#observablehq-main table td").first().innerText())).toBe(Number(expected!.n));
      expect(problems).toEqual([]);
      await tab.screenshot({ path: path.join(SHOTS, "public-explorer.png"), fullPage: true });
    } finally {
      await tab.close();
      await srv.close();
    }
  });

  it("lists an institution's projects on its own page, reached from the Projects page, which opens counts only", async () => {
    const [top] = await query<{ institution_id: string; n: bigint }>(path.join(results, "guopei.duckdb"), `SELECT institution_id, count(*) AS n FROM project_scores WHERE year = 2025 GROUP BY 1 ORDER BY n DESC, 1 LIMIT 1`);
    const srv = await serve(publicDist);
    const tab = await browser.newPage();
    const fetched: string[] = [];
    tab.on("request", (r) => fetched.push(new URL(r.url()).pathname));
    try {
      await tab.goto(`${srv.url}/projects?year=2025`, { waitUntil: "networkidle" });
      expect(fetched.filter((u) => u.includes("/_file/data/projects/"))).toEqual([]);
      await tab.locator(`#observablehq-main a[href="./institution-projects/${idSlug(top!.institution_id)}/2025"]`).click();
      await tab.waitForSelector("#observablehq-main .gp-table-bar");
      expect(new URL(tab.url()).pathname).toBe(`/institution-projects/${idSlug(top!.institution_id)}/2025`);
      // Every project of that institution in 2025, and no other file of projects.
      expect(Number((await tab.locator("#observablehq-main .gp-table-bar").first().innerText()).match(/(\d+) 行/)![1])).toBe(Number(top!.n));
      expect(fetched.filter((u) => u.includes("/_file/data/projects/")).map((u) => u.replace(/^.*\/_file\/data\/projects\//, "").replace(/\.[0-9a-f]+\.json$/, ""))).toEqual([`${idSlug(top!.institution_id)}/2025`]);
      expect(await tab.locator(".observablehq--error").count()).toBe(0);
    } finally {
      await tab.close();
      await srv.close();
    }
  });

  it("downloads a table as CSV that reads back row for row (d3-dsv in the browser)", async () => {
    const srv = await serve(publicDist);
    const tab = await browser.newPage();
    try {
      await tab.goto(`${srv.url}/projects`, { waitUntil: "networkidle" });
      await tab.waitForSelector("#observablehq-main .gp-download");
      // The second table: the institutions of the year.
      const bar = await tab.locator("#observablehq-main .gp-table-bar").nth(1).innerText();
      // The bytes as saved (a text decoder would drop the BOM that Excel needs to read UTF-8).
      const bytes = Buffer.from(await tab.evaluate(async () => [...new Uint8Array(await (await fetch(document.querySelectorAll<HTMLAnchorElement>("#observablehq-main .gp-download")[1]!.href)).arrayBuffer())]));
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const rows = csvParseRows(bytes.subarray(3).toString("utf8"));
      expect(rows.length - 1).toBe(Number(bar.match(/(\d+) 行/)![1]));
      expect(rows.length).toBeGreaterThan(10);
      expect(rows.every((r) => r.length === rows[0]!.length)).toBe(true);
      expect(rows[0]!.some((label) => /[\u4e00-\u9fff]/.test(label))).toBe(true);
    } finally {
      await tab.close();
      await srv.close();
    }
  });

  it("prints the annual report to PDF with Chinese text", async () => {
    const srv = await serve(publicDist);
    const tab = await browser.newPage();
    try {
      await tab.goto(`${srv.url}/reports/2025?full=1`, { waitUntil: "networkidle" });
      await tab.waitForSelector("#observablehq-main table");
      await tab.emulateMedia({ media: "print" });
      const pdfFile = path.join(SHOTS, "report.pdf");
      const pdf = await tab.pdf({ format: "A4", printBackground: true, path: pdfFile });
      expect(pdf.subarray(0, 4).toString()).toBe("%PDF");
      expect(pdf.length).toBeGreaterThan(20_000);
      const h1 = await tab.locator("#observablehq-main h1").innerText();
      expect(h1).toMatch(/年度国培计划培训质量报告/);
      // Every institution of the report's year is in the printed text: no row lost to a scroll box.
      const year = Number(h1.match(/(\d{4}) 年度/)![1]);
      const names = (await query<{ name: string }>(path.join(results, "guopei.duckdb"), `SELECT DISTINCT i.name FROM institution_scores s JOIN institutions i USING (institution_id) WHERE s.year = ${year}`)).map((r) => r.name);
      expect(names.length).toBeGreaterThan(10);
      const text = execFileSync("pdftotext", ["-layout", pdfFile, "-"]).toString("utf8").replace(/\s+/g, "");
      expect(names.filter((n) => !text.includes(n.replace(/\s+/g, "")))).toEqual([]);
      // On paper nothing is clipped: no box hides rows below its fold (pdftotext would still see them).
      const clipped = await tab.evaluate(() => [...document.querySelectorAll(".gp-scroll")].filter((e) => e.scrollHeight > e.clientHeight + 1).length);
      expect(clipped).toBe(0);
      // The institutions table (after its section heading) has one row per institution of the year.
      const rows = await tab.evaluate(() => document.querySelector("#institutions table tbody")!.querySelectorAll("tr").length);
      expect(rows).toBe(names.length);
    } finally {
      await tab.close();
      await srv.close();
    }
  });

  it("has no page beside a folder of the same name, which static servers would list instead of the page", async () => {
    const names = (await files(publicDist)).map((f) => path.relative(publicDist, f).split(path.sep).join("/"));
    const folders = new Set(names.flatMap((n) => n.split("/").slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join("/"))));
    expect(names.filter((n) => n.endsWith(".html")).map((n) => n.slice(0, -5)).filter((page) => folders.has(page))).toEqual([]);
    expect(names).toContain("reports/2025.html");
    expect(names.some((n) => /^institution-projects\/[^/]+\/2025\.html$/.test(n))).toBe(true);
  });

  it("keeps teacher ids and external origins out of the public build", async () => {
    const ids = new Set((await query<{ teacher_id: string }>(path.join(results, "guopei.duckdb"), `SELECT DISTINCT teacher_id FROM trainees`)).map((r) => r.teacher_id));
    expect(ids.size).toBeGreaterThan(100);
    for (const f of await files(publicDist)) {
      const text = await readFile(f, "utf8");
      const found = text.match(/T\d{9}/g)?.filter((m) => ids.has(m)) ?? [];
      expect(found, f).toEqual([]);
      if (f.endsWith(".html")) expect(text.match(/(src|href)="(https?:)?\/\/[^"]*"/g) ?? [], f).toEqual([]);
      if (f.endsWith(".css")) expect(text.match(/url\((["']?)https?:/g) ?? [], f).toEqual([]);
      if (f.endsWith(".js")) expect(text.match(/(import\(|from)\s*["']https?:/g) ?? [], f).toEqual([]);
    }
  });

  it("shows no group below the policy's minimum in the public data", async () => {
    const dataDir = path.join(publicDist, "_file", "data");
    const byName = async (prefix: string) => JSON.parse(await readFile(path.join(dataDir, (await readdir(dataDir)).find((f) => f.startsWith(prefix))!), "utf8"));
    // Every institution's projects file: a project below the minimum shows no figure of its own.
    const projectFiles = (await files(path.join(dataDir, "projects"))).filter((f) => f.endsWith(".json"));
    expect(projectFiles.length).toBeGreaterThan(10);
    let small = 0;
    for (const f of projectFiles)
      for (const r of (JSON.parse(await readFile(f, "utf8")) as { rows: { n_responses: number; score: number | null; tier: string | null }[] }).rows)
        if (r.n_responses < 5) {
          small++;
          expect(r.score).toBeNull();
          expect(r.tier).toBeNull();
        }
    expect(small).toBeGreaterThan(0);
    for (const r of (await byName("institutions.")) as { n_responses: number; score: number | null }[]) if (r.n_responses < 5) expect(r.score).toBeNull();
    for (const g of ((await byName("comments.")) as { groups: { n_comments: number }[] }).groups) expect(g.n_comments).toBeGreaterThanOrEqual(10);
    for (const c of (await byName("counties.")) as { teachers_trained: number | null }[]) if (c.teachers_trained !== null) expect(c.teachers_trained).toBeGreaterThanOrEqual(5);
    const kb = Object.fromEntries(Object.entries(weights).map(([k, v]) => [k, Math.round(v / 102.4) / 10]));
    console.log("site data weights (kB):", JSON.stringify(kb));
    await writeFile(path.join(ROOT, "test", ".tmp", "site-data-weights.json"), JSON.stringify(kb, null, 2));
  });
});

describe("untrusted comment text, and an institution id no file system likes", () => {
  it("renders an XSS comment as text, hides institutions with too few comments, and reaches the page of any id", async () => {
    const odd = "机构/01?a%b&c#"; // (spaces inside a code are stray: read away, counted)
    const input = await tmpDir();
    const results = await tmpDir();
    const rows = ["response_id,project_id,submitted_at,duration_seconds,q01,q02,comment"];
    for (let i = 1; i <= 12; i++) rows.push(`R${i},P1,2024-03-21 10:${String(i).padStart(2, "0")},300,${(i % 3) + 3},4,${i === 1 ? '"<img src=x onerror=""alert(1)"">课程很好"' : "课程内容实用，专家讲解清楚"}`);
    for (let i = 13; i <= 15; i++) rows.push(`R${i},P2,2024-05-01 09:00,200,3,3,只有三条意见`);
    const rename = (t: string) => t.replaceAll("I1,", `${odd},`).replaceAll(",I1,", `,${odd},`);
    await writeFiles(input, { ...MINI, "institutions.csv": rename(MINI["institutions.csv"]), "projects.csv": rename(MINI["projects.csv"]), "evaluations_I1.csv": `${rows.join("\n")}\n` });
    await run({ input, out: results });
    const dist = path.join(await tmpDir(), "site");
    await buildSite({ results, dist });
    const browser = await launch();
    const srv = await serve(dist);
    try {
      const r = await visit(browser, srv.url, "comments", ".gp-comment", "xss-comments");
      expect(r.problems).toEqual([]);
      expect(r.text).toContain('<img src=x onerror="alert(1)">课程很好');
      expect(r.text).not.toContain("只有三条意见");
      const inst = await visit(browser, srv.url, `institution/${idSlug(odd)}`, "table", "odd-institution");
      expect(inst.status).toBe(200);
      expect(inst.problems).toEqual([]);
      expect(inst.text).toContain("东方师范大学");
      expect(idFromSlug(idSlug(odd))).toBe(odd);
    } finally {
      await srv.close();
      await browser.close();
    }
  }, 120_000);
});
