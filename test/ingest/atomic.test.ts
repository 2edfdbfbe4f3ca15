// A run either completes or leaves the previous warehouse and outputs exactly as they were.
import { spawn } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { generateDemo } from "../../data/generator/demo.ts";
import { BIN, ROOT, query, runCli, tmpDir } from "../helpers.ts";

const counts = (db: string) =>
  query<{ t: string; n: bigint }>(
    db,
    `SELECT 'projects' AS t, count(*) AS n FROM projects UNION ALL SELECT 'attendance', count(*) FROM attendance UNION ALL SELECT 'evaluations', count(*) FROM evaluations ORDER BY t`,
  );

describe("atomic runs", () => {
  it("a run killed mid-way leaves the previous database intact, and the next run cleans up", async () => {
    const input = await tmpDir();
    const out = await tmpDir();
    await generateDemo({ out: input, scale: 1, seed: 7 });
    const first = await runCli(["run", "--input", input, "--out", out]);
    expect(first.code).toBe(0);
    const db = path.join(out, "guopei.duckdb");
    const before = await counts(db);
    const manifestBefore = await readFile(path.join(out, "manifest.json"), "utf8");

    // Second run on a bigger folder, killed hard once its new database is being built.
    await generateDemo({ out: input, scale: 2, seed: 8 });
    const child = spawn(process.execPath, [BIN, "run", "--input", input, "--out", out], { cwd: ROOT, env: { ...process.env, CI: "true" } });
    let sawBuild = false;
    for (let i = 0; i < 300 && !sawBuild; i++) {
      await new Promise((r) => setTimeout(r, 50));
      sawBuild = (await readdir(out)).some((f) => f.includes(".building-"));
    }
    expect(sawBuild).toBe(true);
    await new Promise((r) => setTimeout(r, 400));
    child.kill("SIGKILL");
    await new Promise((r) => child.on("close", r));

    expect(await counts(db)).toEqual(before);
    expect(await readFile(path.join(out, "manifest.json"), "utf8")).toBe(manifestBefore);

    const again = await runCli(["run", "--input", input, "--out", out]);
    expect(again.code).toBe(0);
    expect((await readdir(out)).filter((f) => f.includes(".building-") || f.startsWith(".staging-"))).toEqual([]);
    const after = await counts(db);
    expect(Number(after.find((r) => r.t === "projects")!.n)).toBeGreaterThan(Number(before.find((r) => r.t === "projects")!.n));
  }, 120_000);
});
