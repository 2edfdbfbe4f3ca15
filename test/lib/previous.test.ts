// The previous warehouse retired into a copy of it (pipelines/lib/previous.ts): its renames held in
// one transaction until settled, whichever connection takes a table first.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { openDb } from "../../pipelines/lib/db.ts";
import { retire, seedFrom } from "../../pipelines/lib/previous.ts";

it("retires the previous tables in one transaction, settled by a take on another connection", async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "guopei-previous-"));
  try {
    const before = path.join(dir, "before.duckdb");
    const old = await openDb(before);
    await old.run(`CREATE TABLE scores AS SELECT range AS i FROM range(5); CREATE TABLE notes AS SELECT 'x' AS n; CREATE VIEW v AS SELECT * FROM scores`);
    old.close();
    const build = path.join(dir, "build.duckdb");
    expect(await seedFrom(before, build)).toBe(true);
    const db = await openDb(build);
    try {
      const previous = await retire(db);
      // Read before the commit, on the same connection: the renames are seen.
      expect([previous.has("scores"), previous.has("notes"), previous.has("v")]).toEqual([true, true, false]);
      expect(await db.all(`SELECT count(*) AS n FROM ${previous.ref("scores")}`)).toEqual([{ n: 5n }]);
      // A take on a second connection commits the first one's transaction (not its own).
      const other = await db.connect();
      try {
        await previous.take(other, "scores", "scores");
        expect(await other.all(`SELECT count(*) AS n FROM scores`)).toEqual([{ n: 5n }]);
        expect(await other.all(`SELECT count(*) AS n FROM duckdb_views() WHERE view_name = 'v'`)).toEqual([{ n: 0n }]);
        await previous.release(other);
        expect((await other.all<{ t: string }>(`SELECT table_name AS t FROM duckdb_tables() ORDER BY 1`)).map((r) => r.t)).toEqual(["scores"]);
      } finally {
        other.close();
      }
    } finally {
      db.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
