// The rejects table in the warehouse is written in a fixed order, whatever order the files finish
// typing in: each file's rejected cells in file order (a large file is typed first, on its own, the
// small ones side by side after it), then the rows the checks across files reject. Identical inputs
// give the same table, row ids included (what a rerun's fingerprint of it relies on).
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { expect, it } from "vitest";
import { setQuiet } from "../../pipelines/lib/log.ts";
import { run } from "../../pipelines/run.ts";
import { query, tmpDir } from "../helpers.ts";

setQuiet(true);

const HEAD = "project_id,teacher_id,session_id,session_date,session_type,planned_minutes,sign_in,sign_out,status";
const row = (t: number, minutes = "180") => `P1,T${t},S1,2024-03-01,online,${minutes},2024-03-01 08:00:00,2024-03-01 11:00:00,present`;

it("holds each file's rejected cells in file order, a large file's among them, then the repeated rows", async () => {
  const input = await tmpDir();
  // b is over the large-file size (32 MB): typed before a and c, which come before and after it.
  const big = Array.from({ length: 450_000 }, (_, i) => row(1000 + i, i === 9 || i === 299_999 ? "abc" : "180"));
  expect(big.join("\n").length).toBeGreaterThan(32 << 20);
  await writeFile(path.join(input, "attendance_a.csv"), `${HEAD}\n${row(1)}\n${row(2, "abc")}\n`);
  await writeFile(path.join(input, "attendance_b.csv"), `${HEAD}\n${big.join("\n")}\n`);
  await writeFile(path.join(input, "attendance_c.csv"), `${HEAD}\n${row(3, "abc")}\n${row(1)}\n`);
  const { dbFile } = await run({ input, out: await tmpDir() });
  const rows = await query<{ file: string; line: bigint; reason: string }>(dbFile, `SELECT file, line, reason FROM rejects ORDER BY rowid`);
  expect(rows.map((r) => [r.file, Number(r.line), r.reason])).toEqual([
    ["attendance_a.csv", 3, "not_a_number"],
    ["attendance_b.csv", 11, "not_a_number"],
    ["attendance_b.csv", 300_001, "not_a_number"],
    ["attendance_c.csv", 2, "not_a_number"],
    ["attendance_c.csv", 3, "duplicate_row"],
  ]);
}, 120_000);
