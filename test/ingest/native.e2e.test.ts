// (An e2e file for its time alone: some 400 statements.)
// The native read (numbers, dates and times typed by DuckDB's CSV reader) against the text read
// (every cell as text, typed in SQL): on any file, the native read either stops (and the file is read
// as text) or gives exactly the table the text read gives, row for row, errors and counts included.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SPECS, type ColSpec, type KindSpec } from "../../pipelines/ingest/contract.ts";
import { LABELS } from "../../pipelines/ingest/survey.ts";
import { typeCheckSql, type HeaderMap } from "../../pipelines/ingest/validate.ts";
import { openDb, type Db } from "../../pipelines/lib/db.ts";
import { tmpDir } from "../helpers.ts";

// Attendance with two more typed columns (an integer with a range, a required integer), and two items.
const byName = (kind: keyof typeof SPECS, name: string) => SPECS[kind].cols.find((c) => c.name === name)!;
const spec: KindSpec = { ...SPECS.attendance, cols: [...SPECS.attendance.cols, byName("trainees", "years_teaching"), byName("projects", "year")] };
const headers: HeaderMap[] = [
  ...spec.cols.map((col): HeaderMap => ({ header: col.name, target: { kind: "col", col } })),
  { header: "q01", target: { kind: "item", id: "q01" } },
  { header: "q02", target: { kind: "item", id: "q02" } },
  { header: "备注", target: { kind: "extra" } },
];
const columns = headers.map((h) => h.header);

// Cells as offices and platforms write them: clean ones, and every way a cell can be odd.
const NUMBERS = ["180", "0", "1440", "45.5", " 180", "180 ", "1e3", "1E2", "+5", "-0", ".5", "5.", "00012", "1,000", "NaN", "nan", "inf", "-inf", "Infinity", "５", "5%", "0x10", "1_000", "", "  ", "abc", "2000", "-1", "1440.0001", "1e400", "9223372036854775807", "1e19"];
const DATES = ["2023-04-06", "2024-02-29", "2023-4-6", "2023/04/06", "2023/4/6", "2023.04.06", "2023-04-06 10:00:00", "20230406", "45123", "45123.5", "1899-12-31", "2101-01-01", "1900-01-01", "2023-02-30", "2023-04-06T10:00", " 2023-04-06", "２０２３-04-06", "", "infinity", "epoch", "2023-04-06 (BC)", "0001-01-01", "2023-13-01"];
const TIMES = ["2023-04-06 07:54:00", "2023-04-06 07:54", "2023-04-06T07:54:00", "2023-04-06 07:54:00.123", "2023-04-06 07:54:00+08", "2023-04-06 07:54:00+08:00", "2023-04-06", "2023/04/06 07:54", "2023-04-06 24:00:00", "2023-04-06 7:54", "45123.25", "", "now", "infinity", "2023-04-06 07:54:60", " 2023-04-06 08:00:00", "2023-04-06 08:00:00 "];
const ITEMS = ["1", "2", "3", "4", "5", "0", "6", "5.0", "4.5", " 3", "非常满意", "5分", "５", "", "NaN", "3e0", "-1", "1e1"];
const YEARS = ["2023", "2024.0", "1999", "2101", "", "二〇二三", "2023.5"];
const TEXT = ["P1", "T1", " T2", "Ｔ3", "T 4", "", "present", "迟到", "late", "bogus", "online", "线上"];

function cellsFor(col: ColSpec | undefined, header: string): fc.Arbitrary<string> {
  const pool = !col ? (header.startsWith("q") ? ITEMS : TEXT) : col.name === "year" ? YEARS : col.type === "int" || col.type === "num" ? NUMBERS : col.type === "date" ? DATES : col.type === "ts" ? TIMES : TEXT;
  return fc.constantFrom(...pool);
}
const clean: Record<string, string> = { project_id: "P1", teacher_id: "T1", session_id: "S1", session_date: "2023-04-06", session_type: "online", planned_minutes: "180", sign_in: "2023-04-06 07:54:00", sign_out: "2023-04-06 10:45:00", status: "present", years_teaching: "12", year: "2023", q01: "5", q02: "4", 备注: "" };

const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
const csvOf = (rows: string[][]) => `${columns.join(",")}\n${rows.map((r) => r.map(quote).join(",")).join("\n")}\n`;

let db: Db;
let dir: string;
beforeAll(async () => {
  db = await openDb(":memory:");
  dir = await tmpDir("guopei-native-");
});
afterAll(() => db.close());

