// copyCsv writes a CSV in its query's order. DuckDB orders COPY's rows only by a top-level ORDER BY:
// with the formula guard's regular expression over an ordered query, the rows of 300,000 came out
// in blocks in the order the threads finished (the national hours_compliance.csv differed between
// two runs of the same inputs).
import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect, it } from "vitest";
import { openDb } from "../../pipelines/lib/db.ts";
import { copyCsv } from "../../pipelines/publish/copy.ts";
import { tmpDir } from "../helpers.ts";

it("writes the rows of an ordered query in its order, however many and however their text is guarded", async () => {
  const db = await openDb(":memory:", { threads: 2 });
  const dir = await tmpDir("guopei-copy-");
  try {
    // (Shuffled by a hash, so that the table's own order is not the query's.)
    await db.run(`CREATE TABLE t AS SELECT i, 'T' || lpad(CAST(i AS VARCHAR), 7, '0') AS id, CASE WHEN i % 5 = 0 THEN '=x' || i ELSE '-' || i END AS note, (i * 7919) % 1000 AS k
                  FROM range(300000) r(i) ORDER BY hash(i)`);
    const file = path.join(dir, "t.csv");
    await copyCsv(db, `SELECT id, note, k FROM t ORDER BY k DESC, id`, file);
    const lines = (await readFile(file, "utf8")).replace(/^\uFEFF/, "").trimEnd().split("\n");
    expect(lines[0]).toBe("id,note,k");
    const rows = lines.slice(1).map((l) => l.split(","));
    expect(rows).toHaveLength(300000);
    const want = (await db.all<{ id: string; k: number }>(`SELECT id, CAST(k AS INTEGER) AS k FROM t ORDER BY k DESC, id`)).map((r) => `${r.id} ${r.k}`);
    // (The first row out of place, and how many are: a diff of 300,000 rows would not end.)
    const got = rows.map((r) => `${r[0]} ${r[2]}`);
    const misplaced = got.filter((g, i) => g !== want[i]).length;
    expect({ first: got.findIndex((g, i) => g !== want[i]), misplaced }).toEqual({ first: -1, misplaced: 0 });
    // (The guard ran: a note starting with = is defused, a negative number is left alone.)
    expect(rows.find((r) => r[0] === "T0000005")?.[1]).toBe("'=x5");
    expect(rows.find((r) => r[0] === "T0000003")?.[1]).toBe("-3");
  } finally {
    db.close();
  }
}, 60_000);
