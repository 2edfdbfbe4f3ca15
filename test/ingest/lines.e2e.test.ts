// Line numbers must be the spreadsheet's even when DuckDB reads a large file on several threads.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { setQuiet } from "../../pipelines/lib/log.ts";
import { run } from "../../pipelines/run.ts";
import { csvRows, tmpDir } from "../helpers.ts";
import { readFile } from "node:fs/promises";

setQuiet(true);

describe("line numbers in a large file", () => {
  it("reports the right line for bad rows scattered through 300,000 rows", async () => {
    const input = await tmpDir();
    const out = await tmpDir();
    const n = 300_000;
    const badAt = new Set([7, 12_345, 150_001, 299_999]);
    const lines = ["response_id,project_id,q01,q02,comment"];
    for (let i = 1; i <= n; i++) {
      // Some comments span lines: a spreadsheet still shows one row per record.
      const comment = i % 1000 === 0 ? '"第一行\n第二行"' : "";
      lines.push(`R${i},P1,${badAt.has(i) ? 9 : (i % 5) + 1},3,${comment}`);
    }
    await writeFile(path.join(input, "evaluations.csv"), `${lines.join("\n")}\n`);
    await writeFile(path.join(input, "projects.csv"), "project_id,year,institution_id\nP1,2024,I1\n");
    await run({ input, out });
    const [, ...rows] = csvRows(await readFile(path.join(out, "rejects.csv"), "utf8"));
    expect(rows.map((r) => [r[1], r[3], r[4]])).toEqual([...badAt].map((i) => [String(i + 1), "likert_out_of_scale", "9"]));
  }, 60_000);
});
