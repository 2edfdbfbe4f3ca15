// The row ids of a typed file are its lines (`rowid + 2` in rejects.csv, and the first of two rows
// with one key is the earlier line): every typed statement must keep the file's order. DuckDB keeps
// it only where every operator of the plan does (it then plans BATCH_CREATE_TABLE_AS); an IN list
// of six or more constants, planned as a join, once scrambled the rows of every file with a yes/no
// column (trainees: 2.2 M of 2.3 M national rows out of place, line numbers wrong).
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KINDS, SPECS } from "../../pipelines/ingest/contract.ts";
import { BATCH_ROWS, keysAtOnceFor, kindTableSql, loadWarehouse } from "../../pipelines/ingest/load.ts";
import { LABELS } from "../../pipelines/ingest/survey.ts";
import { typeCheckSql, type HeaderMap } from "../../pipelines/ingest/validate.ts";
import { openDb, type Db } from "../../pipelines/lib/db.ts";
import { loadPolicy } from "../../pipelines/lib/policy.ts";
import { generateDemo } from "../../data/generator/demo.ts";
import { tmpDir } from "../helpers.ts";

let db: Db;
let dir: string;

/** How DuckDB plans a statement's table write: BATCH_CREATE_TABLE_AS keeps the order rows come in; CREATE_TABLE_AS does not. */
async function tableWrite(sql: string, params?: Record<string, string>): Promise<string> {
  const [r] = await db.all<{ explain_value: string }>(`EXPLAIN (FORMAT json) ${sql}`, params);
  return (JSON.parse(r!.explain_value) as { name: string }[])[0]!.name;
}
beforeAll(async () => {
  db = await openDb(":memory:");
  dir = await tmpDir("guopei-order-");
});
afterAll(() => db.close());

describe("every typed statement keeps the file's order", () => {
  it("is planned as an order-keeping table write, for every kind, natively, as text, ASCII or not, with an extra column", async () => {
    const plans: string[] = [];
    for (const kind of KINDS) {
      const spec = SPECS[kind];
      const items = spec.items ? [spec.items.pattern.source.includes("q") ? "q01" : "f01"] : [];
      const headers: HeaderMap[] = [
        ...spec.cols.map((col): HeaderMap => ({ header: col.name, target: { kind: "col", col } })),
        ...items.map((id): HeaderMap => ({ header: id, target: { kind: "item", id } })),
        { header: "备注", target: { kind: "extra" } },
      ];
      const columns = headers.map((h) => h.header);
      const csv = path.join(dir, `${kind}.csv`);
      await writeFile(csv, `${columns.join(",")}\n`);
      for (const native of [true, false]) {
        for (const ascii of [true, false]) {
          const sql = typeCheckSql({ table: "t", spec, headers, itemScales: new Map(), defaultScale: { min: 1, max: 5 }, delim: ",", columns, labels: LABELS, native, ascii, textColumns: new Set(columns.slice(-2, -1)) });
          plans.push(`${kind} native=${native} ascii=${ascii}: ${await tableWrite(sql, { csv })}`);
        }
      }
    }
    expect(plans.filter((p) => !/: BATCH_CREATE_TABLE_AS$/.test(p))).toEqual([]);
    expect(plans).toHaveLength(KINDS.length * 4);
  });

  it("writes a kind of many files into one table in file order, then line", async () => {
    // Two typed files, a rejected row, and the view over them as the load makes it.
    await db.run(`CREATE OR REPLACE TABLE _c0 AS SELECT 'a' AS x, 'f0' AS _file, range + 2 AS _line, 0 AS _order FROM range(5)`);
    await db.run(`CREATE OR REPLACE TABLE _c1 AS SELECT 'b' AS x, 'f1' AS _file, range + 2 AS _line, 1 AS _order FROM range(5)`);
    await db.run(`CREATE OR REPLACE VIEW _k_checked AS SELECT * FROM _c0 UNION ALL BY NAME SELECT * FROM _c1`);
    await db.run(`CREATE OR REPLACE TABLE _rejected_rows AS SELECT 'k' AS kind, 'f0' AS _file, 3 AS _line`);
    // The files given out of order; written as one batch, then as a batch each (BATCH_ROWS read each).
    for (const read of [5, BATCH_ROWS]) {
      const files = [
        { order: 1, rows: "SELECT * FROM _c1", read },
        { order: 0, rows: "SELECT * FROM _c0", read },
      ];
      const statements = kindTableSql("k", "_k_checked", ["x", "_file", "_line"], files);
      expect(statements).toHaveLength(read === 5 ? 2 : 3);
      await db.run(`DROP TABLE IF EXISTS k`);
      await db.run(statements[0]!);
      // Each batch appended by an order-keeping write (its rows sorted by file, then line).
      for (const sql of statements.slice(1)) expect(await tableWrite(sql)).toBe("BATCH_INSERT");
      for (const sql of statements.slice(1)) await db.run(sql);
      const rows = await db.all<{ _file: string; _line: bigint }>(`SELECT _file, _line FROM k ORDER BY rowid`);
      expect(rows.map((r) => `${r._file}:${r._line}`)).toEqual(["f0:2", "f0:4", "f0:5", "f0:6", "f1:2", "f1:3", "f1:4", "f1:5", "f1:6"]);
    }
  });

  it("gives each row of a large trainee file its own line, read in parallel", async () => {
    // 600,000 rows (about 36 MB: read in parallel, several row groups), each row's line in its teacher id.
    const input = await tmpDir("guopei-order-in-");
    const header = "project_id,teacher_id,school_id,county_code,stage,subject,rural,title,years_teaching,backbone_level";
    const rows = Array.from({ length: 600_000 }, (_, i) => `P1,T${i + 2},S1,410101,primary,语文,${i % 2},一级教师,${i % 40},县级骨干`);
    await writeFile(path.join(input, "trainees.csv"), `${header}\n${rows.join("\n")}\n`);
    const w = await openDb(path.join(input, "w.duckdb"));
    try {
      await loadWarehouse(w, input, path.join(input, ".work"), await loadPolicy());
      const [r] = await w.all<{ n: bigint; wrong: bigint }>(`SELECT count(*) AS n, count(*) FILTER (WHERE teacher_id <> 'T' || _line) AS wrong FROM trainees`);
      expect(Number(r!.n)).toBe(600_000);
      expect(Number(r!.wrong)).toBe(0);
      // The loaded file is written without FSST (load.ts); what is written after the load, with it
      // (the same unique ids: FSST is DuckDB's choice for them).
      await w.run(`CREATE TABLE ids AS SELECT teacher_id FROM trainees`);
      await w.run("CHECKPOINT");
      const fsst = async (table: string) => Number((await w.all<{ n: bigint }>(`SELECT count(*) AS n FROM pragma_storage_info('${table}') WHERE compression = 'FSST'`))[0]!.n);
      const [typed] = await w.all<{ table_name: string }>(`SELECT table_name FROM _typed_parts`);
      expect(await fsst(typed!.table_name)).toBe(0);
      expect(await fsst("ids")).toBeGreaterThan(0);
    } finally {
      w.close();
    }
  }, 120_000);
});

