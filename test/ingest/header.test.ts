import path from "node:path";
import { describe, expect, it } from "vitest";
import { plainHeader, recordEnd } from "../../pipelines/ingest/header.ts";
import { tmpDir, writeFiles } from "../helpers.ts";

describe("header read in Node", () => {
  it("reads quoted names, a BOM and CRLF, and leaves to DuckDB's sniffer any header it would rename", async () => {
    const dir = await tmpDir();
    await writeFiles(dir, {
      "a.csv": '\uFEFF项目编号,"q01, 总体","say ""hi"""\r\nP1,5,x\r\n',
      "tab.tsv": "project_id\tq01\nP1\t5\n",
      "only.csv": "project_id,q01",
      "blank.csv": "project_id,,q01\nP1,,5\n",
      "dup.csv": "q01,Q01\n1,2\n",
      "pad.csv": "project_id , q01\nP1,5\n",
      "open.csv": '"project_id,q01\nP1,5\n',
      "long.csv": `${"x".repeat(70_000)},b\n1,2\n`,
      "rows.csv": `project_id,"q01\r\n总体"\n${'P1,"5\n"\n'.repeat(20_000)}`,
      "wide.csv": `${"y".repeat(60_000)},b\n${"1,2\n".repeat(5_000)}`,
    });
    const at = (f: string, d = ",") => plainHeader(path.join(dir, f), d);
    expect(await at("a.csv")).toEqual(["项目编号", "q01, 总体", 'say "hi"']);
    expect(await at("tab.tsv", "\t")).toEqual(["project_id", "q01"]);
    expect(await at("only.csv")).toEqual(["project_id", "q01"]);
    // The first record alone, whatever follows it in the chunk; a long one whole within the chunk.
    expect(await at("wide.csv")).toEqual(["y".repeat(60_000), "b"]);
    expect(await at("rows.csv")).toBeUndefined();
    expect(recordEnd('project_id,"q01\r\n总体"\nP1,"5\n"\n')).toBe(20);
    expect(recordEnd('a,"b""\n"\r\nc')).toBe(8);
    expect(recordEnd('"a\nb')).toBe(-1);
    for (const f of ["blank.csv", "dup.csv", "pad.csv", "open.csv", "long.csv"]) expect(await at(f), f).toBeUndefined();
  });
});
