// docs/scale.md prints the roll-up's SQL from the code: it must be the SQL guopei runs today.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect, it } from "vitest";
import { scaleSql, withScaleSql } from "../../pipelines/scale/docs.ts";
import { ROOT } from "../helpers.ts";

it("docs/scale.md shows the statistics and roll-up SQL exactly as the code runs it (run `npm run docs` after changing it)", async () => {
  const text = await readFile(path.join(ROOT, "docs", "scale.md"), "utf8");
  expect(text).toContain(scaleSql());
  expect(withScaleSql(text)).toBe(text);
  expect(scaleSql()).toContain("sum(ss) - sum(s) * sum(s) / sum(n) AS ssw");
  expect(() => withScaleSql("no markers")).toThrow(/lost its generated block/);
});
