import { isUtf8 } from "node:buffer";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Utf8Check } from "../../pipelines/ingest/scan.ts";
import iconv from "iconv-lite";

/** Feed `bytes` in chunks cut at the given points. */
function chunked(bytes: Buffer, cuts: number[]): boolean {
  const check = new Utf8Check();
  let at = 0;
  for (const c of [...new Set(cuts.map((x) => x % (bytes.length + 1)))].sort((a, b) => a - b)) {
    check.push(bytes.subarray(at, c));
    at = c;
  }
  check.push(bytes.subarray(at));
  return check.end();
}

describe("streaming UTF-8 check", () => {
  it("agrees with a whole-buffer check however the bytes are cut into chunks", () => {
    const text = fc.string({ unit: "binary", maxLength: 40 }).map((s) => Buffer.from(s, "utf8"));
    const bytes = fc.oneof(text, fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)), text.map((b) => b.subarray(0, Math.max(0, b.length - 1))));
    fc.assert(fc.property(bytes, fc.array(fc.nat(), { maxLength: 6 }), (b, cuts) => chunked(b, cuts) === isUtf8(b)), { numRuns: 3000 });
  });

  it("tells Chinese UTF-8 from the same text in GB18030, cut in the middle of a character", () => {
    const s = "项目编号,满意度\nP1,非常满意\n";
    expect(chunked(Buffer.from(s, "utf8"), [1, 2, 7])).toBe(true);
    expect(chunked(iconv.encode(s, "gb18030"), [1, 2, 7])).toBe(false);
  });
});

describe("a NUL byte beyond the first 64 KB", () => {
  it("refuses the file and names the line it is on, in a file with quotes and without", async () => {
    const { writeFile } = await import("node:fs/promises");
    const path = await import("node:path");
    const { prepareInputs } = await import("../../pipelines/ingest/prepare.ts");
    const { tmpDir } = await import("../helpers.ts");
    const dir = await tmpDir("guopei-nul-");
    // 3,000 lines (about 90 KB), then a NUL inside line 3,003 (the header is line 1); one file with a quoted cell in the first line.
    const rows = Array.from({ length: 3000 }, (_, i) => `P${i},T${i},S${i},2023-04-06,online,180,,,present`);
    const body = `${rows.join("\n")}\nP,T,S,2023-04-06,online,180,,,present\nP,T\0,S,2023-04-06,online,180,,,present\n`;
    await writeFile(path.join(dir, "attendance_a.csv"), `project_id,teacher_id,session_id,session_date,session_type,planned_minutes,sign_in,sign_out,status\n${body}`);
    await writeFile(path.join(dir, "attendance_b.csv"), `project_id,teacher_id,session_id,session_date,session_type,planned_minutes,sign_in,sign_out,"status"\n${body}`);
    const outcomes = await prepareInputs(dir, path.join(dir, ".work"));
    for (const o of outcomes) {
      expect(o.status, o.file.path).toBe("refused");
      expect(o.message, o.file.path).toMatch(/a NUL byte on line 3003:/);
    }
    expect(outcomes).toHaveLength(2);
  });
});
