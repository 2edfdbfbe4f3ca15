// `guopei site`: pages from dashboards/, data from the results folder, npm imports from the local
// cache; Observable Framework builds it offline, and the result is swapped into --dist at once.
import { readdir, rename } from "node:fs/promises";
import path from "node:path";
import { crashPoint } from "../lib/crash.ts";
import { info } from "../lib/log.ts";
import { replaceDir, resultsFor } from "../lib/outdir.ts";
import type { SiteData } from "../publish/site-data.ts";
import { DEFAULT_PAGE_BUDGET_KB, overBudget, pageWeights, type PageWeight } from "./budget.ts";
import { framework, prepareProject, removeProject } from "./stage.ts";

export { RESTRICTED_PAGES } from "./stage.ts";

export interface SiteOptions {
  results: string;
  dist: string;
  restricted?: boolean;
  /** Most data a page may open, in kB (default 1024; 0: no limit). */
  pageBudgetKb?: number;
}

export interface SiteResult {
  dist: string;
  dataWeights: Record<string, number>;
  /** The data each page opens, heaviest first. */
  pages: PageWeight[];
  /** The page data the site was built from (the report's documents among them). */
  data: SiteData;
}

export async function buildSite(opts: SiteOptions): Promise<SiteResult> {
  const results = path.resolve(opts.results);
  const dist = path.resolve(opts.dist);
  await resultsFor(results, dist, "--dist");
  // Built in a new folder beside --dist and committed in one step (lib/outdir.ts).
  return replaceDir(dist, "site", "--dist", async (work) => {
    // Framework builds in a folder of its own (removed by recoverDir if this process is killed).
    const build = `${work}.build`;
    try {
      return await buildInto(build, work, results, dist, opts);
    } finally {
      await removeProject(build);
    }
  });
}

async function buildInto(build: string, work: string, results: string, dist: string, opts: SiteOptions): Promise<SiteResult> {
  const { src, data, dataWeights } = await prepareProject(build, results, Boolean(opts.restricted));
  // Checked before Framework builds: a page too heavy to open fails the build, the previous site stays.
  const pages = await pageWeights(src, dataWeights);
  const budget = opts.pageBudgetKb ?? DEFAULT_PAGE_BUDGET_KB;
  const over = overBudget(pages, budget);
  if (over.length)
    throw new Error(
      `页面数据超出预算 page data over the budget of ${budget} kB per page (about ${Math.ceil(budget / 128)} s each on a 10 Mbit/s line):\n  ${over.join("\n  ")}\n` +
        `Build anyway with --page-budget-kb 0 (or a larger budget); the previous site in ${dist} is unchanged.`,
    );
  crashPoint("site:prepared");
  await frameworkBuild(build);
  crashPoint("site:built");
  for (const f of await readdir(path.join(build, "dist"))) await rename(path.join(build, "dist", f), path.join(work, f));
  info(`网站 site → ${dist} (${(await readdir(work)).length - 1} entries${opts.restricted ? ", restricted" : ""})`);
  info(`  页面数据 page data (kB, heaviest pages): ${pages.slice(0, 5).map((p) => `${p.page} ${(p.bytes / 1024).toFixed(1)}`).join(", ")}`);
  return { dist, dataWeights, pages, data };
}

function frameworkBuild(dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = framework(dir, ["build"]);
    let log = "";
    child.stdout!.on("data", (d) => (log += d));
    child.stderr!.on("data", (d) => (log += d));
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`Observable Framework build failed (exit ${code}):\n${log.slice(-3000)}`))));
  });
}
