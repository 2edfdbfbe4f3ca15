// Researchers' extracts: k-anonymous on every combination of quasi-identifiers, unlinkable
// pseudonyms, no teacher id, no comment text.
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { generateDemo } from "../../data/generator/demo.ts";
import { extract, type ExtractReport } from "../../pipelines/extract/extract.ts";
import { openDb } from "../../pipelines/lib/db.ts";
import { setQuiet } from "../../pipelines/lib/log.ts";
import { terms } from "../../pipelines/lib/terms.ts";
import { run } from "../../pipelines/run.ts";
import { query, runCli, tmpDir } from "../helpers.ts";

setQuiet(true);

async function rows<T>(sql: string): Promise<T[]> {
  const db = await openDb(":memory:");
  try {
    return await db.all<T>(sql);
  } finally {
    db.close();
  }
}

describe("guopei extract", () => {
  let results: string;
  let a: string;
  let b: string;
  let report: ExtractReport;
  beforeAll(async () => {
    const input = await tmpDir();
    results = await tmpDir();
    await generateDemo({ out: input, scale: 0.5, seed: 21 });
    await run({ input, out: results });
    a = path.join(await tmpDir(), "a");
    b = path.join(await tmpDir(), "b");
    report = await extract({ results, out: a });
    const cli = await runCli(["extract", "--results", results, "--out", b]);
    expect(cli.code).toBe(0);
  }, 180_000);

  it("writes Parquet, CSV with BOM, a data dictionary and a report", async () => {
    expect((await readdir(a)).sort()).toEqual([".guopei-output", "DATA_DICTIONARY.md", "evaluations.csv", "evaluations.parquet", "report.json", "trainees.csv", "trainees.parquet"]);
    expect((await readFile(path.join(a, "trainees.csv"))).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(await readFile(path.join(a, "DATA_DICTIONARY.md"), "utf8")).toMatch(/k = 5/);
    expect(report.trainee_rows).toBeGreaterThan(1000);
  });

  it.each(["trainees.parquet", "trainees.csv"])("has no combination of all its published quasi-identifiers below k people (%s)", async (file) => {
    const reader = file.endsWith(".csv") ? `read_csv('${path.join(a, file)}', all_varchar = true)` : `read_parquet('${path.join(a, file)}')`;
    // Every column but the pseudonym and the outcomes is something an attacker may know.
    const outcomes = ["person", "attendance_rate", "assignments_required", "assignments_done", "final_result", "followup_items_mean", "observation_score"];
    const columns = (await rows<{ column_name: string }>(`DESCRIBE SELECT * FROM ${reader}`)).map((c) => c.column_name).filter((c) => !outcomes.includes(c));
    expect(columns).toEqual(expect.arrayContaining(["county_code", "stage", "subject", "title", "rural", "years_teaching_band", "year", "program", "mode", "institution_id"]));
    expect(columns).not.toContain("project_id");
    const small = await rows<{ n: bigint }>(
      `SELECT count(*) AS n FROM (SELECT ${columns.join(", ")}, count(DISTINCT person) AS people FROM ${reader} GROUP BY ALL) WHERE people < ${report.k}`,
    );
    expect(Number(small[0]!.n)).toBe(0);
    const [{ n }] = (await rows<{ n: bigint }>(`SELECT count(*) AS n FROM ${reader}`)) as [{ n: bigint }];
    expect(Number(n)).toBe(report.trainee_rows - report.suppressed_rows);
  });

  it("re-keys pseudonyms per extract and carries no teacher id or comment text", async () => {
    const ids = new Set((await query<{ teacher_id: string }>(path.join(results, "guopei.duckdb"), `SELECT DISTINCT teacher_id FROM trainees`)).map((r) => r.teacher_id));
    const text = await readFile(path.join(a, "trainees.csv"), "utf8");
    expect(text.match(/T\d{9}/g)?.filter((m) => ids.has(m)) ?? []).toEqual([]);
    const pa = await rows<{ person: string }>(`SELECT DISTINCT person FROM read_parquet('${path.join(a, "trainees.parquet")}')`);
    const pb = new Set((await rows<{ person: string }>(`SELECT DISTINCT person FROM read_parquet('${path.join(b, "trainees.parquet")}')`)).map((r) => r.person));
    expect(pa.filter((p) => pb.has(p.person))).toEqual([]);
    const evals = await readFile(path.join(a, "evaluations.csv"), "utf8");
    expect(evals).not.toContain("<img src=x onerror");
    expect(evals).not.toContain("专家讲得很好，收获很大");
    expect(evals).toContain("comment_terms");
  });

  it("gives each response the words of its own scrubbed comment", async () => {
    // Per list of words, as many responses in the extract as scrubbed comments with those words
    // among the responses it keeps (every response of a project with enough responses).
    const wh = path.join(results, "guopei.duckdb");
    const min = (JSON.parse(await readFile(path.join(results, "manifest.json"), "utf8")) as { policy: { min_group_public: number } }).policy.min_group_public;
    expect(min).toBeGreaterThan(1);
    const kept = await query<{ comment: string }>(
      wh,
      `SELECT c.comment FROM comments_public c JOIN evaluations e USING (response_id)
       WHERE e.project_id IN (SELECT project_id FROM evaluations GROUP BY ALL HAVING count(*) >= ${min})`,
    );
    const want = new Map<string, number>();
    for (const c of kept) want.set(terms(c.comment).join(" "), (want.get(terms(c.comment).join(" ")) ?? 0) + 1);
    const got = await rows<{ t: string; n: bigint }>(`SELECT comment_terms AS t, count(*) AS n FROM read_parquet('${path.join(a, "evaluations.parquet")}') WHERE comment_terms IS NOT NULL GROUP BY ALL`);
    expect(got.length).toBeGreaterThan(3);
    expect(new Map(got.map((g) => [g.t, Number(g.n)]))).toEqual(want);
  });
});