describe("the check for repeated keys, a part of the keys at a time", () => {
  it("rejects the same rows for the same reasons as one grouping of all the keys", async () => {
    const input = await tmpDir("guopei-keys-");
    await generateDemo({ out: input, scale: 0.3, seed: 7 });
    const rejects = async (keysAtOnce?: number) => {
      const w = await openDb(":memory:");
      try {
        await loadWarehouse(w, input, path.join(await tmpDir("guopei-keys-work-"), ".work"), await loadPolicy(), { keysAtOnce });
        return await w.all<{ kind: string; file: string; line: bigint; reason: string; value: string }>(
          `SELECT kind, file, line, reason, value FROM rejects WHERE reason IN ('duplicate_row', 'duplicate_key') ORDER BY ALL`,
        );
      } finally {
        w.close();
      }
    };
    const whole = await rejects();
    // (A few hundred rows at a time: every kind's keys in several parts.)
    const parts = await rejects(500);
    expect(whole.filter((r) => r.reason === "duplicate_key").length).toBeGreaterThan(0);
    expect(parts).toEqual(whole);
  }, 120_000);

  it("sizes a part to DuckDB's memory limit: 40 bytes a key in 60 % of it", async () => {
    const atOnce = async (memoryLimit: string) => {
      const w = await openDb(":memory:", { memoryLimit });
      try {
        return await keysAtOnceFor(w);
      } finally {
        w.close();
      }
    };
    // (DuckDB names 1500MB "1.3 GiB", 300MB "286.1 MiB" and 8GB "7.4 GiB": 1.3 × 2^30 × 0.6 / 40 …)
    expect(await atOnce("1500MB")).toBe(20_937_965);
    expect(await atOnce("300MB")).toBe(4_499_963);
    expect(await atOnce("8GB")).toBe(119_185_342);
    // (1MB, "976.5 KiB", would be 14,999 keys a part: no part smaller than 100,000.)
    expect(await atOnce("1MB")).toBe(100_000);
  });
});
