// What the first pass writes from a workbook or a GB18030 file is kept in the results folder and
// taken by the next run when the file's bytes are the same (pipelines/ingest/kept.ts): whole and
// checked, never what the warehouse would not hold (evaluations, survey exports, unloaded sheets,
// title rows), never what the load refused.
import { mkdir, readdir, readFile, stat, symlink, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import ExcelJS from "exceljs";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { keepPrepared, prepareInputs, type FileOutcome } from "../../pipelines/ingest/prepare.ts";
import { Keeper, KEPT_FOLDER } from "../../pipelines/ingest/kept.ts";
import { setQuiet } from "../../pipelines/lib/log.ts";
import { run } from "../../pipelines/run.ts";
import { tmpDir } from "../helpers.ts";

setQuiet(true);

async function xlsx(file: string, sheets: Record<string, (string | number | null)[][]>): Promise<void> {
  const wb = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) wb.addWorksheet(name).addRows(rows);
  await wb.xlsx.writeFile(file);
}

const TRAINEES = "project_id,teacher_id,county_code,school_id,stage,title,rural,years_teaching\nP2025001,T001,411301,S01,primary,一级教师,1,12\nP2025001,T002,411301,S02,primary,二级教师,0,3\n";
const PROJECT_ROWS = [
  ["project_id", "year", "name", "institution_id", "mode", "stage", "start_date", "end_date", "enrolled"],
  ["P2025001", 2025, "乡村骨干教师培训", "I1", "face_to_face", "primary", "2025-06-01", "2025-06-10", 15],
];

/** An input folder: what is kept, what is not, and what needs nothing written. */
async function folder(): Promise<string> {
  const input = await tmpDir("guopei-kept-in-");
  // Kept: a GB18030 roster (delivered twice, the second a duplicate), a one-sheet workbook of projects.
  await writeFile(path.join(input, "trainees_gbk.csv"), iconv.encode(TRAINEES, "gb18030"));
  await writeFile(path.join(input, "trainees_gbk (1).csv"), iconv.encode(TRAINEES, "gb18030"));
  await xlsx(path.join(input, "projects.xlsx"), { Sheet1: PROJECT_ROWS });
  // Not kept: a title row above the header; a notes sheet left out; evaluations.
  await xlsx(path.join(input, "institutions.xlsx"), { Sheet1: [["2025年承训机构名单（填表人：张三）"], ["institution_id", "name"], ["I1", "某师范大学"]] });
  await xlsx(path.join(input, "counties.xlsx"), { counties: [["county_code", "name"], ["411301", "宛城区"]], 填表说明: [["联系人 李四 13800000000"]] });
  await xlsx(path.join(input, "evaluations_I1.xlsx"), { Sheet1: [["response_id", "project_id", "q01", "comment"], ["R1", "P2025001", 4, "王老师讲得好"]] });
  // Not a workbook at all: refused, and nothing of it kept.
  await writeFile(path.join(input, "trainees_broken.xlsx"), "PK\u0003\u0004 not a workbook");
  // Nothing to write: a plain UTF-8 CSV is read as delivered.
  await writeFile(path.join(input, "assessments.csv"), "project_id,teacher_id,final_result\nP2025001,T001,pass\n");
  return input;
}

const byPath = (outcomes: FileOutcome[]) => Object.fromEntries(outcomes.map((o) => [o.file.path, o]));
/** Each loaded table's CSV bytes, by file and sheet. */
async function csvs(outcomes: FileOutcome[]): Promise<Record<string, string>> {
  const parts = outcomes.flatMap((o) => o.parts);
  return Object.fromEntries(await Promise.all(parts.map(async (p) => [`${p.file.path}#${p.sheet ?? ""}`, await readFile(p.csv, "utf8")] as const)));
}
const entries = async (dir: string) => (await readdir(dir).catch(() => [] as string[])).sort();
/** A first pass in `work/s<n>` taking from `work/<from>`, and what it keeps (as after a load) in `work/k<n>`. */
async function pass(input: string, work: string, n: number, from?: string): Promise<FileOutcome[]> {
  const keeper = new Keeper(from && path.join(work, from));
  const outcomes = await prepareInputs(input, path.join(work, `s${n}`), 4, undefined, undefined, undefined, keeper);
  await keepPrepared(outcomes, keeper, path.join(work, `k${n}`));
  return outcomes;
}
const taken = (outcomes: FileOutcome[]) => outcomes.filter((o) => o.prepared?.taken).map((o) => o.file.path).sort();
const entryOf = (work: string, n: number, o: FileOutcome) => path.join(work, `k${n}`, o.prepared!.key);

