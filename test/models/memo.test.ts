// A loaded table's fingerprint (models/memo.ts): its rows in their order, except for tables written
// in no fixed order (rejects), whose rows count as a multiset, as a view's do.
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDb, type Db } from "../../pipelines/lib/db.ts";
import { tableFingerprint } from "../../pipelines/models/memo.ts";

let db: Db;
beforeAll(async () => {
  db = await openDb(":memory:");
});
afterAll(() => db.close());

const rows = ["('a.csv', 2, 'x')", "('b.csv', 3, 'y')", "('c.csv', 4, 'z')"];
async function fingerprintOf(table: string, values: string[]): Promise<string> {
  await db.run(`DROP TABLE IF EXISTS ${table}; CREATE TABLE ${table} (file VARCHAR, line BIGINT, value VARCHAR)`);
  for (const v of values) await db.run(`INSERT INTO ${table} VALUES ${v}`);
  return tableFingerprint(db, table);
}

it("sees the order of a table's rows, but not of the rejects' (written as parallel files finish)", async () => {
  const reversed = [...rows].reverse();
  expect(await fingerprintOf("projects", rows)).not.toBe(await fingerprintOf("projects", reversed));
  expect(await fingerprintOf("rejects", rows)).toBe(await fingerprintOf("rejects", reversed));
  // Still the rows' content: another value, another fingerprint; one row more, another count.
  expect(await fingerprintOf("rejects", rows)).not.toBe(await fingerprintOf("rejects", [...rows.slice(0, 2), "('c.csv', 4, 'w')"]));
  expect((await fingerprintOf("rejects", [...rows, rows[0]!])).split(":")[0]).toBe("4");
});