let fileNo = 0;
/** Both reads of one file: the native table (or null where the native read stopped) and the text table. */
async function bothReads(rows: string[][]): Promise<{ native: unknown[] | null; text: unknown[] }> {
  const csv = path.join(dir, `${fileNo++}.csv`);
  await writeFile(csv, csvOf(rows));
  const sql = (native: boolean, table: string) => typeCheckSql({ table, spec, headers, itemScales: new Map([["q02", { min: 0, max: 10 }]]), defaultScale: { min: 1, max: 5 }, delim: ",", columns, labels: LABELS, native });
  const read = async (table: string) => db.all(`SELECT rowid AS _row, * FROM ${table} ORDER BY rowid`);
  await db.run("DROP TABLE IF EXISTS n; DROP TABLE IF EXISTS t");
  let native: unknown[] | null = null;
  try {
    await db.run(sql(true, "n"), { csv });
    native = await read("n");
  } catch {
    native = null;
  }
  await db.run(sql(false, "t"), { csv });
  return { native, text: await read("t") };
}

describe("the native read", () => {
  it("reads a clean file natively, with the text read's table", async () => {
    const rows = [columns.map((c) => clean[c]!), columns.map((c) => (c === "q02" ? "9" : c === "备注" ? "好" : clean[c]!))];
    const { native, text } = await bothReads(rows);
    expect(native).not.toBeNull();
    expect(native).toEqual(text);
    expect(text).toHaveLength(2);
  });

  it("stops where the text read would change a cell or report its text (Excel serial day, full-width digits, off the scale)", async () => {
    for (const [col, value] of [["session_date", "45123"], ["planned_minutes", "５"], ["q01", "6"], ["planned_minutes", "2000"], ["planned_minutes", "NaN"], ["q01", "4.5"], ["sign_in", "now"]] as const) {
      const { native, text } = await bothReads([columns.map((c) => (c === col ? value : clean[c]!))]);
      expect(native, `${col} = ${value}`).toBeNull();
      expect(text).toHaveLength(1);
    }
  });

  it("gives the text read's table whenever it does not stop, on files of odd cells", async () => {
    let nativeReads = 0;
    const row = fc.tuple(...headers.map((h) => fc.oneof({ weight: 12, arbitrary: fc.constant(clean[h.header]!) }, { weight: 1, arbitrary: cellsFor(h.target.kind === "col" ? h.target.col : undefined, h.header) })));
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 4 }), async (rows) => {
        const { native, text } = await bothReads(rows);
        if (native === null) return;
        nativeReads++;
        expect(native).toEqual(text);
      }),
      // A fixed seed: the same 100 files on every run (a drawn seed once gave only 6 native
      // reads; this one gives 48), most cells clean so that most files have one or two odd cells.
      { numRuns: 100, seed: 20261204 },
    );
    // Not a test of nothing: many of those files were read natively.
    expect(nativeReads).toBeGreaterThan(30);
  }, 120_000);

  it("gives the text read's table, value for value, for each odd cell alone", async () => {
    let nativeReads = 0;
    for (const h of headers) {
      const pool = h.header === "q01" || h.header === "q02" ? ITEMS : h.target.kind === "col" && h.target.col.name === "year" ? YEARS : h.target.kind === "col" ? { int: NUMBERS, num: NUMBERS, date: DATES, ts: TIMES }[h.target.col.type as "int"] ?? TEXT : TEXT;
      for (const value of pool) {
        const { native, text } = await bothReads([columns.map((c) => (c === h.header ? value : clean[c]!))]);
        if (native === null) continue;
        nativeReads++;
        expect(native, `${h.header} = ${JSON.stringify(value)}`).toEqual(text);
      }
    }
    expect(nativeReads).toBeGreaterThan(50);
  }, 120_000);
});

