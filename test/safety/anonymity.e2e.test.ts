// Evaluations stay anonymous: a column that identifies people, by its name or by its values, gets
// the whole file refused with the column and the reason; look-alike columns do not.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { validIdCard } from "../../pipelines/ingest/identity.ts";
import { MINI, runCli, tmpDir, writeFiles } from "../helpers.ts";

/** A valid ID card number for a serial: 17 digits, then the GB 11643 check digit. */
function idCard(serial: number): string {
  const body = `41010119${String(80 + (serial % 20)).padStart(2, "0")}0101${String(100 + serial).padStart(3, "0")}`;
  const sum = [...body].reduce((a, d, i) => a + Number(d) * (2 ** (17 - i) % 11), 0);
  return body + "10X98765432"[sum % 11];
}

const rows = (extra: (i: number) => string) =>
  Array.from({ length: 12 }, (_, i) => `R${i},P1,2024-03-21 10:${String(i).padStart(2, "0")},300,${1 + (i % 5)},${1 + ((i + 1) % 5)},${extra(i)}`).join("\n");

describe("anonymity by content, not only by name", () => {
  it("knows the check digit of an ID card number", () => {
    expect(validIdCard("11010519491231002X")).toBe(true); // the standard's own example
    expect(validIdCard("110105194912310021")).toBe(false);
    expect(validIdCard(idCard(7))).toBe(true);
  });

  let results: Record<string, { status: string; message: string | null }>;
  beforeAll(async () => {
    const input = await tmpDir();
    const header = "response_id,project_id,submitted_at,duration_seconds,q01,q02";
    const files: Record<string, string> = {
      ...MINI,
      "evaluations_I1.csv": `${header}\n${rows(() => "").replace(/,$/gm, "")}\n`,
      // By name, under other spellings.
      "evaluations_a.csv": `${header},身份证号码\n${rows(() => "x")}\n`,
      "evaluations_b.csv": `${header},手机号码\n${rows(() => "x")}\n`,
      "evaluations_c.csv": `${header},Teacher ID\n${rows(() => "x")}\n`,
      "evaluations_d.csv": `${header},学号\n${rows(() => "x")}\n`,
      "evaluations_e.csv": `${header},真实姓名\n${rows(() => "x")}\n`,
      // By content, under harmless names.
      "evaluations_f.csv": `${header},备注\n${rows((i) => idCard(i))}\n`,
      "evaluations_g.csv": `${header},联系\n${rows((i) => `1381234${String(1000 + i)}`)}\n`,
      "evaluations_h.csv": `${header},编码\n${rows((i) => (i % 2 ? "T1" : "T2"))}\n`,
      // Look-alikes that are not people: 18 digits with wrong check digits, small numbers.
      "evaluations_i.csv": `${header},批次\n${rows((i) => `${idCard(i).slice(0, 17)}${(Number(idCard(i).at(-1)) + 1) % 10 || 1}`)}\n`,
      "evaluations_j.csv": `${header},序号\n${rows((i) => String(i + 1))}\n`,
    };
    await writeFiles(input, files);
    const out = path.join(await tmpDir(), "results");
    const r = await runCli(["run", "--input", input, "--out", out]);
    expect(r.code).toBe(2);
    const manifest = JSON.parse(await readFile(path.join(out, "manifest.json"), "utf8")) as { files: { path: string; status: string; message: string | null }[] };
    results = Object.fromEntries(manifest.files.map((f) => [f.path, f]));
  }, 120_000);

  it.each([
    ["evaluations_a.csv", /teacher column "身份证号码"/],
    ["evaluations_b.csv", /teacher column "手机号码"/],
    ["evaluations_c.csv", /teacher column "Teacher ID"/],
    ["evaluations_d.csv", /teacher column "学号"/],
    ["evaluations_e.csv", /teacher column "真实姓名"/],
    ["evaluations_f.csv", /column "备注" holds ID card numbers \(12 of 12 sampled values, with valid check digits\)/],
    ["evaluations_g.csv", /column "联系" holds mobile phone numbers/],
    ["evaluations_h.csv", /column "编码" holds the roster's teacher ids/],
  ])("refuses %s, saying which column and why", (file, message) => {
    expect(results[file]!.status).toBe("refused");
    expect(results[file]!.message).toMatch(message);
  });

  it.each(["evaluations_i.csv", "evaluations_j.csv", "evaluations_I1.csv"])("loads %s, whose columns only look like ids", (file) => {
    expect(results[file]!.status, results[file]!.message ?? "").toBe("loaded");
  });
});
