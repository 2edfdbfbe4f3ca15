// Nothing of the user's is deleted or overwritten: folders the tool did not make are refused,
// outputs never sit inside inputs, an empty input keeps the previous results, one writer at a time.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { MINI, runCli, tmpDir, writeFiles } from "../helpers.ts";

const sha = async (f: string) => createHash("sha256").update(await readFile(f)).digest("hex");

async function userFolder(): Promise<{ dir: string; thesis: string; hash: string }> {
  const dir = await tmpDir("guopei-user-");
  const thesis = path.join(dir, "thesis.docx");
  await writeFile(thesis, "my thesis, three years of work");
  return { dir, thesis, hash: await sha(thesis) };
}

describe("folders the tool did not make", () => {
  let input: string;
  let results: string;
  beforeAll(async () => {
    input = await tmpDir();
    await writeFiles(input, MINI);
    results = path.join(await tmpDir(), "results");
    expect((await runCli(["run", "--input", input, "--out", results])).code).toBe(0);
  });

  it.each([
    ["run --out", (d: string) => ["run", "--input", input, "--out", d]],
    ["site --dist", (d: string) => ["site", "--results", results, "--dist", d]],
    ["extract --out", (d: string) => ["extract", "--results", results, "--out", d]],
    ["demo --out", (d: string) => ["demo", "--out", d, "--scale", "0.1"]],
    ["report --out", (d: string) => ["report", "--results", results, "--out", d]],
  ])("%s refuses a folder holding a user's file, and the file survives", async (_name, args) => {
    const user = await userFolder();
    const r = await runCli(args(user.dir));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("will not replace it");
    expect(await readdir(user.dir)).toEqual(["thesis.docx"]);
    expect(await sha(user.thesis)).toBe(user.hash);
  });

  it("refuses --dist equal to --results, and the results stay whole", async () => {
    const before = await readdir(results);
    const r = await runCli(["site", "--results", results, "--dist", results]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--dist .* lies inside --results/);
    expect(await readdir(results)).toEqual(before);
  });

  it("refuses an output inside the input folder, or an input inside the output", async () => {
    const inside = await runCli(["run", "--input", input, "--out", path.join(input, "结果")]);
    expect(inside.code).toBe(1);
    expect(inside.stderr).toContain("lies inside --input");
    expect(existsSync(path.join(input, "结果"))).toBe(false);
    const same = await runCli(["run", "--input", input, "--out", input]);
    expect(same.code).toBe(1);
    const around = await runCli(["run", "--input", input, "--out", path.dirname(input)]);
    expect(around.code).toBe(1);
    expect(around.stderr).toContain("contains --input");
  });

  it("--db refuses an existing file that is not a guopei warehouse", async () => {
    const user = await userFolder();
    const csv = path.join(user.dir, "名单.csv");
    await writeFile(csv, "姓名,电话\n张三,13812345678\n");
    const hash = await sha(csv);
    const r = await runCli(["run", "--input", input, "--out", path.join(user.dir, "out"), "--db", csv]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("is not a guopei warehouse");
    expect(await sha(csv)).toBe(hash);
    // A warehouse guopei built may be rebuilt in place.
    const db = path.join(user.dir, "wh.duckdb");
    expect((await runCli(["run", "--input", input, "--out", path.join(user.dir, "out"), "--db", db])).code).toBe(0);
    expect((await runCli(["run", "--input", input, "--out", path.join(user.dir, "out"), "--db", db])).code).toBe(0);
  });

  it("a run that loads no rows exits 4 and keeps the previous results byte for byte", async () => {
    const out = path.join(await tmpDir(), "results");
    expect((await runCli(["run", "--input", input, "--out", out])).code).toBe(0);
    const hashes = async () => Object.fromEntries(await Promise.all((await readdir(out)).sort().map(async (f) => [f, await sha(path.join(out, f))])));
    const before = await hashes();
    const headerOnly = await tmpDir();
    await writeFile(path.join(headerOnly, "evaluations_1.csv"), "response_id,project_id,q01\n");
    const r = await runCli(["run", "--input", headerOnly, "--out", out]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("no row was loaded");
    expect(await hashes()).toEqual(before);
    // A folder without a single file is a wrong path, most likely: an error (1), not "0 rows".
    const empty = await tmpDir();
    const e = await runCli(["run", "--input", empty, "--out", out]);
    expect(e.code).toBe(1);
    expect(e.stderr).toContain("holds no files");
    expect(await hashes()).toEqual(before);
  });

  it("keeps a second process off the same output folder; a dead holder's lock is taken over", async () => {
    const parent = await tmpDir();
    const out = path.join(parent, "results");
    const lock = path.join(parent, ".results.lock");
    await writeFile(lock, String(process.pid)); // this test process: alive
    const busy = await runCli(["run", "--input", input, "--out", out]);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain(`another guopei process (pid ${process.pid}) is writing`);
    expect(existsSync(out)).toBe(false);
    await writeFile(lock, "999999999"); // no such process
    expect((await runCli(["run", "--input", input, "--out", out])).code).toBe(0);
    expect(existsSync(lock)).toBe(false);
  });

  it("rebuilds its own folders, including ones written before the marker existed", async () => {
    const parent = await tmpDir();
    const out = path.join(parent, "old-results");
    await mkdir(out);
    await writeFile(path.join(out, "manifest.json"), "{}");
    await writeFile(path.join(out, "project_tiers.csv"), "year\n");
    expect((await runCli(["run", "--input", input, "--out", out])).code).toBe(0);
    expect(await readdir(out)).toContain(".guopei-output");
    expect((await readdir(parent)).filter((f) => f.startsWith("."))).toEqual([]);
  });
});