describe("a file the scan vouches for: ASCII throughout, or without a tab", () => {
  // Every ASCII cell of the pools above, and ASCII cells with spaces, tabs and percentages.
  const isAscii = (x: string) => /^[\x00-\x7f]*$/.test(x);
  const ODD = ["T\t5", "\tT6", "P 1 2", "  P1  ", "5 %", "50%", " late ", "LATE", "Online", "y"];
  /** Rows mostly of clean cells, else of each column's pool and the odd cells, those `keep` keeps. */
  const rowOf = (keep: (cell: string) => boolean) => {
    const pool = (h: HeaderMap) => {
      const col = h.target.kind === "col" ? h.target.col : undefined;
      const base = !col ? (h.header.startsWith("q") ? ITEMS : TEXT) : col.name === "year" ? YEARS : col.type === "int" || col.type === "num" ? NUMBERS : col.type === "date" ? DATES : col.type === "ts" ? TIMES : TEXT;
      return fc.constantFrom(...[...base, ...ODD].filter(keep));
    };
    return fc.tuple(...headers.map((h) => fc.oneof({ weight: 4, arbitrary: fc.constant(clean[h.header]!) }, { weight: 1, arbitrary: pool(h) })));
  };
  /** The table one statement gives (its rows with row ids), or null where it stopped. */
  async function table(csv: string, native: boolean, asciiFile: boolean, tabs?: boolean): Promise<unknown[] | null> {
    const sql = typeCheckSql({ table: "a", spec, headers, itemScales: new Map([["q02", { min: 0, max: 10 }]]), defaultScale: { min: 1, max: 5 }, delim: ",", columns, labels: LABELS, native, ascii: asciiFile, tabs });
    // (Without a tab in the file, no cell is searched for one.)
    expect(sql.includes("chr(9)")).toBe(tabs !== false);
    await db.run("DROP TABLE IF EXISTS a");
    try {
      await db.run(sql, { csv });
    } catch (e) {
      if (native) return null;
      throw e;
    }
    return db.all(`SELECT rowid AS _row, * FROM a ORDER BY rowid`);
  }

  it("is typed by the shorter statements into the same table, natively and as text", async () => {
    let compared = 0;
    const row = rowOf(isAscii);
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 4 }), async (rows) => {
        const csv = path.join(dir, `${fileNo++}.csv`);
        await writeFile(csv, csvOf(rows));
        for (const native of [false, true]) {
          const general = await table(csv, native, false);
          expect(await table(csv, native, true)).toEqual(general);
          if (general) compared++;
        }
      }),
      { numRuns: 60, seed: 20261205 },
    );
    expect(compared).toBeGreaterThan(60);
  }, 120_000);

  it("without a tab byte, is typed by statements that search no cell for tabs into the same table", async () => {
    let compared = 0;
    const row = rowOf((x) => !x.includes("\t"));
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 4 }), async (rows) => {
        const csv = path.join(dir, `${fileNo++}.csv`);
        const text = csvOf(rows);
        expect(text.includes("\t")).toBe(false);
        await writeFile(csv, text);
        const asciiFile = isAscii(text);
        for (const native of [false, true]) {
          const general = await table(csv, native, asciiFile);
          expect(await table(csv, native, asciiFile, false)).toEqual(general);
          if (general) compared++;
        }
      }),
      { numRuns: 60, seed: 20261207 },
    );
    expect(compared).toBeGreaterThan(60);
  }, 120_000);

  it("is recognised by the scan, whatever its header: one Chinese character in a cell and it is not", async () => {
    const { prepareInputs } = await import("../../pipelines/ingest/prepare.ts");
    const input = await tmpDir("guopei-ascii-");
    const rows = [columns.map((c) => clean[c]!)];
    await writeFile(path.join(input, "attendance_a.csv"), csvOf(rows));
    await writeFile(path.join(input, "attendance_b.csv"), csvOf([...rows, columns.map((c) => (c === "status" ? "迟到" : clean[c]!))]));
    const outcomes = await prepareInputs(input, path.join(input, ".work"));
    const byName = Object.fromEntries(outcomes.map((o) => [o.file.path, o.file.ascii]));
    expect(byName).toEqual({ "attendance_a.csv": true, "attendance_b.csv": false });
  });

  it("has its tabs found by the scan: one tab in one cell and every cell is searched for them", async () => {
    const input = await tmpDir("guopei-tabs-");
    const rows = [columns.map((c) => clean[c]!)];
    await writeFile(path.join(input, "attendance_a.csv"), csvOf(rows));
    const cells = (cells: Record<string, string>) => columns.map((c) => cells[c] ?? clean[c]!);
    await writeFile(path.join(input, "attendance_b.csv"), csvOf([cells({ session_id: "S2" }), cells({ session_id: "S3", teacher_id: "T\t5" })]));
    const { loadWarehouse } = await import("../../pipelines/ingest/load.ts");
    const { loadPolicy } = await import("../../pipelines/lib/policy.ts");
    const w = await openDb(":memory:");
    try {
      const load = await loadWarehouse(w, input, path.join(input, ".work"), await loadPolicy());
      expect(Object.fromEntries(load.outcomes.map((o) => [o.file.path, o.file.tabs]))).toEqual({ "attendance_a.csv": false, "attendance_b.csv": true });
      // (The tab inside the code is taken out, and counted, as in any file.)
      expect(await w.all(`SELECT teacher_id FROM attendance WHERE _file = 'attendance_b.csv' ORDER BY _line`)).toEqual([{ teacher_id: clean.teacher_id }, { teacher_id: "T5" }]);
    } finally {
      w.close();
    }
  });
});

