// The demo province loads as planted: its messy files, its bad rows, its duplicate delivery.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { generateDemo } from "../../data/generator/demo.ts";
import { setQuiet } from "../../pipelines/lib/log.ts";
import { run } from "../../pipelines/run.ts";
import { csvRows, query, tmpDir } from "../helpers.ts";

setQuiet(true);

describe("demo province", () => {
  let input: string;
  let out: string;
  let db: string;
  let truth: { bad_rows: { file: string; reason: string }[]; duplicate_file: { original: string; copy: string }; gbk_file: string };
  beforeAll(async () => {
    input = await tmpDir();
    out = await tmpDir();
    await generateDemo({ out: input, scale: 0.5, seed: 11 });
    truth = JSON.parse(await readFile(path.join(input, "_truth.json"), "utf8"));
    db = (await run({ input, out })).dbFile;
  }, 60_000);

  it("is the same province for the same seed", async () => {
    const again = await tmpDir();
    await generateDemo({ out: again, scale: 0.5, seed: 11 });
    for (const f of ["projects.csv", "attendance_2024.csv", truth.gbk_file]) {
      expect(await readFile(path.join(again, f))).toEqual(await readFile(path.join(input, f)));
    }
  });

  it("rejects exactly the planted bad rows", async () => {
    const [header, ...rows] = csvRows(await readFile(path.join(out, "rejects.csv"), "utf8"));
    expect(header).toEqual(["file", "line", "column", "reason", "value"]);
    const reasons = rows.map((r) => r[3]).sort();
    expect(reasons).toEqual(truth.bad_rows.map((b) => b.reason).sort());
  });

  it("loads every kind, the GB18030 file and the workbook, and counts the twice-sent file once", async () => {
    const m = JSON.parse(await readFile(path.join(out, "manifest.json"), "utf8"));
    for (const kind of ["institutions", "counties", "instrument", "projects", "trainees", "attendance", "evaluations", "assessments", "submissions", "followups", "expert_reviews", "hours"]) {
      expect(m.tables[kind], kind).toBeGreaterThan(0);
    }
    const byPath = Object.fromEntries(m.files.map((f: { path: string }) => [f.path, f]));
    expect(byPath[truth.gbk_file]).toMatchObject({ encoding: "gb18030", status: "loaded", rows_rejected: 0 });
    expect(byPath["expert_reviews.xlsx"]).toMatchObject({ encoding: "xlsx", status: "loaded", rows_rejected: 0 });
    expect(byPath["projects.csv"]).toMatchObject({ encoding: "utf-8-bom" });
    expect(byPath[truth.duplicate_file.copy]).toMatchObject({ status: "duplicate", duplicate_of: truth.duplicate_file.original });
    const [gbk] = await query<{ n: bigint }>(db, `SELECT count(*) AS n FROM trainees WHERE _file = '${truth.gbk_file}' AND title LIKE '%教师%'`);
    expect(Number(gbk!.n)).toBeGreaterThan(0);
  });

  it("keeps hostile comment text as data, exactly as written", async () => {
    const rows = await query<{ comment: string }>(db, `SELECT comment FROM evaluations WHERE comment LIKE '%onerror%'`);
    expect(rows).toEqual([{ comment: '<img src=x onerror="alert(1)">很好' }]);
  });
});
