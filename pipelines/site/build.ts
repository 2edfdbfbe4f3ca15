// `guopei site`: pages from dashboards/, data from the results folder, npm imports from the local
// cache; Observable Framework builds it offline, and the result is swapped into --dist at once.
import { spawn } from "node:child_process";
import { readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { crashPoint } from "../lib/crash.ts";
import { info } from "../lib/log.ts";
import { replaceDir, resultsFor } from "../lib/outdir.ts";
import { siteData, writeSiteData, type SiteData } from "../publish/site-data.ts";
import { siteConfig } from "../../observablehq.config.ts";
import { fillNpmCache, linkNodeModules, placeholderDuckDBExtensions, unlinkNodeModules } from "./npm-cache.ts";
import { stageSource } from "./stage.ts";

const PROJECT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const FRAMEWORK_BIN = path.join(PROJECT, "node_modules", "@observablehq", "framework", "dist", "bin", "observable.js");

export { RESTRICTED_PAGES } from "./stage.ts";

export interface SiteOptions {
  results: string;
  dist: string;
  restricted?: boolean;
}

export interface SiteResult {
  dist: string;
  dataWeights: Record<string, number>;
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
      await unlinkNodeModules(build);
      await rm(build, { recursive: true, force: true });
    }
  });
}

async function buildInto(build: string, work: string, results: string, dist: string, opts: SiteOptions): Promise<SiteResult> {
  const src = path.join(build, "src");
  await stageSource(src, Boolean(opts.restricted));
  const data = await siteData(results, Boolean(opts.restricted));
  // Data files carry the results' time, so the same results give the same site byte for byte.
  const dataWeights = await writeSiteData(data, path.join(src, "data"), (await stat(path.join(results, "manifest.json"))).mtime);
  await fillNpmCache(src);
  await linkNodeModules(build);
  await placeholderDuckDBExtensions(src);
  crashPoint("site:prepared");
  const institutions = (data.files["institutions.json"] as { institution_id: string }[]).map((r) => r.institution_id);
  const config = siteConfig({ root: "src", restricted: Boolean(opts.restricted), institutions });
  await writeFile(path.join(build, "observablehq.config.js"), `export default ${JSON.stringify(config, null, 2)};\n`);
  await framework(build);
  crashPoint("site:built");
  for (const f of await readdir(path.join(build, "dist"))) await rename(path.join(build, "dist", f), path.join(work, f));
  info(`网站 site → ${dist} (${(await readdir(work)).length - 1} entries${opts.restricted ? ", restricted" : ""})`);
  info(`  页面数据 page data (kB): ${Object.entries(dataWeights).map(([f, b]) => `${f} ${(b / 1024).toFixed(1)}`).join(", ")}`);
  return { dist, dataWeights, data };
}

function framework(cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [FRAMEWORK_BIN, "build"], { cwd, env: { ...process.env, OBSERVABLE_TELEMETRY_DISABLE: "true" } });
    let log = "";
    child.stdout.on("data", (d) => (log += d));
    child.stderr.on("data", (d) => (log += d));
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`Observable Framework build failed (exit ${code}):\n${log.slice(-3000)}`))));
  });
}
