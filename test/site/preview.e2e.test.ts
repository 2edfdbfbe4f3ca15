// `guopei preview`: Framework's preview server on a results folder, following edits of the pages.
import { cp, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setQuiet } from "../../pipelines/lib/log.ts";
import { run } from "../../pipelines/run.ts";
import { preview, type Preview } from "../../pipelines/site/preview.ts";
import { SOURCES } from "../../pipelines/site/stage.ts";
import { launch } from "../browser.ts";
import { MINI, tmpDir, writeFiles } from "../helpers.ts";

setQuiet(true);

describe("the preview", () => {
  let p: Preview;
  let browser: Browser;
  let pages: string;
  beforeAll(async () => {
    const input = await tmpDir();
    await writeFiles(input, MINI);
    const results = await tmpDir();
    await run({ input, out: results });
    // A copy of the pages, so that the test can edit one.
    pages = path.join(await tmpDir(), "dashboards");
    await cp(SOURCES.pages, pages, { recursive: true, filter: (f) => !f.includes(`${path.sep}.observablehq`) });
    p = await preview({ results, port: 3000 + Math.floor(Math.random() * 2000), sources: { ...SOURCES, pages } });
    browser = await launch();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await p?.stop();
  });

  it("serves the pages on the results offline, and shows a saved edit of a page without a rebuild", async () => {
    const page = await browser.newPage();
    const outside: string[] = [];
    page.on("request", (r) => {
      const u = new URL(r.url());
      if (!["127.0.0.1", "localhost"].includes(u.hostname) && u.protocol.startsWith("http")) outside.push(r.url());
    });
    await page.goto(`${p.url}/counties`);
    await page.waitForSelector("table", { timeout: 30_000 });
    expect(await page.textContent("body")).toContain("临河县");
    const file = path.join(pages, "counties.md");
    await writeFile(file, `${await readFile(file, "utf8")}\n\n预览修改 edited\n`);
    await page.waitForFunction(() => document.body.textContent?.includes("预览修改 edited"), undefined, { timeout: 30_000 });
    expect(outside).toEqual([]);
  });

  it("removes its staged folder when it stops", async () => {
    await p.stop();
    await expect(readFile(path.join(p.src, "counties.md"))).rejects.toThrow(/ENOENT/);
  });
});
