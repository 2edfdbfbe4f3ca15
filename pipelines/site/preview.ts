// `guopei preview`: the site served by Framework's preview server on a results folder, from a staged
// source (stage.ts) that follows every edit of dashboards/, notebooks/ and the shared modules, so a
// saved page shows in the browser at once. The staged folder lives in the system's temporary folder
// and is removed when the preview stops.
import type { ChildProcess } from "node:child_process";
import { watch, type FSWatcher } from "node:fs";
import { copyFile, mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { info } from "../lib/log.ts";
import { framework, prepareProject, removeProject, SOURCES, stagedPath, type Sources } from "./stage.ts";

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
      await removeProject(dir);
    })());
  try {
    await prepareProject(dir, results, restricted, from);
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
    child = framework(dir, ["preview", "--port", String(port), "--no-open"]);
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
