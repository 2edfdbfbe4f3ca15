// A comment corpus with planted phone, ID, e-mail, QQ, WeChat and names leaves no trace in any
// public output: the public site, the researchers' extract, the results' public CSVs.
import { execFileSync } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import JSZip from "jszip";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { MINI, runCli, tmpDir, writeFiles } from "../helpers.ts";

const PLANTED = ["13812345678", "139 1234 5678", "410101199001011234", "wang.xm@example.com", "wxid_abc123", "87654321", "王小明", "小明", "李娜", "0371-65432100"];
const COMMENTS = [
  "王小明老师讲得差，联系电话13812345678，身份证410101199001011234",
  "有问题请发邮件 wang.xm@example.com 或加微信 wxid_abc123",
  "QQ号：87654321，欢迎交流",
  "我叫李娜，手机 139 1234 5678，办公室 0371-65432100",
  "小明老师的案例很好",
];

async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && !e.name.endsWith(".duckdb") && !e.name.endsWith(".wasm")).map((e) => path.join(e.parentPath, e.name));
}

describe("personal data in comments", () => {
  let results: string;
  let site: string;
  let extract: string;
  let reports: string;
  beforeAll(async () => {
    const input = await tmpDir();
    const rows = Array.from({ length: 24 }, (_, i) => `R${i},P1,2024-03-21 1${i % 10}:00,300,${1 + (i % 5)},${1 + ((i + 2) % 5)},"${COMMENTS[i % COMMENTS.length]}${i >= COMMENTS.length ? `（第${i}条）` : ""}"`);
    await writeFiles(input, { ...MINI, "evaluations_I1.csv": `response_id,project_id,submitted_at,duration_seconds,q01,q02,comment\n${rows.join("\n")}\n` });
    const base = await tmpDir();
    results = path.join(base, "results");
    site = path.join(base, "site");
    extract = path.join(base, "extract");
    expect((await runCli(["run", "--input", input, "--out", results])).code).toBe(0);
    expect((await runCli(["site", "--results", results, "--dist", site])).code).toBe(0);
    expect((await runCli(["extract", "--results", results, "--out", extract])).code).toBe(0);
    reports = path.join(base, "reports");
    const r = await runCli(["report", "--results", results, "--out", reports]);
    expect(r.code, r.stderr).toBe(0);
  }, 240_000);

  it("leaves no trace in the printed and Word reports either (their text read back)", async () => {
    const docs = (await files(reports)).filter((f) => /\.(pdf|docx)$/.test(f));
    expect(docs.filter((f) => f.endsWith(".pdf")).length).toBeGreaterThanOrEqual(2);
    for (const f of docs) {
      const text = f.endsWith(".pdf")
        ? execFileSync("pdftotext", [f, "-"]).toString("utf8").replace(/\s+/g, " ")
        : (await (await JSZip.loadAsync(await readFile(f))).file("word/document.xml")!.async("string")).replace(/<[^>]+>/g, "");
      expect(text.length).toBeGreaterThan(200);
      for (const s of PLANTED) expect(text.includes(s), `${s} in ${path.basename(f)}`).toBe(false);
    }
  });

  it("scrubs them before any public page, theme list or extract, and counts them in the manifest", async () => {
    const manifest = JSON.parse(await readFile(path.join(results, "manifest.json"), "utf8"));
    expect(manifest.analysis.comments_scrubbed).toMatchObject({ id_card: 5, phone: 15, email: 5, qq: 5, wechat: 5 });
    expect(manifest.analysis.comments_scrubbed.name).toBe(14); // 王小明老师 ×5, 我叫李娜 ×5, 小明老师 ×4
    const scanned = [...(await files(site)), ...(await files(extract)), ...(await files(results)).filter((f) => f.endsWith(".csv"))];
    expect(scanned.length).toBeGreaterThan(50);
    for (const f of scanned) {
      const text = (await readFile(f)).toString("utf8");
      for (const s of PLANTED) expect(text.includes(s), `${s} in ${path.relative(path.dirname(results), f)}`).toBe(false);
    }
    // The comments themselves are there, scrubbed: the scan did see them.
    const comments = await readFile((await files(site)).find((f) => /comments\.[0-9a-f]+\.json$/.test(f))!, "utf8");
    expect(comments).toContain("[电话]");
    expect(comments).toContain("[姓名]老师");
  });
});
