// Real data nobody here wrote (shared/real-data): a user with evaluations only, renaming the
// export's headers to the contract as the README shows.
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { setQuiet } from "../pipelines/lib/log.ts";
import { run } from "../pipelines/run.ts";
import { ROOT, csvRows, tmpDir } from "./helpers.ts";

setQuiet(true);
const TURKIYE = path.resolve(ROOT, "..", "shared", "real-data", "turkiye", "turkiye-student-evaluation_generic.csv");
const INSTEVAL = path.resolve(ROOT, "..", "shared", "real-data", "insteval", "InstEval.csv");
// These data sets sit beside the repository on the developers' machines, not in it: say so loudly when absent.
for (const f of [TURKIYE, INSTEVAL]) if (!existsSync(f)) console.warn(`\n*** SKIPPED: real-data test, ${f} is not on this machine ***\n`);

describe.runIf(existsSync(TURKIYE))("Turkiye course evaluations (5,820 real responses, evaluations only)", () => {
  it("loads every response, flags the straight-liners, and reports reliability with the inflation warning", async () => {
    const [header, ...rows] = csvRows(await readFile(TURKIYE, "utf8")).filter((r) => r.length > 1);
    expect(header!.slice(0, 6)).toEqual(["instr", "class", "nb.repeat", "attendance", "difficulty", "Q1"]);
    const lines = [["response_id", "project_id", "instructor", "difficulty", ...header!.slice(5).map((q) => `q${q.slice(1).padStart(2, "0")}`)].join(",")];
    rows.forEach((r, i) => lines.push([`R${i + 1}`, `C${r[1]}-I${r[0]}`, r[0], r[4], ...r.slice(5)].join(",")));
    const input = await tmpDir();
    const out = await tmpDir();
    await writeFile(path.join(input, "evaluations_turkiye.csv"), `${lines.join("\n")}\n`);
    const result = await run({ input, out });
    expect(result.exitCode).toBe(0);
    const manifest = JSON.parse(await readFile(path.join(out, "manifest.json"), "utf8"));
    expect(manifest.files[0]).toMatchObject({ rows_read: 5820, rows_loaded: 5820, rows_rejected: 0 });
    expect(manifest.skipped_checks).toEqual(["evaluations.project_id → projects: no projects file supplied, reference not checked"]);
    const [, ...flags] = csvRows(await readFile(path.join(out, "integrity_flags.csv"), "utf8"));
    const straight = flags.filter((f) => f[3] === "straight_line").reduce((a, f) => a + Number(f[4]), 0);
    // "About half the responses give the same answer to all 28 items."
    expect(straight / 5820).toBeGreaterThan(0.4);
    expect(straight / 5820).toBeLessThan(0.6);
    const [relHeader, ...rel] = csvRows(await readFile(path.join(out, "reliability.csv"), "utf8"));
    const r = Object.fromEntries(relHeader!.map((h, i) => [h, rel[0]![i]]));
    expect(Number(r.alpha)).toBeGreaterThan(0.9);
    expect(Number(r.alpha_with_suspicious)).toBeGreaterThan(Number(r.alpha));
    expect(r.warning).toMatch(/straight-lining inflates alpha/);
    const [, ...tiers] = csvRows(await readFile(path.join(out, "project_tiers.csv"), "utf8"));
    expect(tiers.length).toBeGreaterThan(10);
  });
});

describe.runIf(existsSync(INSTEVAL))("InstEval lecture ratings (73,421 real ratings of 1,128 lecturers as projects)", () => {
  it("orders projects by a shrunk estimate: lecturers with 15 ratings or fewer no longer top the list on luck", async () => {
    const [, ...rows] = csvRows(await readFile(INSTEVAL, "utf8")).filter((r) => r.length > 1);
    // s, d, studage, lectage, service, dept, y: a lecturer (d) is a project, a rating (y) a one-item response.
    const lines = ["response_id,project_id,q01", ...rows.map((r, i) => `R${i + 1},D${r[1]},${r[6]}`)];
    const input = await tmpDir();
    const out = path.join(await tmpDir(), "results");
    await writeFile(path.join(input, "evaluations_insteval.csv"), `${lines.join("\n")}\n`);
    expect((await run({ input, out })).exitCode).toBe(0);
    const [header, ...tiers] = csvRows(await readFile(path.join(out, "project_tiers.csv"), "utf8"));
    const col = (name: string) => header!.indexOf(name);
    const lecturers = tiers.map((t) => ({ n: Number(t[col("n_responses")]), raw: Number(t[col("eval_raw")]), shrunk: Number(t[col("shrunk_score")]) }));
    expect(lecturers.length).toBe(1128);
    const top = (key: "raw" | "shrunk") => [...lecturers].sort((a, b) => b[key] - a[key]).slice(0, 20);
    const fewInRaw = top("raw").filter((l) => l.n <= 15).length;
    const fewInShrunk = top("shrunk").filter((l) => l.n <= 15).length;
    console.log(`InstEval top 20: ${fewInRaw} lecturers with ≤ 15 ratings by raw mean, ${fewInShrunk} by the shrunk estimate`);
    // Raw means put 4 such lecturers in the top 20; the shrunk estimate (moderated SDs, ν₀ = 10)
    // at most one, whose 13 ratings average 86.5 (a fully pooled SD would put none).
    expect(fewInRaw).toBeGreaterThanOrEqual(3);
    expect(fewInShrunk).toBeLessThanOrEqual(1);
  }, 120_000);
});
