// Files typed side by side (load.ts): large files of different kinds go together, each query on its
// share of DuckDB's threads, and the setting is the caller's again afterwards.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadWarehouse, threadsSideBySide } from "../../pipelines/ingest/load.ts";
import { openDb, type Db } from "../../pipelines/lib/db.ts";
import { setQuiet } from "../../pipelines/lib/log.ts";
import { loadPolicy } from "../../pipelines/lib/policy.ts";
import { tmpDir } from "../helpers.ts";

setQuiet(true);

const threadsOf = async (db: Db) => Number((await db.all<{ t: bigint }>(`SELECT current_setting('threads') AS t`))[0]!.t);

describe("files typed side by side", () => {
  it("gives each query its share of the threads only where the files come in pairs of like size", async () => {
    const db = await openDb(":memory:", { threads: 4 });
    try {
      // Two connections, two files of like size: two threads each, and the four back afterwards.
      expect(await threadsSideBySide(db, 2, [100, 90])).toEqual({ before: 4 });
      expect(await threadsOf(db)).toBe(2);
      await db.run(`SET threads = 4`);
      // The others together two thirds of the largest: still pairs (four connections, a thread each).
      expect(await threadsSideBySide(db, 4, [150, 40, 30, 30])).toEqual({ before: 4 });
      expect(await threadsOf(db)).toBe(1);
      await db.run(`SET threads = 4`);
      // Less than two thirds, or one large file and a small one: the large one keeps every thread.
      expect(await threadsSideBySide(db, 2, [150, 50, 49])).toBeUndefined();
      expect(await threadsSideBySide(db, 2, [100, 1])).toBeUndefined();
      // One file, or one connection: nothing to share.
      expect(await threadsSideBySide(db, 2, [100])).toBeUndefined();
      expect(await threadsSideBySide(db, 1, [100, 100])).toBeUndefined();
      expect(await threadsOf(db)).toBe(4);
      // One thread to begin with: nothing to share either.
      await db.run(`SET threads = 1`);
      expect(await threadsSideBySide(db, 2, [100, 100])).toBeUndefined();
    } finally {
      db.close();
    }
  });

  it("types two large files of different kinds together, each row on its own line, and leaves the threads as they were", async () => {
    // Two files of 300,000 rows (about 18 MB each, several row groups), of two kinds, each row's
    // line in its ids: typed side by side at one thread each, their rows must stay in file order.
    const input = await tmpDir("guopei-side-in-");
    const n = 300_000;
    const trainees = Array.from({ length: n }, (_, i) => `P1,T${i + 2},S1,410101,primary,语文,${i % 2},一级教师,${i % 40},县级骨干`);
    await writeFile(path.join(input, "trainees.csv"), `project_id,teacher_id,school_id,county_code,stage,subject,rural,title,years_teaching,backbone_level\n${trainees.join("\n")}\n`);
    const attendance = Array.from({ length: n }, (_, i) => `P1,T${i + 2},S${i + 2},2025-03-01,online,90,2025-03-01 09:00,2025-03-01 10:30,present`);
    await writeFile(path.join(input, "attendance.csv"), `project_id,teacher_id,session_id,session_date,session_type,planned_minutes,sign_in,sign_out,status\n${attendance.join("\n")}\n`);
    const w = await openDb(path.join(input, "w.duckdb"), { threads: 2 });
    try {
      await loadWarehouse(w, input, path.join(input, ".work"), await loadPolicy());
      expect(await threadsOf(w)).toBe(2);
      for (const [kind, check] of [
        ["trainees", `teacher_id <> 'T' || _line`],
        ["attendance", `session_id <> 'S' || _line OR teacher_id <> 'T' || _line`],
      ]) {
        const [r] = await w.all<{ n: bigint; wrong: bigint }>(`SELECT count(*) AS n, count(*) FILTER (WHERE ${check}) AS wrong FROM ${kind}`);
        expect(Number(r!.n), kind).toBe(n);
        expect(Number(r!.wrong), kind).toBe(0);
      }
      // Every attendance row names a trainee of the roster: the check across files ran after both were typed.
      expect(Number((await w.all<{ n: bigint }>(`SELECT count(*) AS n FROM rejects`))[0]!.n)).toBe(0);
    } finally {
      w.close();
    }
  }, 120_000);
});
