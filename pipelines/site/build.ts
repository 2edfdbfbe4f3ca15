// `guopei site`: pages from dashboards/, data from the results folder, npm imports from the local
// cache; Observable Framework builds it offline, and the result is swapped into --dist at once.
import { spawn } from "node:child_process";
import { cp, mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { info } from "../lib/log.ts";
import { resultsReady, siteData, writeSiteData } from "../publish/site-data.ts";
import { siteConfig } from "../../observablehq.config.ts";
import { fillNpmCache, placeholderDuckDBExtensions } from "./npm-cache.ts";

const PROJECT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const PAGES = path.join(PROJECT, "dashboards");
const NOTEBOOKS = path.join(PROJECT, "notebooks");
const FRAMEWORK_BIN = path.join(PROJECT, "node_modules", "@observablehq", "framework", "dist", "bin", "observable.js");

/** Pages only the restricted build carries (teacher-level). */
export const RESTRICTED_PAGES = ["warnings.md"];

export interface SiteOptions {
  results: string;
  dist: string;
  restricted?: boolean;
}

export interface SiteResult {
  dist: string;
  dataWeights: Record<string, number>;
}

export async function buildSite(opts: SiteOptions): Promise<SiteResult> {
  const results = path.resolve(opts.results);
  const dist = path.resolve(opts.dist);
  if (!resultsReady(results)) throw new Error(`${results} is not a results folder (no manifest.json and guopei.duckdb): run \`guopei run\` first`);
  const work = `${dist}.build-${process.pid}`;
  await rm(work, { recursive: true, force: true });
  const src = path.join(work, "src");
  await cp(PAGES, src, {
    recursive: true,
    filter: (f) => {
      const rel = path.relative(PAGES, f);
      const top = rel.split(path.sep)[0];
      if (top === ".observablehq" || top === "data" || top === "dist") return false;
      return opts.restricted || !RESTRICTED_PAGES.includes(rel);
    },
  });
  // Research notebooks (pages) and the statistics they share with the pipeline.
  await mkdir(path.join(src, "notebooks"), { recursive: true });
  for (const f of await readdir(NOTEBOOKS)) if (f.endsWith(".md")) await cp(path.join(NOTEBOOKS, f), path.join(src, "notebooks", f));
  await cp(path.join(NOTEBOOKS, "research.ts"), path.join(src, "components", "research.ts"));
  await cp(path.join(PROJECT, "pipelines", "analytics", "stats.ts"), path.join(src, "components", "stats.ts"));
  try {
    const data = await siteData(results, Boolean(opts.restricted));
    const dataWeights = await writeSiteData(data, path.join(src, "data"));
    await fillNpmCache(src);
    await placeholderDuckDBExtensions(src);
    const institutions = (data.files["institutions.json"] as { institution_id: string }[]).map((r) => r.institution_id);
    const config = siteConfig({ root: "src", restricted: Boolean(opts.restricted), institutions });
    await writeFile(path.join(work, "observablehq.config.js"), `export default ${JSON.stringify(config, null, 2)};\n`);
    await framework(work);
    await rm(dist, { recursive: true, force: true });
    await mkdir(path.dirname(dist), { recursive: true });
    await rename(path.join(work, "dist"), dist);
    info(`网站 site → ${dist} (${(await readdir(dist)).length} entries${opts.restricted ? ", restricted" : ""})`);
    info(`  页面数据 page data (kB): ${Object.entries(dataWeights).map(([f, b]) => `${f} ${(b / 1024).toFixed(1)}`).join(", ")}`);
    return { dist, dataWeights };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
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
