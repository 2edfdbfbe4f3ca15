// The formula guard in SQL (guardSql, which every CSV the pipeline writes goes through) and in
// JavaScript (guardCell, the site's downloads) are one rule: the same cell out of DuckDB and out of
// JavaScript for any text, hostile starts, numbers, Chinese, control characters and empty cells.
import fc from "fast-check";
import { expect, it } from "vitest";
import { guardCell, guardSql } from "../../pipelines/lib/csv.ts";
import { literal, openDb } from "../../pipelines/lib/db.ts";

const pieces = ["=", "+", "-", "@", "\t", "\r", "\n", "'", "1", "12.5", ".", "a", "SUM(A1)", "项目", "：", " ", "=1+1", "-3", "０", "\u0000"];

it("guards a text cell in SQL as guardCell does in JavaScript", async () => {
  const db = await openDb(":memory:");
  try {
    const cells = fc.sample(fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 3 })), { maxLength: 4 }).map((p) => p.join("").replaceAll("\u0000", "")), { numRuns: 2000, seed: 7 });
    cells.push("", "=", "-", "-12", "-12.", "-1.5", "+1", "@x", "\tx", "\rx", "项目=1", "=项目");
    const values = cells.map((c, i) => `(${i}, ${literal(c)})`).join(", ");
    const rows = await db.all<{ i: number; g: string }>(`SELECT i, ${guardSql("s")} AS g FROM (VALUES ${values}) v(i, s) ORDER BY i`);
    expect(rows.map((r) => r.g)).toEqual(cells.map((c) => guardCell(c)));
    // (At least some of them defused, some left alone: the test reaches both sides of the rule.)
    expect(rows.filter((r, k) => r.g !== cells[k]).length).toBeGreaterThan(100);
    expect(rows.filter((r, k) => r.g === cells[k] && /^[=+\-@\t\r]/.test(cells[k]!)).length).toBeGreaterThan(0);
    const [nul] = await db.all<{ g: string | null }>(`SELECT ${guardSql("CAST(NULL AS VARCHAR)")} AS g`);
    expect(nul!.g).toBeNull();
  } finally {
    db.close();
  }
});
