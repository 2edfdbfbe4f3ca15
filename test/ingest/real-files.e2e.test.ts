// Real files as provinces send them: line breaks in quoted cells, blank lines, GB18030 with a BOM,
// files half in one encoding, repeated headers, NaN and impossible years, stray NUL bytes, Excel
// serial dates. Each is read right, or refused with the line and the reason — never garbled.
import { readFile } from "node:fs/promises";
import path from "node:path";
import iconv from "iconv-lite";
import { beforeAll, describe, expect, it } from "vitest";
import { csvRows, query, runCli, tmpDir, writeFiles } from "../helpers.ts";

const H = "response_id,project_id,submitted_at,duration_seconds,q01,q02,comment";
type FileEntry = { path: string; status: string; encoding: string | null; message: string | null; rows_read: number; rows_loaded: number; rows_rejected: number; excel_dates_converted: number };

describe("real files", () => {
  let files: Record<string, FileEntry>;
  let rejects: string[][];
  let db: string;
  beforeAll(async () => {
    const input = await tmpDir();
    await writeFiles(input, {
      // A leading blank line (CR LF) must not get the projects refused (and reference checks lost).
      "projects.csv": "\r\nproject_id,year,name,program,institution_id,start_date,end_date,enrolled\r\nP1,2024,\"乡村骨干\n（第二期）\",provincial,I1,2024-03-01,2024-03-20,30\r\n",
      "evaluations_quoted.csv": `${H}\nR1,P1,2024-03-21 10:00,300,5,4,"第一行\n第二行"\nR2,P1,2024-03-21 10:00,300,9,4,ok\n`,
      "evaluations_blank.csv": `${H}\nR3,P1,2024-03-21 10:00,300,5,4,a\n\n\nR4,P1,2024-03-21 10:00,300,9,4,bad\n`,
      "evaluations_mixed.csv": Buffer.concat([Buffer.from(`${H}\nR5,P1,2024-03-21 10:00,300,5,4,中文好\n`), iconv.encode("R6,P1,2024-03-21 10:00,300,5,4,中文不好\n", "gb18030")]),
      "evaluations_bomgbk.csv": Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), iconv.encode("问卷编号,项目编号,q01,q02,意见建议\nR7,P1,5,4,很好，收获很大\n", "gb18030")]),
      "evaluations_dup.csv": "response_id,project_id,q01,Q01\nR8,P1,5,4\n",
      "evaluations_nan.csv": "response_id,project_id,duration_seconds,q01,submitted_at\nR9,P1,NaN,5,\nR10,P1,inf,5,\nR11,P1,1e308,5,\nR12,P1,120,5,0000-01-01 10:00\nR13,P1,120,5,9999-12-31 10:00\n",
      "evaluations_nul.csv": `${H}\nR14,P1,2024-03-21 10:00,300,5,4,${"长".repeat(30000)}\u0000\n`,
      "expert_reviews.csv": "project_id,reviewer_id,review_date,design\nP1,E1,45372,80\nP1,E2,45372.5,80\n",
    });
    const out = path.join(await tmpDir(), "results");
    const r = await runCli(["run", "--input", input, "--out", out]);
    expect(r.code).toBe(2);
    const manifest = JSON.parse(await readFile(path.join(out, "manifest.json"), "utf8")) as { files: FileEntry[]; skipped_checks: string[] };
    files = Object.fromEntries(manifest.files.map((f) => [f.path, f]));
    rejects = csvRows(await readFile(path.join(out, "rejects.csv"), "utf8")).slice(1);
    db = path.join(out, "guopei.duckdb");
  }, 60_000);

  const rejected = (file: string) => rejects.filter((r) => r[0] === file).map((r) => [r[1], r[2], r[3], r[4]]);

  it("keeps line breaks inside quoted cells, in any column, and counts a record as one spreadsheet row", async () => {
    expect(files["projects.csv"]!.status).toBe("loaded");
    const [p] = await query<{ name: string }>(db, `SELECT name FROM projects`);
    expect(p!.name).toBe("乡村骨干\n（第二期）");
    const [e] = await query<{ comment: string }>(db, `SELECT comment FROM evaluations WHERE response_id = 'R1'`);
    expect(e!.comment).toBe("第一行\n第二行");
    expect(rejected("evaluations_quoted.csv")).toEqual([["3", "q01", "likert_out_of_scale", "9"]]);
  });

  it("numbers rows as a spreadsheet shows them after blank lines, and counts the blank lines in rows read", () => {
    expect(rejected("evaluations_blank.csv")).toEqual([
      ["3", "", "empty_row", ""],
      ["4", "", "empty_row", ""],
      ["5", "q01", "likert_out_of_scale", "9"],
    ]);
    const f = files["evaluations_blank.csv"]!;
    expect([f.rows_read, f.rows_loaded, f.rows_rejected]).toEqual([4, 1, 3]);
  });

  it("refuses a file half UTF-8 and half GB18030, naming the lines", () => {
    expect(files["evaluations_mixed.csv"]!.status).toBe("refused");
    expect(files["evaluations_mixed.csv"]!.message).toBe("mixed encodings: line 2 is UTF-8 but line 3 is GB18030 — save the file in one encoding and deliver it again");
  });

  it("reads GB18030 behind a UTF-8 BOM", async () => {
    expect(files["evaluations_bomgbk.csv"]!.status).toBe("loaded");
    expect(files["evaluations_bomgbk.csv"]!.encoding).toBe("gb18030");
    const [e] = await query<{ comment: string }>(db, `SELECT comment FROM evaluations WHERE response_id = 'R7'`);
    expect(e!.comment).toBe("很好，收获很大");
  });

  it("refuses a repeated header", () => {
    expect(files["evaluations_dup.csv"]!.status).toBe("refused");
    expect(files["evaluations_dup.csv"]!.message).toMatch(/repeats the column "Q01"/);
  });

  it("rejects non-finite numbers, absurd durations and impossible years", () => {
    expect(rejected("evaluations_nan.csv")).toEqual([
      ["2", "duration_seconds", "not_a_number", "NaN"],
      ["3", "duration_seconds", "not_a_number", "inf"],
      ["4", "duration_seconds", "out_of_range", "1e308"],
      ["5", "submitted_at", "bad_datetime", "0000-01-01 10:00"],
      ["6", "submitted_at", "bad_datetime", "9999-12-31 10:00"],
    ]);
  });

  it("refuses a NUL byte beyond the first 64 KB, with its line", () => {
    expect(files["evaluations_nul.csv"]!.status).toBe("refused");
    expect(files["evaluations_nul.csv"]!.message).toMatch(/a NUL byte on line 2/);
  });

  it("converts Excel serial dates and counts them", async () => {
    expect(files["expert_reviews.csv"]!.excel_dates_converted).toBe(2);
    const dates = await query<{ d: string }>(db, `SELECT strftime(review_date, '%Y-%m-%d') AS d FROM expert_reviews ORDER BY reviewer_id`);
    expect(dates.map((d) => d.d)).toEqual(["2024-03-21", "2024-03-21"]);
  });
});
