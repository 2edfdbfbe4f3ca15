// `guopei preview`: the site served by Framework's preview server on a results folder, from a staged
// source (stage.ts) that follows every edit of dashboards/, notebooks/ and the shared modules, so a
// saved page shows in the browser at once. The staged folder lives in the system's temporary folder
// and is removed when the preview stops.
import { spawn, type ChildProcess } from "node:child_process";
import { watch, type FSWatcher } from "node:fs";
import { copyFile, mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { siteConfig } from "../../observablehq.config.ts";
import { info } from "../lib/log.ts";
import { siteData, writeSiteData } from "../publish/site-data.ts";
import { fillNpmCache, linkNodeModules, placeholderDuckDBExtensions, unlinkNodeModules } from "./npm-cache.ts";
import { SOURCES, stagedPath, stageSource, type Sources } from "./stage.ts";

const FRAMEWORK_BIN = path.join(path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../.."), "node_modules", "@observablehq", "framework", "dist", "bin", "observable.js");

export interface PreviewOptions {
  results: string;
  port?: number;
  restricted?: boolean;
  sources?: Sources;
}

export interface Preview {
  url: string;
  /** The staged source folder (what Framework serves). */
  src: string;
  stop(): Promise<void>;
}

export async function preview(opts: PreviewOptions): Promise<Preview> {
  const results = path.resolve(opts.results);
  const from = opts.sources ?? SOURCES;
  const restricted = Boolean(opts.restricted);
  const dir = await mkdtemp(path.join(tmpdir(), "guopei-preview-"));
  const src = path.join(dir, "src");
  let child: ChildProcess | undefined;
  const watchers: FSWatcher[] = [];
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      for (const w of watchers) w.close();
      if (child && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child!.once("exit", r));
        child.kill();
        await exited;
      }
      await unlinkNodeModules(dir);
      await rm(dir, { recursive: true, force: true });
    })());
  try {
    await stageSource(src, restricted, from);
    const data = await siteData(results, restricted);
    await writeSiteData(data, path.join(src, "data"), (await stat(path.join(results, "manifest.json"))).mtime);
    await fillNpmCache(src);
    await linkNodeModules(dir);
    await placeholderDuckDBExtensions(src);
    const institutions = (data.files["institutions.json"] as { institution_id: string }[]).map((r) => r.institution_id);
    await writeFile(path.join(dir, "observablehq.config.js"), `export default ${JSON.stringify(siteConfig({ root: "src", restricted, institutions }), null, 2)};\n`);
    // Every saved source file is copied into the staged folder; Framework reloads the page.
    for (const root of [from.pages, from.notebooks, from.shared])
      watchers.push(
        watch(root, { recursive: true }, (_event, name) => {
          if (!name) return;
          const file = path.join(root, name.toString());
          const to = stagedPath(file, src, restricted, from);
          if (!to) return;
          // copyFile overwrites in place (cp unlinks first, and an editor's save fires several events).
          stat(file).then(
            (s) => (s.isFile() ? mkdir(path.dirname(to), { recursive: true }).then(() => copyFile(file, to)) : undefined),
            () => rm(to, { force: true }),
          ).catch((e: Error) => info(`预览 preview: ${file} not copied: ${e.message}`));
        }),
      );
    const port = opts.port ?? 3000;
    child = spawn(process.execPath, [FRAMEWORK_BIN, "preview", "--port", String(port), "--no-open"], { cwd: dir, env: { ...process.env, OBSERVABLE_TELEMETRY_DISABLE: "true" } });
    const url = await new Promise<string>((resolve, reject) => {
      let log = "";
      const onData = (d: Buffer) => {
        log += d;
        const m = /(http:\/\/[^\s]+)/.exec(log.replace(/\x1b\[[0-9;]*m/g, ""));
        if (m) resolve(m[1]!.replace(/\/$/, ""));
      };
      child!.stdout!.on("data", onData);
      child!.stderr!.on("data", onData);
      child!.once("exit", (code) => reject(new Error(`Observable Framework preview stopped (exit ${code}):\n${log.slice(-2000)}`)));
    });
    info(`预览 preview: ${url} (edits of dashboards/ show at once; Ctrl+C stops)`);
    return { url, src, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
