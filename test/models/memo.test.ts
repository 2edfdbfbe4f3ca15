// A loaded table's fingerprint (models/memo.ts): its row count and its rows in their order (the sum
// of hash(rowid, row)); a view's, its rows as a multiset. (The load writes its tables in a fixed
// order: test/ingest/rejects-order.e2e.test.ts.)
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDb, type Db } from "../../pipelines/lib/db.ts";
import { appendedFingerprint, tableFingerprint } from "../../pipelines/models/memo.ts";

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

it("prints a kind's long answers (a view of the kind's table alone) by that table's print and the view's SQL, without reading them", async () => {
  const printOf = async (t: string) => tableFingerprint(db, t);
  const answers = async (items: string[], values: string[], pivot = items) => {
    await db.run(`DROP VIEW IF EXISTS evaluation_answers; DROP TABLE IF EXISTS evaluations`);
    await db.run(`CREATE TABLE evaluations (response_id VARCHAR, ${items.map((q) => `${q} INTEGER`).join(", ")})`);
    for (const v of values) await db.run(`INSERT INTO evaluations VALUES ${v}`);
    await db.run(`CREATE VIEW evaluation_answers AS SELECT response_id, item_id, value FROM (UNPIVOT evaluations ON ${pivot.join(", ")} INTO NAME item_id VALUE value)`);
    return tableFingerprint(db, "evaluation_answers", printOf);
  };
  const base = await answers(["q01", "q02"], ["('R1', 4, 5)", "('R2', 3, 2)"]);
  expect(base).toBe(`answers of ${await tableFingerprint(db, "evaluations")} by ${base.split(" by ")[1]}`);
  expect(await answers(["q01", "q02"], ["('R1', 4, 5)", "('R2', 3, 2)"])).toBe(base);
  // A changed answer changes the kind's print, hence the answers'; another view of the same rows too.
  expect(await answers(["q01", "q02"], ["('R1', 4, 5)", "('R2', 3, 1)"])).not.toBe(base);
  expect(await answers(["q01", "q02"], ["('R1', 4, 5)", "('R2', 3, 2)"], ["q01"])).not.toBe(base);
  // Without a way to print the kind, the view's rows are read and hashed as any view's.
  expect(await tableFingerprint(db, "evaluation_answers")).toMatch(/^\d+:/);
});

it("prints a kind's view with files appended as a print of all its rows: the previous print plus the new files' rows", async () => {
  // One table per file under a view, as the load writes a kind (ingest/load.ts).
  const kind = async (files: string[][]) => {
    await db.run(`DROP VIEW IF EXISTS k`);
    for (const [i] of files.entries()) await db.run(`DROP TABLE IF EXISTS f${i}`);
    for (const [i, values] of files.entries()) {
      await db.run(`CREATE TABLE f${i} (_file VARCHAR, _line BIGINT, value VARCHAR)`);
      if (values.length) await db.run(`INSERT INTO f${i} VALUES ${values.join(", ")}`);
    }
    await db.run(`CREATE VIEW k AS ${files.map((_, i) => `SELECT * FROM f${i}`).join(" UNION ALL ")}`);
    return tableFingerprint(db, "k");
  };
  const a = ["('a.csv', 2, 'x')", "('a.csv', 3, 'y')"];
  const b = ["('b.csv', 2, 'z')", "('b.csv', 3, 'x')"];
  const c = ["('c.csv', 2, 'w')"];
  const before = await kind([a, b]);
  const after = await kind([a, b, c]);
  expect(after).not.toBe(before);
  expect(await appendedFingerprint(db, "k", before, ["c.csv"])).toBe(after);
  // Two files appended; a file appended with no row; a kind that had no row before.
  const grown = async (first: string[][], then: string[][], files: string[]) => {
    const print = await kind(first);
    const whole = await kind(then);
    return [await appendedFingerprint(db, "k", print, files), whole];
  };
  for (const [got, want] of [await grown([a], [a, b, c], ["b.csv", "c.csv"]), await grown([a, b], [a, b, []], ["c.csv"]), await grown([[]], [[], b], ["b.csv"])]) expect(got).toBe(want);
  expect(await kind([[]])).toBe("0:-");
  // Not a view's print (a table's holds its row ids), or not a view: computed in full instead.
  expect(await appendedFingerprint(db, "k", "table print", ["c.csv"])).toBeUndefined();
  await db.run(`CREATE OR REPLACE TABLE plain AS SELECT * FROM k`);
  expect(await appendedFingerprint(db, "plain", before, ["c.csv"])).toBeUndefined();
});
