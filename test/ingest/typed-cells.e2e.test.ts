// The typed pass against known answers, cell by cell: what each odd label, code or yes/no cell is
// read as, and what the row's notes count (the statement tests each cell once for being bare and
// reads labels as they are before lowering them: these answers hold it to the contract's reading).
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SPECS } from "../../pipelines/ingest/contract.ts";
import { LABELS } from "../../pipelines/ingest/survey.ts";
import { typeCheckSql, type HeaderMap } from "../../pipelines/ingest/validate.ts";
import { openDb, type Db } from "../../pipelines/lib/db.ts";
import { tmpDir } from "../helpers.ts";

let db: Db;
let dir: string;
beforeAll(async () => {
  db = await openDb(":memory:");
  dir = await tmpDir("guopei-typed-cells-");
});
afterAll(() => db.close());

let fileNo = 0;
const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

/**
 * One kind's file of `rows` (header → cell) through the text read and the native read (`both`; the
 * native read stops at a cell it leaves to the text read, load.ts's nativeRead); rows in file order.
 */
async function typed(kind: "attendance" | "trainees", rows: Record<string, string>[], ascii = false, both = true) {
  const spec = SPECS[kind];
  const columns = Object.keys(rows[0]!);
  const headers = columns.map((c): HeaderMap => ({ header: c, target: { kind: "col", col: spec.cols.find((x) => x.name === c)! } }));
  const csv = path.join(dir, `${kind}-${fileNo++}.csv`);
  await writeFile(csv, `${columns.join(",")}\n${rows.map((r) => columns.map((c) => quote(r[c]!)).join(",")).join("\n")}\n`);
  const out: Record<string, unknown>[][] = [];
  for (const native of both ? [false, true] : [false]) {
    await db.run("DROP TABLE IF EXISTS t");
    await db.run(typeCheckSql({ table: "t", spec, headers, itemScales: new Map(), defaultScale: { min: 1, max: 5 }, delim: ",", columns, labels: LABELS, native, ascii }), { csv });
    out.push(await db.all(`SELECT * EXCLUDE (_errors), to_json(_errors)::VARCHAR AS errors FROM t ORDER BY rowid`));
  }
  if (both) expect(out[1]).toEqual(out[0]);
  return out[0]!;
}

const visit = { project_id: "P1", teacher_id: "T1", session_id: "S1", session_date: "2023-04-06", session_type: "online", planned_minutes: "180", sign_in: "2023-04-06 07:54:00", sign_out: "2023-04-06 10:45:00", status: "present" };
const notes = (o: Partial<Record<"fullwidth" | "inner_spaces" | "chinese_labels", number>>) => ({ excel_dates: 0, fullwidth: 0, inner_spaces: 0, percentages: 0, chinese_labels: 0, ...o });

describe("the typed pass, cell by cell", () => {
  it("reads each way of writing a status or a session type as its code, and counts what it changed", async () => {
    const cases: [Partial<typeof visit>, Record<string, unknown>][] = [
      [{}, { status: "present", session_type: "online", _notes: null }],
      [{ status: "LATE", session_type: "Online" }, { status: "late", session_type: "online", _notes: null }],
      [{ status: " late " }, { status: "late", _notes: null }],
      [{ status: "出勤", session_type: "线上" }, { status: "present", session_type: "online", _notes: notes({ chinese_labels: 2 }) }],
      [{ status: "迟 到" }, { status: "late", _notes: notes({ inner_spaces: 1, chinese_labels: 1 }) }],
      [{ status: "ＬＡＴＥ" }, { status: "late", _notes: notes({ fullwidth: 1 }) }],
      [{ teacher_id: "T 1", project_id: "Ｐ1" }, { teacher_id: "T1", project_id: "P1", _notes: notes({ inner_spaces: 1, fullwidth: 1 }) }],
      // (DuckDB trims spaces only: a tab is removed as inner whitespace, and counted so.)
      [{ teacher_id: "T1\t" }, { teacher_id: "T1", _notes: notes({ inner_spaces: 1 }) }],
      [{ status: "bogus" }, { status: null, errors: '[{"column":"status","reason":"unknown_value","value":"bogus"}]' }],
      [{ status: "" }, { status: null, errors: '[{"column":"status","reason":"missing_required","value":null}]' }],
    ];
    const rows = await typed("attendance", cases.map(([cells]) => ({ ...visit, ...cells })));
    cases.forEach(([, want], i) => expect(rows[i], JSON.stringify(cases[i]![0])).toMatchObject({ errors: null, ...want }));
  });

  it("reads a time with a space inside it, around it or in full-width digits as the same time", async () => {
    // (A time's cell has a space inside: it is bare all the same when none is around it, and a
    // cell with one around it is trimmed. The text read: the native read stops at such cells.)
    const cells = ["2023-04-06 07:54:00", " 2023-04-06 07:54:00 ", "2023-04-06 07:54", "2023/04/06 07:54:00", "２０２３-０４-０６ ０７:５４:００", "2023-04-06 07:54:00 bis"];
    const rows = await typed("attendance", cells.map((sign_in) => ({ ...visit, sign_in })), false, false);
    expect(rows.map((r) => (r.sign_in as Date | null)?.toISOString() ?? null)).toEqual([...Array(5).fill("2023-04-06T07:54:00.000Z"), null]);
    expect(rows.map((r) => r._notes)).toEqual([null, null, null, null, notes({ fullwidth: 1 }), null]);
    expect(rows.at(-1)!.errors).toBe('[{"column":"sign_in","reason":"bad_datetime","value":"2023-04-06 07:54:00 bis"}]');
  });

  it("reads each way of writing yes and no, and nothing else", async () => {
    const base = { project_id: "P1", teacher_id: "T1", rural: "1" };
    const cells = ["1", "0", "TRUE", "false", "Yes", "n", "是", "否", "√", "×", " y ", "maybe"];
    const want = [true, false, true, false, true, false, true, false, true, false, true, null];
    const rows = await typed("trainees", cells.map((rural) => ({ ...base, rural })));
    expect(rows.map((r) => r.rural)).toEqual(want);
    expect(rows.at(-1)!.errors).toBe('[{"column":"rural","reason":"not_0_or_1","value":"maybe"}]');
  });

  it("reads an ASCII file's cells the same way by its shorter statement", async () => {
    const rows = await typed("attendance", [visit, { ...visit, status: "LATE ", teacher_id: "T 2" }, { ...visit, session_type: "bogus" }], true);
    expect(rows.map((r) => [r.status, r.teacher_id, r.session_type, r._notes])).toEqual([
      ["present", "T1", "online", null],
      ["late", "T2", "online", notes({ inner_spaces: 1 })],
      ["present", "T1", null, null],
    ]);
  });
});
