// The site's source folder, as Framework reads it: the pages of dashboards/, the research notebooks,
// and the shared modules of pipelines/lib/shared (labels, CSV cells, slugs, statistics) placed in
// components/, since Framework serves nothing from outside its root. Both `guopei site` and
// `guopei preview` build their source this way, so what is previewed is what is built.
import { spawn, type ChildProcess } from "node:child_process";
import { cp, mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { siteConfig } from "../../observablehq.config.ts";
import { siteData, writeSiteData, type SiteData } from "../publish/site-data.ts";
import { fillNpmCache, linkNodeModules, placeholderDuckDBExtensions, unlinkNodeModules } from "./npm-cache.ts";

const PROJECT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const FRAMEWORK_BIN = path.join(PROJECT, "node_modules", "@observablehq", "framework", "dist", "bin", "observable.js");

/** The folders the site is made from (tests preview a copy of the pages). */
export interface Sources {
  pages: string;
  notebooks: string;
  shared: string;
}
export const SOURCES: Sources = {
  pages: path.join(PROJECT, "dashboards"),
  notebooks: path.join(PROJECT, "notebooks"),
  shared: path.join(PROJECT, "pipelines", "lib", "shared"),
};

/** Pages only the restricted build carries (teacher-level). */
export const RESTRICTED_PAGES = ["warnings.md"];

/** Where a source file of the repository goes in the staged folder (null: not part of the site). */
export function stagedPath(file: string, src: string, restricted: boolean, from: Sources = SOURCES): string | null {
  const inside = (dir: string) => {
    const rel = path.relative(dir, file);
    return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : null;
  };
  const page = inside(from.pages);
  if (page !== null) {
    const top = page.split(path.sep)[0];
    if (top === ".observablehq" || top === "data" || top === "dist") return null;
    if (!restricted && RESTRICTED_PAGES.includes(page)) return null;
    return path.join(src, page);
  }
  const notebook = inside(from.notebooks);
  if (notebook !== null) {
    return notebook.endsWith(".md") ? path.join(src, "notebooks", notebook) : null;
  }
  const shared = inside(from.shared);
  if (shared !== null && shared.endsWith(".ts") && !shared.endsWith(".d.ts")) return path.join(src, "components", shared);
  return null;
}

/** Copy every file of the site's source into `src` (timestamps kept: the same input builds the same site). */
export async function stageSource(src: string, restricted: boolean, from: Sources = SOURCES): Promise<void> {
  const keep = { preserveTimestamps: true };
  await cp(from.pages, src, { recursive: true, ...keep, filter: (f) => f === from.pages || stagedPath(f, src, restricted, from) !== null });
  await mkdir(path.join(src, "notebooks"), { recursive: true });
  for (const dir of [from.notebooks, from.shared])
    for (const f of await readdir(dir)) {
      const to = stagedPath(path.join(dir, f), src, restricted, from);
      if (to) await cp(path.join(dir, f), to, keep);
    }
}

/**
 * A Framework project in `dir` on a results folder: the staged source in `dir/src`, its page data,
 * the npm cache, the link to node_modules, and the configuration. What `guopei site` builds and
 * `guopei preview` serves.
 */
export async function prepareProject(dir: string, results: string, restricted: boolean, from: Sources = SOURCES): Promise<{ src: string; data: SiteData; dataWeights: Record<string, number> }> {
  const src = path.join(dir, "src");
  await stageSource(src, restricted, from);
  const data = await siteData(results, restricted);
  // Data files carry the results' time, so the same results give the same site byte for byte.
  const dataWeights = await writeSiteData(data, path.join(src, "data"), (await stat(path.join(results, "manifest.json"))).mtime);
  await fillNpmCache(src);
  await linkNodeModules(dir);
  await placeholderDuckDBExtensions(src);
  const institutions = (data.files["institutions.json"] as { institution_id: string }[]).map((r) => r.institution_id);
  const reportYears = (data.files["overview.json"] as { year: number }[]).map((o) => o.year);
  const projectPages = (data.files["projects-institutions.json"] as { institution_id: string | null; year: number }[] | undefined) ?? [];
  await writeFile(path.join(dir, "observablehq.config.js"), `export default ${JSON.stringify(siteConfig({ root: "src", restricted, institutions, projectPages, reportYears }), null, 2)};\n`);
  return { src, data, dataWeights };
}

/** Remove a project folder: the node_modules link first (unlinked, never followed). */
export async function removeProject(dir: string): Promise<void> {
  await unlinkNodeModules(dir);
  await rm(dir, { recursive: true, force: true });
}

/** Observable Framework's command line in a project folder (`build` or `preview …`). */
export function framework(dir: string, args: string[]): ChildProcess {
  return spawn(process.execPath, [FRAMEWORK_BIN, ...args], { cwd: dir, env: { ...process.env, OBSERVABLE_TELEMETRY_DISABLE: "true" } });
}
