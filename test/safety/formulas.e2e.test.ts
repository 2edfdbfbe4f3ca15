// Formula injection: ids, names, comments and the policy version chosen by an attacker reach
// every CSV the project writes (results, rejects, extracts) only defused.
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { csvRows, MINI, runCli, tmpDir, writeFiles } from "../helpers.ts";

const LIVE = /^[=+\-@\t\r]/;
const NUMBER = /^-?\d+(\.\d+)?(e-?\d+)?$/i;

async function csvFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith(".csv")).map((e) => path.join(e.parentPath, e.name));
}

describe("formula injection", () => {
  it("no CSV the pipeline writes holds a live formula, though every id and text is hostile", async () => {
    const input = await tmpDir();
    const hostile = (s: string) =>
      s.replaceAll("I1", "=cmd|I1").replaceAll("P1", "+P1cmd").replaceAll("410101", "@410101").replaceAll("很好", "=1+1 很好").replaceAll("T1", "-T1|calc");
    await writeFiles(input, Object.fromEntries(Object.entries(MINI).map(([f, t]) => [f, hostile(t)])));
    // A bad row whose raw value is a formula lands in rejects.csv.
    await writeFile(path.join(input, "evaluations_bad.csv"), "response_id,project_id,q01,q02\n=cmd|' /C calc'!A0,+P1cmd,9,=2+2\n");
    // (Outside the input folder, which must hold only inputs; in a folder of the test's own.)
    const policy = path.join(await tmpDir(), "policy.json");
    await writeFile(policy, JSON.stringify({ version: "=WEBSERVICE(\"http://x\")" }));
    const out = path.join(await tmpDir(), "results");
    const r = await runCli(["run", "--input", input, "--out", out, "--policy", policy]);
    expect(r.code, r.stderr).toBe(0);
    const ex = path.join(await tmpDir(), "extract");
    expect((await runCli(["extract", "--results", out, "--out", ex])).code).toBe(0);

    const files = [...(await csvFiles(out)), ...(await csvFiles(ex))];
    expect(files.length).toBeGreaterThanOrEqual(14);
    let defused = 0;
    for (const f of files) {
      for (const row of csvRows(await readFile(f, "utf8"))) {
        for (const cell of row) {
          expect(LIVE.test(cell) && !NUMBER.test(cell), `${path.basename(f)}: ${cell}`).toBe(false);
          if (/^'[=+\-@]/.test(cell)) defused++;
        }
      }
    }
    // The hostile values did reach the outputs (defused), so the scan saw them.
    expect(defused).toBeGreaterThanOrEqual(4);
    const tiers = await readFile(path.join(out, "project_tiers.csv"), "utf8");
    expect(tiers).toContain("'+P1cmd");
    expect(tiers).toContain("'=cmd|I1");
    expect(tiers).toContain("'@410101");
    expect(await readFile(path.join(out, "rejects.csv"), "utf8")).toContain("'=2+2");
  });
});
