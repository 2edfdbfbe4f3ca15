// kill -9 anywhere in a run or a site build, the commit included: once the next command has
// recovered the folder, it holds the complete old or the complete new version, never a mix.
// Identical inputs give identical outputs, so versions are compared by hashes of every file.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cp, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { generateDemo } from "../../data/generator/demo.ts";
import { recoverDir } from "../../pipelines/lib/outdir.ts";
import { BIN, ROOT, query, runCli, tmpDir } from "../helpers.ts";

/** Hash of a folder: every file's bytes, except what legitimately differs between identical runs. */
async function fingerprint(dir: string): Promise<string> {
  const h = createHash("sha256");
  const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  for (const rel of files.map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort()) {
    if (rel === "guopei.duckdb") {
      // A DuckDB file is not byte-stable; its content is what counts.
      h.update(JSON.stringify(await query(path.join(dir, rel), `SELECT (SELECT count(*) FROM evaluations)::INT AS e, (SELECT count(*) FROM project_scores)::INT AS p`)));
      continue;
    }
    let bytes: Buffer | string = await readFile(path.join(dir, rel));
    if (rel === "manifest.json") {
      const m = JSON.parse(bytes.toString("utf8"));
      // (How a file was typed, `typed_read`, says whether it was copied from the previous warehouse.)
      bytes = JSON.stringify([m.files.map(({ typed_read: _, text_columns: __, ...f }: { typed_read?: string; text_columns?: string[] }) => f), m.outputs, m.rejects_by_reason, m.policy]);
    }
    h.update(rel).update(bytes);
  }
  return h.digest("hex");
}

function cli(args: string[], env: Record<string, string> = {}) {
  return spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, CI: "true", ...env } });
}

const exit = (child: ReturnType<typeof cli>) => new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on("close", (code, signal) => r({ code, signal })));

describe("kill -9 at any point", () => {
  let inputOld: string;
  let inputNew: string;
  let base: string;
  const v: Record<string, string> = {};
  let oldResults: string;
  let newResults: string;
  let oldSite: string;
  let runMs = 0;

  beforeAll(async () => {
    base = await tmpDir();
    inputOld = path.join(base, "in-old");
    inputNew = path.join(base, "in-new");
    await generateDemo({ out: inputOld, scale: 0.3, seed: 11 });
    await generateDemo({ out: inputNew, scale: 0.3, seed: 12 });
    oldResults = path.join(base, "old");
    newResults = path.join(base, "new");
    expect((await runCli(["run", "--input", inputOld, "--out", oldResults])).code).toBe(0);
    const t0 = performance.now();
    expect((await runCli(["run", "--input", inputNew, "--out", newResults])).code).toBe(0);
    runMs = performance.now() - t0;
    // Identical inputs, identical outputs: a second clean run has the same fingerprint.
    const again = path.join(base, "new-again");
    expect((await runCli(["run", "--input", inputNew, "--out", again])).code).toBe(0);
    v.old = await fingerprint(oldResults);
    v.new = await fingerprint(newResults);
    expect(await fingerprint(again)).toBe(v.new);
    expect(v.old).not.toBe(v.new);
    oldSite = path.join(base, "site-old");
    expect((await runCli(["site", "--results", oldResults, "--dist", oldSite])).code).toBe(0);
    const newSite = path.join(base, "site-new");
    expect((await runCli(["site", "--results", newResults, "--dist", newSite])).code).toBe(0);
    v.siteOld = await fingerprint(oldSite);
    v.siteNew = await fingerprint(newSite);
    const siteAgain = path.join(base, "site-new-again");
    expect((await runCli(["site", "--results", newResults, "--dist", siteAgain])).code).toBe(0);
    expect(await fingerprint(siteAgain)).toBe(v.siteNew);
  }, 300_000);

  let n = 0;
  /** A copy of the old results to attack; returns the folder. */
  async function victim(from: string): Promise<string> {
    const dir = path.join(base, `victim-${n++}`, "out");
    await cp(from, dir, { recursive: true, preserveTimestamps: true });
    return dir;
  }

  const runPoints = ["run:load", "run:publish_rejects", "run:analyse", "run:publish", "run:manifest", "commit:before", "commit:between", "commit:after"];
  it.each(runPoints)("a run killed at %s leaves the old or the new results", async (point) => {
    const out = await victim(oldResults);
    const r = await exit(cli(["run", "--input", inputNew, "--out", out], { GUOPEI_CRASH_AT: point }));
    expect(r.signal).toBe("SIGKILL");
    await recoverDir(out);
    const expected = point === "commit:after" ? v.new : v.old;
    expect(await fingerprint(out)).toBe(expected);
    // Nothing is left beside it, and the next run works.
    expect((await readdir(path.dirname(out))).filter((f) => f !== "out")).toEqual([]);
  });

  it("runs killed at 8 moments spread over a run each leave the old or the new results", async () => {
    const seen: string[] = [];
    for (let i = 1; i <= 8; i++) {
      const out = await victim(oldResults);
      const child = cli(["run", "--input", inputNew, "--out", out]);
      const done = exit(child);
      await new Promise((r) => setTimeout(r, (runMs * i) / 8));
      child.kill("SIGKILL");
      await done;
      await recoverDir(out);
      const f = await fingerprint(out);
      expect([v.old, v.new]).toContain(f);
      seen.push(f === v.old ? "old" : "new");
    }
    expect(seen).toContain("old");
  }, 180_000);

  const sitePoints = ["site:prepared", "site:built", "commit:before", "commit:between", "commit:after"];
  it.each(sitePoints)("a site build killed at %s leaves the old or the new site", async (point) => {
    const dist = await victim(oldSite);
    const r = await exit(cli(["site", "--results", newResults, "--dist", dist], { GUOPEI_CRASH_AT: point }));
    expect(r.signal).toBe("SIGKILL");
    await recoverDir(dist);
    expect(await fingerprint(dist)).toBe(point === "commit:after" ? v.siteNew : v.siteOld);
    expect((await readdir(path.dirname(dist))).filter((f) => f !== "out")).toEqual([]);
  });
});
