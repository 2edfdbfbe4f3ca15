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
});