describe("the native read, column by column", () => {
  const statement = (table: string, native: boolean) => (textColumns?: ReadonlySet<string>) =>
    typeCheckSql({ table, spec, headers, itemScales: new Map([["q02", { min: 0, max: 10 }]]), defaultScale: { min: 1, max: 5 }, delim: ",", columns, labels: LABELS, native, textColumns });
  /** What the load does (nativeRead, else the text read) and the text read alone, of one file. */
  async function loadAndText(rows: string[][]): Promise<{ asText: string[] | undefined; loaded: unknown[]; text: unknown[] }> {
    const { nativeRead } = await import("../../pipelines/ingest/load.ts");
    const csv = path.join(dir, `${fileNo++}.csv`);
    await writeFile(csv, csvOf(rows));
    await db.run("DROP TABLE IF EXISTS n; DROP TABLE IF EXISTS t");
    const asText = await nativeRead(db, "n", headers, statement("n", true), csv);
    if (!asText) await db.run(statement("n", false)(), { csv });
    await db.run(statement("t", false)(), { csv });
    const read = async (table: string) => db.all(`SELECT rowid AS _row, * FROM ${table} ORDER BY rowid`);
    return { asText, loaded: await read("n"), text: await read("t") };
  }
  const cleanRow = () => columns.map((c) => clean[c]!);
  const withCells = (cells: Record<string, string>) => columns.map((c) => cells[c] ?? clean[c]!);

  it("reads as text only the column whose cell stopped it, and gives the text read's table", async () => {
    // Out of range (reported with its text), not a number for the reader, an Excel serial day.
    for (const [col, value] of [["planned_minutes", "2000"], ["planned_minutes", "abc"], ["session_date", "45123"], ["sign_in", "now"]] as const) {
      const { asText, loaded, text } = await loadAndText([cleanRow(), withCells({ [col]: value }), cleanRow()]);
      expect(asText, `${col} = ${value}`).toEqual([col]);
      expect(loaded).toEqual(text);
    }
    // Two odd columns: two stops, both columns as text.
    const two = await loadAndText([withCells({ planned_minutes: "2000" }), withCells({ sign_out: "45123.5" })]);
    expect(two.asText).toEqual(["planned_minutes", "sign_out"]);
    expect(two.loaded).toEqual(two.text);
  });

  it("reads every item as text when one item stops it (a survey's answers are written one way)", async () => {
    const { asText, loaded, text } = await loadAndText([cleanRow(), withCells({ q01: "非常满意" })]);
    expect(asText).toEqual(["q01", "q02"]);
    expect(loaded).toEqual(text);
  });

  it("reads the whole file as text after three stops, or a stop that names no column", async () => {
    const four = await loadAndText([withCells({ planned_minutes: "2000", session_date: "45123", sign_in: "now", years_teaching: "abc" })]);
    expect(four.asText).toBeUndefined();
    expect(four.loaded).toEqual(four.text);
    // A row wider than the header: the reader names no column.
    const csv = path.join(dir, `${fileNo++}.csv`);
    await writeFile(csv, `${csvOf([cleanRow()])}${cleanRow().join(",")},extra\n`);
    const { nativeRead } = await import("../../pipelines/ingest/load.ts");
    await db.run("DROP TABLE IF EXISTS n");
    expect(await nativeRead(db, "n", headers, statement("n", true), csv)).toBeUndefined();
    expect(await db.all(`SELECT 1 FROM duckdb_tables() WHERE table_name = 'n'`)).toEqual([]);
  });

  it("gives the text read's table on files of odd cells, most of them read natively", async () => {
    let natively = 0;
    let someAsText = 0;
    const row = fc.tuple(...headers.map((h) => fc.oneof({ weight: 12, arbitrary: fc.constant(clean[h.header]!) }, { weight: 1, arbitrary: cellsFor(h.target.kind === "col" ? h.target.col : undefined, h.header) })));
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 4 }), async (rows) => {
        const { asText, loaded, text } = await loadAndText(rows);
        expect(loaded).toEqual(text);
        if (asText) natively++;
        if (asText?.length) someAsText++;
      }),
      { numRuns: 100, seed: 20261205 },
    );
    // Not a test of nothing: the files read natively with some columns as text are many.
    expect(someAsText).toBeGreaterThan(25);
    expect(natively).toBeGreaterThan(80);
  }, 180_000);
});
