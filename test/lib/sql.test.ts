// SQL scripts (the models' .sql files) run statement by statement, split by DuckDB's own parser.
import { describe, expect, it } from "vitest";
import { openDb } from "../../pipelines/lib/db.ts";

describe("SQL scripts", () => {
  it("runs each statement in order with only the parameters it names, semicolons inside strings and comments kept", async () => {
    const db = await openDb(":memory:");
    try {
      await db.script(
        `-- head; with a semicolon\nCREATE TABLE a AS SELECT ';' AS x, $one AS one;\n\n-- middle\nCREATE TABLE b AS SELECT x || $two AS y FROM a;  \n-- trailing note\n`,
        { one: 1, two: "!", unused: 3 },
      );
      expect(await db.all(`SELECT x, one, y FROM a, b`)).toEqual([{ x: ";", one: 1, y: ";!" }]);
    } finally {
      db.close();
    }
  });

  it("names the statement and the parameter when a value is missing", async () => {
    const db = await openDb(":memory:");
    try {
      await expect(db.script(`CREATE TABLE a AS SELECT 1 AS x;\nCREATE TABLE b AS SELECT $gone AS y;`, {})).rejects.toThrow(/no value for \$gone \(in: script, statement 2 of 2\)/);
      expect(await db.all(`SELECT x FROM a`)).toEqual([{ x: 1 }]);
    } finally {
      db.close();
    }
  });

  it("reads rows as DuckDB's own row objects hold them: every type, nulls, many chunks, two columns of one name", async () => {
    const db = await openDb(":memory:");
    try {
      const sql = `SELECT i AS n, CAST(i AS INTEGER) AS k, i / 3 AS x, 'p' || i AS s, DATE '2026-01-01' + CAST(i AS INTEGER) AS d,
                          i % 2 = 0 AS b, CASE WHEN i % 7 = 0 THEN NULL ELSE i END AS maybe, [i, i + 1] AS l, 'first' AS dup, 'second' AS dup
                   FROM range(5000) r(i) ORDER BY i`;
      const own = (await db.conn.runAndReadAll(sql)).getRowObjectsJS();
      const rows = await db.all(sql);
      expect(rows.length).toBe(5000);
      expect(rows).toStrictEqual(own);
      expect(rows[7]).toMatchObject({ n: 7n, k: 7, s: "p7", b: false, maybe: null, dup: "first", "dup:1": "second" });
    } finally {
      db.close();
    }
  });

  it("makes rows of columns with any name: quotes, backslashes, Chinese, a number, __proto__ (an own key, not the prototype)", async () => {
    const db = await openDb(":memory:");
    try {
      const plain = `SELECT 1 AS "a""b", 2 AS "c\\d", 3 AS "项目 id", 4 AS "0", 6 AS "x\ny" FROM range(3)`;
      const own = (await db.conn.runAndReadAll(plain)).getRowObjectsJS();
      expect(await db.all(plain)).toStrictEqual(own);
      expect(await db.columns(plain)).toStrictEqual(Object.fromEntries(Object.keys(own[0]!).map((k) => [k, own.map((r) => r[k])])));
      // (DuckDB's own rows set a column named __proto__ as the prototype.)
      const sql = `SELECT 1 AS "a""b", 2 AS "c\\d", 3 AS "项目 id", 4 AS "0", 5 AS "__proto__", 6 AS "x\ny" FROM range(3)`;
      const rows = await db.all(sql);
      // (An integer-like key first, as in any object.)
      expect(Object.keys(rows[0]!)).toEqual(["0", 'a"b', "c\\d", "项目 id", "__proto__", "x\ny"]);
      expect(Object.getPrototypeOf(rows[0]!)).toBe(Object.prototype);
      expect(rows[0]!["__proto__"]).toBe(5);
    } finally {
      db.close();
    }
  });

  it("reads numbers by column into typed arrays, as `columns` gives them: many chunks, nulls as NaN, booleans 1 and 0, bigints as numbers; refuses what is not a number", async () => {
    const db = await openDb(":memory:");
    try {
      const sql = `SELECT i AS n, CAST(i AS INTEGER) AS k, i / 3 AS x, i % 2 = 0 AS b, CASE WHEN i % 7 = 0 THEN NULL ELSE CAST(i AS DOUBLE) / 2 END AS maybe, 'first' AS dup, 2.5 AS dup
                   FROM range(5000) r(i) ORDER BY i`;
      const got = await db.numbers(sql.replace("'first' AS dup", "1 AS dup").replace("2.5 AS dup", "CAST(2.5 AS DOUBLE) AS dup"));
      const want = await db.columns(sql);
      expect(Object.keys(got)).toEqual(["n", "k", "x", "b", "maybe", "dup", "dup:1"]);
      for (const name of ["n", "k", "x", "b", "maybe"]) {
        expect(got[name]).toBeInstanceOf(Float64Array);
        expect(Array.from(got[name]!)).toEqual(want[name]!.map((v) => (v === null ? NaN : Number(v))));
      }
      expect([got.n![4999], got.b![3], got.b![4], got.maybe![14], got.maybe![15], got["dup:1"]![0]]).toEqual([4999, 0, 1, NaN, 7.5, 2.5]);
      expect((await db.numbers(`SELECT 1 AS x WHERE false`)).x).toEqual(new Float64Array(0));
      await expect(db.numbers(`SELECT 'a' AS s`)).rejects.toThrow(/column s: string values, not numbers/);
      await expect(db.numbers(`SELECT CAST(1.5 AS DECIMAL(4, 1)) AS d`)).rejects.toThrow(/column d: object values/);
    } finally {
      db.close();
    }
  });
});
