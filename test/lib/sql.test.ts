import { describe, expect, it } from "vitest";
import { statements, sqlFile } from "../../pipelines/lib/sql.ts";

describe("SQL files", () => {
  it("splits a file at statement ends, keeping semicolons inside a line and dropping comment-only tails", () => {
    expect(statements("-- head\nCREATE TABLE a AS SELECT ';' AS x;\n\nSELECT 1;  \n-- trailing note\n")).toEqual([
      "-- head\nCREATE TABLE a AS SELECT ';' AS x",
      "SELECT 1",
    ]);
  });

  it("stages the early-warning features and drops every stage table it made", () => {
    const parts = statements(sqlFile("warnings", "features"));
    const made = parts.map((s) => /CREATE OR REPLACE TABLE (_wf_\w+)/.exec(s)?.[1]).filter(Boolean);
    const dropped = parts.map((s) => /^DROP TABLE (_wf_\w+)$/.exec(s)?.[1]).filter(Boolean);
    expect(made.length).toBeGreaterThan(1);
    expect(dropped.sort()).toEqual(made.sort());
    expect(parts.some((s) => s.includes("CREATE OR REPLACE TABLE warning_features"))).toBe(true);
  });
});
