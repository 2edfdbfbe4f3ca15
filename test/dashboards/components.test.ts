import { describe, expect, it } from "vitest";
import { csvParseRows } from "d3-dsv";
import { csvText, guardCell } from "../../pipelines/lib/shared/csv.ts";
import { runsProjects } from "../../dashboards/components/filters.ts";
import { plainRows } from "../../dashboards/components/rows.ts";

describe("site components", () => {
  it("CSV downloads carry a BOM and defuse formulas", () => {
    const text = csvText(["名称", "意见"], [["机构", "=HYPERLINK(\"x\")"], ["a,b", -3]]);
    expect(text.startsWith("\uFEFF名称,意见\n")).toBe(true);
    expect(text).toContain(`"'=HYPERLINK(""x"")"`);
    expect(text).toContain(`"a,b",-3`);
  });
  it("CSV text reads back cell for cell, with only formulas changed", () => {
    const rows = [["多行\n意见", 'say "hi"', null, Number.NaN], ["-12.5", "-x", "@SUM(A1)", "\tcmd"], ["+86 123", "a\r\nb", 0, "普通"]];
    const back = csvParseRows(csvText(["a", "b", "c", "d"], rows, { bom: false }));
    expect(back).toEqual([
      ["a", "b", "c", "d"],
      ["多行\n意见", 'say "hi"', "", ""],
      ["-12.5", "'-x", "'@SUM(A1)", "'\tcmd"],
      ["'+86 123", "a\r\nb", "0", "普通"],
    ]);
    expect([guardCell(-3), guardCell("-3"), guardCell("=1"), guardCell(undefined)]).toEqual(["-3", "-3", "'=1", ""]);
  });
  it("filters institutions by the kinds of projects they ran", () => {
    const projects = [
      { year: 2024, institution_id: "I1", program: "provincial", mode: "online", stage: "primary" },
      { year: 2024, institution_id: "I2", program: "county", mode: "face_to_face", stage: "primary" },
      { year: 2025, institution_id: "I3", program: "provincial", mode: "online", stage: "junior" },
    ];
    expect([...runsProjects(projects, 2024, { program: "all", mode: "online", stage: "all" }, "all")]).toEqual(["I1"]);
    expect([...runsProjects(projects, 2024, { program: "all", mode: "all", stage: "primary" }, "all")]).toEqual(["I1", "I2"]);
  });
  it("turns query rows into plain objects with plain numbers", () => {
    expect(plainRows([{ toJSON: () => ({ n: 3n, s: "x" }) }, { m: 1 }])).toEqual([{ n: 3, s: "x" }, { m: 1 }]);
  });
});
