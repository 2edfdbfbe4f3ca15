// The first pass over a file on a worker thread (ScanPool) against the same pass on this thread; a
// file that cannot be read fails the load's first pass with its own message, as on this thread.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prepareInputs } from "../../pipelines/ingest/prepare.ts";
import { ScanPool, scan } from "../../pipelines/ingest/scan.ts";
import { tmpDir } from "../helpers.ts";

let dir: string;
const pool = new ScanPool(2);
beforeAll(async () => {
  dir = await tmpDir("guopei-scan-");
});
afterAll(() => pool.close());

/** About `mb` MB of attendance-like lines, with `extra` somewhere in the middle. */
const lines = (mb: number, extra: string) => {
  const line = "P202300001,T131800008,P202300001-S01,2023-04-06,online,180,2023-04-06 07:54:00,2023-04-06 10:45:00,present\n";
  const n = Math.ceil((mb << 20) / line.length);
  const half = line.repeat(n >> 1);
  return `project_id,teacher_id,session_id,session_date,session_type,planned_minutes,sign_in,sign_out,status\n${half}${extra}${half}`;
};

describe("the first pass on a worker thread", () => {
  it("finds what this thread finds: sha256, size, UTF-8, ASCII, blank lines and quoted line breaks", async () => {
    const files: [string, Buffer][] = [
      ["plain.csv", Buffer.from(lines(9, ""))],
      ["chinese-blank.csv", Buffer.from(lines(9, "P1,T1,S1,2023-04-06,线上,180,,,出勤\n\n"))],
      ["quoted.csv", Buffer.from(lines(9, 'P1,T1,S1,2023-04-06,online,180,,,"pre\nsent"\n'))],
      ["gbk.csv", iconv.encode(lines(9, "P1,T1,S1,2023-04-06,线上,180,,,出勤\n"), "gb18030")],
    ];
    for (const [name, bytes] of files) {
      const file = path.join(dir, name);
      await writeFile(file, bytes);
      const here = await scan(file);
      expect(await pool.scan(file, bytes.length)).toEqual(here);
      expect(here.bytes).toBe(bytes.length);
    }
    const facts = await Promise.all(files.map(([name, b]) => pool.scan(path.join(dir, name), b.length)));
    expect(facts.map((f) => [f.ascii, f.validUtf8, f.shape.blankLine, f.shape.quotedNewline])).toEqual([
      [true, true, false, false],
      [false, true, true, false],
      [true, true, false, true],
      [false, false, false, false],
    ]);
  });

  it("fails a scan it cannot make with the reason, and scans on after it", async () => {
    const folder = path.join(dir, "a-folder.csv");
    await mkdir(folder, { recursive: true });
    await expect(pool.scan(folder, 1 << 30)).rejects.toThrow(/EISDIR/);
    await expect(pool.scan(path.join(dir, "missing.csv"), 1 << 30)).rejects.toThrow(/ENOENT/);
    const file = path.join(dir, "after.csv");
    await writeFile(file, lines(9, ""));
    expect((await pool.scan(file, 9 << 20)).sha256).toBe((await scan(file)).sha256);
  });

  it("makes on this thread the scans of a worker that stopped, and the scans after them", async () => {
    const file = path.join(dir, "lost.csv");
    await writeFile(file, lines(9, "P1,T1,S1,2023-04-06,线上,180,,,出勤\n"));
    const lost = new ScanPool(1);
    try {
      const pending = lost.scan(file, 9 << 20);
      // (The worker ends before it answers, as one that crashed would.)
      await (lost as unknown as { workers: { worker: { terminate(): Promise<number> } }[] }).workers[0]!.worker.terminate();
      const here = await scan(file);
      expect(await pending).toEqual(here);
      expect(await lost.scan(file, 9 << 20)).toEqual(here);
      expect((lost as unknown as { workers: unknown[] }).workers).toEqual([]);
    } finally {
      await lost.close();
    }
  });

  it("gives a load's first pass of large files the same outcomes as of small ones", async () => {
    const input = path.join(dir, "input");
    await mkdir(input, { recursive: true });
    await writeFile(path.join(input, "attendance_2023.csv"), lines(9, "P1,T1,S1,2023-04-06,线上,180,,,出勤\n\n"));
    await writeFile(path.join(input, "attendance_2024.csv"), lines(9, ""));
    await writeFile(path.join(input, "attendance_2024 (1).csv"), lines(9, ""));
    const outcomes = await prepareInputs(input, path.join(dir, "work"), 4);
    const byName = Object.fromEntries(outcomes.map((o) => [o.file.path, o]));
    expect(byName["attendance_2024 (1).csv"]!.status).toBe("duplicate");
    expect(byName["attendance_2024.csv"]!.status).toBe("prepared");
    expect(byName["attendance_2023.csv"]!.scanned!.facts).toEqual(await scan(path.join(input, "attendance_2023.csv")));
    // (The blank line takes the careful path: a copy with each row's line.)
    expect(byName["attendance_2023.csv"]!.parts[0]!.hasLineColumn).toBe(true);
  });
});
