// A loaded table's fingerprint (models/memo.ts): its row count and its rows in their order (the sum
// of hash(rowid, row)); a view's, its rows as a multiset. (The load writes its tables in a fixed
// order: test/ingest/rejects-order.e2e.test.ts.)
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDb, type Db } from "../../pipelines/lib/db.ts";
import { tableFingerprint } from "../../pipelines/models/memo.ts";

let db: Db;
beforeAll(async () => {
  db = await openDb(":memory:");
});
afterAll(() => db.close());

const rows = ["('a.csv', 2, 'x')", "('b.csv', 3, 'y')", "('c.csv', 4, 'z')"];
async function fingerprintOf(values: string[], view = false): Promise<string> {
  await db.run(`DROP VIEW IF EXISTS v; DROP TABLE IF EXISTS t; CREATE TABLE t (file VARCHAR, line BIGINT, value VARCHAR)`);
  for (const v of values) await db.run(`INSERT INTO t VALUES ${v}`);
  if (view) await db.run(`CREATE VIEW v AS SELECT * FROM t`);
  return tableFingerprint(db, view ? "v" : "t");
}

it("sees a table's rows, their order and their count; a view's rows, not their order", async () => {
  const reversed = [...rows].reverse();
  expect(await fingerprintOf(rows)).toBe(await fingerprintOf(rows));
  expect(await fingerprintOf(rows)).not.toBe(await fingerprintOf(reversed));
  expect(await fingerprintOf(rows)).not.toBe(await fingerprintOf([...rows.slice(0, 2), "('c.csv', 4, 'w')"]));
  expect((await fingerprintOf([...rows, rows[0]!])).split(":")[0]).toBe("4");
  expect(await fingerprintOf(rows, true)).toBe(await fingerprintOf(reversed, true));
  expect(await fingerprintOf(rows, true)).not.toBe(await fingerprintOf([...rows.slice(0, 2), "('c.csv', 4, 'w')"], true));
});