describe("the CSVs written from workbooks and GB18030 files, kept for the next run", () => {
  it("keeps only what the warehouse holds too, and a second pass takes it, the same bytes, without writing it again", async () => {
    const input = await folder();
    const work = await tmpDir("guopei-kept-work-");
    const first = await pass(input, work, 1);
    const f1 = byPath(first);
    expect(f1["trainees_gbk.csv"]!.encoding).toBe("gb18030");
    expect(f1["trainees_gbk (1).csv"]!.status).toBe("duplicate");
    // Two entries: the roster's (once, though delivered twice) and the projects workbook's.
    const kept = await entries(path.join(work, "k1"));
    expect(kept).toEqual([`${f1["projects.xlsx"]!.file.sha256}.xlsx`, `${f1["trainees_gbk.csv"]!.file.sha256}.csv`].sort());
    expect(f1["trainees_gbk.csv"]!.prepared!.key).toBe(`${f1["trainees_gbk.csv"]!.file.sha256}.csv`);
    // What is not kept was written all the same (the load reads it); a plain CSV is read as delivered.
    for (const name of ["institutions.xlsx", "counties.xlsx", "evaluations_I1.xlsx"]) expect(f1[name]!.prepared, name).toBeDefined();
    expect(f1["assessments.csv"]!.prepared).toBeUndefined();
    expect(f1["trainees_broken.xlsx"]!.status).toBe("refused");
    // The load reads from the pass's own folder or the input, never from a folder of entries.
    for (const p of first.flatMap((o) => o.parts)) expect(p.csv.startsWith(path.join(work, "s1")) || p.csv.startsWith(input), p.csv).toBe(true);
    expect(taken(first)).toEqual([]);
    // Nothing in what is kept names the person in a title row or a notes sheet, or holds a comment.
    for (const e of kept) for (const f of await entries(path.join(work, "k1", e))) {
      const text = await readFile(path.join(work, "k1", e, f), "utf8");
      for (const personal of ["张三", "李四", "王老师"]) expect(text.includes(personal), `${e}/${f}`).toBe(false);
    }

    const second = await pass(input, work, 2, "k1");
    const f2 = byPath(second);
    expect(taken(second)).toEqual(["projects.xlsx", "trainees_gbk.csv", "trainees_gbk (1).csv"].sort());
    expect(await csvs(second)).toEqual(await csvs(first));
    expect(await entries(path.join(work, "k2"))).toEqual(kept);
    // Taken by a link, not a copy (where the file system has them), and not written again.
    const linked = f2["trainees_gbk.csv"]!.parts[0]!.csv;
    expect((await stat(linked)).ino).toBe((await stat(f1["trainees_gbk.csv"]!.parts[0]!.csv)).ino);
    expect(second.map((o) => [o.file.path, o.status, o.kind, o.encoding, o.parts.map((p) => [p.kind, p.sheet, p.hasLineColumn, p.delim])])).toEqual(
      first.map((o) => [o.file.path, o.status, o.kind, o.encoding, o.parts.map((p) => [p.kind, p.sheet, p.hasLineColumn, p.delim])]),
    );
  }, 60_000);

  it("writes again what is not whole: a changed byte, a link in place of a file or a folder, an entry of other code", async () => {
    const input = await folder();
    const work = await tmpDir("guopei-kept-work-");
    const first = await pass(input, work, 1);
    const f1 = byPath(first);
    const want = await csvs(first);
    const roster = entryOf(work, 1, f1["trainees_gbk.csv"]!);
    const projects = entryOf(work, 1, f1["projects.xlsx"]!);
    // The roster's CSV changed in one byte (the same size); the projects' CSV a link to another file.
    const [rosterCsv] = (await entries(roster)).filter((f) => f.endsWith(".csv"));
    const bytes = await readFile(path.join(roster, rosterCsv!));
    bytes[bytes.length - 2] = bytes[bytes.length - 2] === 0x32 ? 0x33 : 0x32;
    // (A new file, not the one the first pass's outcome links to.)
    await unlink(path.join(roster, rosterCsv!));
    await writeFile(path.join(roster, rosterCsv!), bytes);
    const [projectsCsv] = (await entries(projects)).filter((f) => f.endsWith(".csv"));
    const elsewhere = path.join(work, "elsewhere.csv");
    await writeFile(elsewhere, await readFile(path.join(projects, projectsCsv!)));
    await unlink(path.join(projects, projectsCsv!));
    await symlink(elsewhere, path.join(projects, projectsCsv!));
    const second = await pass(input, work, 2, "k1");
    expect(taken(second)).toEqual([]);
    expect(await csvs(second)).toEqual(want);
    // Of other code (another version): written again too.
    const entry = path.join(work, "k2", path.basename(roster), "entry.json");
    await writeFile(entry, (await readFile(entry, "utf8")).replace(/"code":"[0-9a-f]+"/, '"code":"0000"'));
    const third = await pass(input, work, 3, "k2");
    expect(taken(third)).toEqual(["projects.xlsx"]);
    expect(await csvs(third)).toEqual(want);
    // A link to a folder elsewhere in place of the folder of entries, or of an entry: not followed.
    await symlink(path.join(work, "k3"), path.join(work, "k4"));
    const fourth = await pass(input, work, 5, "k4");
    expect(taken(fourth)).toEqual([]);
    await mkdir(path.join(work, "k6"));
    for (const e of await entries(path.join(work, "k3"))) await symlink(path.join(work, "k3", e), path.join(work, "k6", e));
    const fifth = await pass(input, work, 7, "k6");
    expect(taken(fifth)).toEqual([]);
    expect(await csvs(fifth)).toEqual(want);
  }, 60_000);

  it("keeps nothing of a file the load refuses, and --full takes nothing", async () => {
    const input = await folder();
    // A roster workbook whose header repeats a column: the load refuses it, after the first pass.
    await xlsx(path.join(input, "trainees_extra.xlsx"), { Sheet1: [["project_id", "teacher_id", "teacher_id"], ["P2025001", "T003", "T003"]] });
    const out = path.join(await tmpDir("guopei-kept-out-"), "results");
    await run({ input, out });
    const manifest = async () => JSON.parse(await readFile(path.join(out, "manifest.json"), "utf8")) as { prepared_reused: number; files: { path: string; status: string; message: string | null; sha256: string }[] };
    const m1 = await manifest();
    const refused = m1.files.find((f) => f.path === "trainees_extra.xlsx")!;
    expect(refused.status).toBe("refused");
    expect(refused.message).toMatch(/repeats the column/);
    const sha = (p: string) => m1.files.find((f) => f.path === p)!.sha256;
    expect(await entries(path.join(out, KEPT_FOLDER))).toEqual([`${sha("projects.xlsx")}.xlsx`, `${sha("trainees_gbk.csv")}.csv`].sort());
    expect(m1.prepared_reused).toBe(0);
    await run({ input, out });
    expect((await manifest()).prepared_reused).toBe(2);
    await run({ input, out, full: true });
    expect((await manifest()).prepared_reused).toBe(0);
    expect(await entries(path.join(out, KEPT_FOLDER))).toEqual([`${sha("projects.xlsx")}.xlsx`, `${sha("trainees_gbk.csv")}.csv`].sort());
    // A folder with nothing to keep leaves no folder of entries behind.
    const plain = await tmpDir("guopei-kept-plain-");
    await writeFile(path.join(plain, "projects.csv"), `${PROJECT_ROWS.map((r) => r.join(",")).join("\n")}\n`);
    await writeFile(path.join(plain, "trainees_broken.xlsx"), "PK\u0003\u0004 not a workbook");
    const plainOut = path.join(await tmpDir("guopei-kept-out-"), "results");
    await run({ input: plain, out: plainOut });
    expect((await readdir(plainOut)).filter((f) => f.startsWith("."))).toEqual([".guopei-output"]);
  }, 120_000);
});
