// The models layer: tables checked against their declarations, built in dependency order.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { KINDS } from "../../pipelines/ingest/contract.ts";
import { openDb, type Db } from "../../pipelines/lib/db.ts";
import { parsePolicy } from "../../pipelines/lib/policy.ts";
import { dataDictionary } from "../../pipelines/models/docs.ts";
import { MODELS } from "../../pipelines/models/index.ts";
import { buildModel, defineModel, ModelError, ordered, runModels, type Model, type RunContext } from "../../pipelines/models/model.ts";
import { ROOT, tmpDir } from "../helpers.ts";

const ctxOf = (db: Db): RunContext => ({ db, policy: parsePolicy({}), notes: {}, memo: new Map() });
async function withDb(f: (db: Db) => Promise<void>) {
  const db = await openDb(":memory:");
  try {
    await f(db);
  } finally {
    db.close();
  }
}

const made = (sql: string, columns: Model["columns"], key: string[] = []) =>
  defineModel({ name: "t", grain: "test", key, dependsOn: [], columns, build: { run: async ({ db }) => db.run(`CREATE OR REPLACE TABLE t AS ${sql}`) } });

/** A model `sample` of the rows of the loaded table `src` with k < 3, printed by its rows or not. */
const sampleOfSrc = (byRows: boolean) =>
  defineModel({ name: "sample", grain: "", key: ["k"], dependsOn: ["src"], printByContent: byRows, columns: { k: { type: "integer", doc: "" } }, build: { run: async ({ db }) => void (await db.run(`CREATE OR REPLACE TABLE sample AS SELECT k FROM src WHERE k < 3 ORDER BY k`)) } });

/** Run `models` in a warehouse file of `dir` whose loaded table `src` holds `src`, after the warehouse `previous` of the same folder; the models copied. */
async function runOver(dir: string, models: Model[], file: string, src: number[], previous?: string): Promise<string[]> {
  const db = await openDb(path.join(dir, file));
  try {
    await db.run(`CREATE TABLE src AS SELECT unnest(${JSON.stringify(src)}) AS k`);
    return (await runModels(models, ctxOf(db), { previous: previous && path.join(dir, previous) })).reused;
  } finally {
    db.close();
  }
}

describe("a model against its declaration", () => {
  it("fails loudly on a column declared but not produced, and on one produced but not declared", async () => {
    await withDb(async (db) => {
      const m = made(`SELECT 1 AS a, 'x' AS extra`, { a: { type: "integer", doc: "" }, b: { type: "number", doc: "" } });
      const err = await buildModel(ctxOf(db), m).catch((e) => e);
      expect(err).toBeInstanceOf(ModelError);
      expect(err.message).toContain("table t does not meet its declaration");
      expect(err.message).toContain("column b: declared but not produced");
      expect(err.message).toContain("column extra: produced but not declared");
    });
  });

  it("fails on a type of another family", async () => {
    await withDb(async (db) => {
      const err = await buildModel(ctxOf(db), made(`SELECT 'x' AS a`, { a: { type: "number", doc: "" } })).catch((e) => e);
      expect(err.message).toContain("column a: declared number, produced VARCHAR");
    });
  });

  it("refuses a 128-bit integer or decimal (a sum not cast), whatever its family", async () => {
    await withDb(async (db) => {
      const sum = `SELECT sum(x) AS n, sum(x) * 0.5 AS m FROM (VALUES (1), (2)) v(x)`;
      const err = await buildModel(ctxOf(db), made(sum, { n: { type: "integer", doc: "" }, m: { type: "number", doc: "" } })).catch((e) => e);
      expect(err.message).toContain("column n: produced HUGEINT, a 128-bit integer; cast it to BIGINT");
      expect(err.message).toContain("column m: produced DECIMAL(38,1), a 128-bit decimal; cast it to DECIMAL(18, s) or DOUBLE");
      await buildModel(ctxOf(db), made(`SELECT CAST(sum(x) AS BIGINT) AS n, CAST(sum(x) * 0.5 AS DECIMAL(18, 1)) AS m FROM (VALUES (1), (2)) v(x)`, { n: { type: "integer", doc: "" }, m: { type: "number", doc: "" } }));
      expect(await db.all(`SELECT n, CAST(m AS DOUBLE) AS m FROM t`)).toEqual([{ n: 3n, m: 1.5 }]);
    });
  });

  it("names the column, the check and example rows when values break a check", async () => {
    await withDb(async (db) => {
      const m = made(`SELECT * FROM (VALUES (1, 'ok', 0.5), (2, NULL, 1.5), (2, 'odd', 0.2)) v(id, tier, share)`, {
        id: { type: "integer", doc: "" },
        tier: { type: "text", doc: "", notNull: true, accepted: ["ok"] },
        share: { type: "number", doc: "", min: 0, max: 1 },
      }, ["id"]);
      const err = await buildModel(ctxOf(db), m).catch((e) => e);
      expect(err.message).toContain(`column tier: null values (declared not null): 1 row(s), e.g. {"id":2,"tier":null}`);
      expect(err.message).toContain(`column tier: values outside ok: 1 row(s), e.g. {"id":2,"tier":"odd"}`);
      expect(err.message).toContain(`column share: values above 1: 1 row(s), e.g. {"id":2,"share":1.5}`);
      expect(err.message).toContain(`key (id) not unique, e.g. {"id":2,"copies":2}`);
    });
  });

  it("finds every break its table's statistics cannot rule out, in any row group, and passes the clean table", async () => {
    // 300,000 rows (three row groups); each column breaks its check once, in the last row group, by
    // a value the statistics hide or cannot prove: 1 + 2⁻⁵², -1e-20, a decimal's 1 + 1e-17.
    const columns: Model["columns"] = {
      id: { type: "integer", doc: "" },
      k: { type: "integer", doc: "", accepted: ["0", "1", "2"] },
      share: { type: "number", doc: "", min: 0, max: 1 },
      low: { type: "number", doc: "", min: 0 },
      named: { type: "text", doc: "", notNull: true },
      d: { type: "number", doc: "", accepted: ["1"] },
      fine: { type: "number", doc: "", max: 1 },
    };
    const rows = (bad: boolean) => `SELECT range AS id,
        ${bad ? "CASE WHEN range = 299999 THEN 3 ELSE range % 3 END" : "range % 3"} AS k,
        ${bad ? "CASE WHEN range = 299998 THEN 1.0 + pow(2, -52) ELSE (range % 11) / 10.0 END" : "(range % 11) / 10.0"} AS share,
        ${bad ? "CASE WHEN range = 299997 THEN -1e-20 ELSE (range % 5) * 0.25 END" : "(range % 5) * 0.25e0"} AS low,
        ${bad ? "CASE WHEN range = 299996 THEN NULL ELSE 'x' END" : "'x'"} AS named,
        CAST(1 AS DECIMAL(4, 2)) AS d,
        ${bad ? "CASE WHEN range = 299995 THEN 1.00000000000000001 ELSE 0.5 END" : "0.5"}::DECIMAL(18, 17) AS fine
      FROM range(300000)`;
    await withDb(async (db) => {
      const err = await buildModel(ctxOf(db), made(rows(true), columns, ["id"])).catch((e) => e);
      expect(err).toBeInstanceOf(ModelError);
      for (const want of [
        `column k: values outside 0/1/2: 1 row(s), e.g. {"id":299999,"k":3}`,
        `column share: values above 1: 1 row(s), e.g. {"id":299998,"share":1.0000000000000002}`,
        `column low: values below 0: 1 row(s), e.g. {"id":299997,"low":-1e-20}`,
        `column named: null values (declared not null): 1 row(s), e.g. {"id":299996,"named":null}`,
        // (A decimal 1.00 is not the accepted text "1", bounds or not.)
        `column d: values outside 1: 300000 row(s)`,
        // (A decimal's bound is more digits than a double holds: 1 + 1e-17 is not 1.)
        `column fine: values above 1: 1 row(s)`,
      ]) expect(err.message).toContain(want);
      const clean = await buildModel(ctxOf(db), made(rows(false), { ...columns, d: { type: "number", doc: "" } }, ["id"])).catch((e) => e);
      expect(clean).toBeTypeOf("number");
    });
  });

  it("writes TypeScript rows by column name, and refuses a row with a column missing or undeclared", async () => {
    await withDb(async (db) => {
      const rowsModel = (rows: Record<string, unknown>[]) =>
        defineModel({ name: "r", grain: "test", key: ["k"], dependsOn: [], columns: { k: { type: "text", doc: "" }, v: { type: "number", doc: "" } }, build: { rows: async () => rows } });
      // Keys in any order: matched by name, not position.
      await buildModel(ctxOf(db), rowsModel([{ v: 2.5, k: "a" }]));
      expect(await db.all(`SELECT * FROM r`)).toEqual([{ k: "a", v: 2.5 }]);
      await expect(buildModel(ctxOf(db), rowsModel([{ k: "a", v: 1, n_effective: 3 }]))).rejects.toThrow(/row 1 has undeclared column\(s\) n_effective/);
      await expect(buildModel(ctxOf(db), rowsModel([{ k: "a" }]))).rejects.toThrow(/row 1 lacks declared column\(s\) v/);
    });
  });
});

describe("the run order", () => {
  const m = (name: string, dependsOn: string[]) => defineModel({ name, grain: "", key: [], dependsOn, columns: {}, build: { run: async () => {} } });
  // A model that runs `run` on the run's context, then writes its one-row table.
  const acting = (name: string, dependsOn: string[], run: (c: RunContext) => void) =>
    defineModel({ name, grain: "", key: ["k"], dependsOn, columns: { k: { type: "integer", doc: "" } }, build: { run: async (c) => { run(c); await c.db.run(`CREATE OR REPLACE TABLE ${name} AS SELECT 1 AS k`); } } });

  it("puts every model after what it reads, whatever the list order", () => {
    expect(ordered([m("c", ["b"]), m("b", ["a", "input"]), m("a", [])]).map((x) => x.name)).toEqual(["a", "b", "c"]);
  });

  it("refuses a cycle, and a dependency that is neither a model nor a table", async () => {
    expect(() => ordered([m("a", ["b"]), m("b", ["a"])])).toThrow(/dependency cycle: a → b → a/);
    await withDb(async (db) => {
      await expect(runModels([m("a", ["nowhere"])], ctxOf(db))).rejects.toThrow(/depends on nowhere, which is neither a model nor a loaded table/);
    });
  });

  it("times each model and, apart, all the checks together", async () => {
    await withDb(async (db) => {
      const built = (name: string, dependsOn: string[]) =>
        defineModel({ name, grain: "", key: ["k"], dependsOn, columns: { k: { type: "integer", doc: "", notNull: true } }, build: { run: async (ctx) => void (await ctx.db.run(`CREATE OR REPLACE TABLE ${name} AS SELECT range AS k FROM range(1000)`)) } });
      const { seconds } = await runModels([built("b", ["a"]), built("a", [])], ctxOf(db));
      expect(Object.keys(seconds)).toEqual(["a", "b", "checks"]);
      expect(seconds.checks).toBeGreaterThan(0);
      expect(seconds.checks).toBeLessThanOrEqual(seconds.a! + seconds.b! + 0.002);
    });
  });

  it("lets go of what a model leaves in memo once every model that reads it is built, not before", async () => {
    await withDb(async (db) => {
      const ctx = ctxOf(db);
      const seen: string[] = [];
      const model = acting;
      // a leaves its result; b and c read it; d comes after them and reads nothing of a.
      const models = [
        model("a", [], (c) => void c.memo.set("a", [1, 2, 3])),
        model("b", ["a"], (c) => seen.push(`b:${c.memo.has("a")}`)),
        model("c", ["a", "b"], (c) => seen.push(`c:${c.memo.has("a")}`)),
        model("d", ["c"], (c) => seen.push(`d:${c.memo.has("a")}`)),
      ];
      ctx.memo.set("as_of", "2026-12-01");
      await runModels(models, ctx);
      expect(seen).toEqual(["b:true", "c:true", "d:false"]);
      // A value under another name than a model's (the as-of date) is kept.
      expect([...ctx.memo.keys()]).toEqual(["as_of"]);
    });
  });

  it("collects what it lets go of at once, not when V8 would get to it", async () => {
    await withDb(async (db) => {
      const ctx = ctxOf(db);
      let ref: WeakRef<object> | undefined;
      const alive: boolean[] = [];
      const model = acting;
      const models = [
        model("a", [], (c) => {
          const rows = Array.from({ length: 1000 }, (_, i) => ({ i }));
          ref = new WeakRef(rows);
          c.memo.set("a", rows);
        }),
        model("b", ["a"], () => void alive.push(ref!.deref() !== undefined)),
        model("c", ["b"], () => void alive.push(ref!.deref() !== undefined)),
      ];
      await runModels(models, ctx);
      // Held while b reads it; collected once b, its last reader, is built.
      expect(alive).toEqual([true, false]);
    });
  });

  it("a model printed by its rows lets what reads it be taken from the previous run when those rows did not change, though its inputs did", async () => {
    const dir = await tmpDir("guopei-print-by-rows-");
    const fits: string[] = [];
    // src (a loaded table) → sample (the rows with k < 3) → fit (counts its builds).
    const models = (byRows: boolean) => [
      sampleOfSrc(byRows),
      defineModel({
        name: "fit",
        grain: "",
        key: ["n"],
        dependsOn: ["sample"],
        columns: { n: { type: "integer", doc: "" } },
        build: { run: async ({ db }) => (fits.push("built"), void (await db.run(`CREATE OR REPLACE TABLE fit AS SELECT count(*) AS n FROM sample`))) },
      }),
    ];
    const runWith = (file: string, src: number[], byRows: boolean, previous?: string) => runOver(dir, models(byRows), file, src, previous);
    expect(await runWith("a.duckdb", [1, 2, 5], true)).toEqual([]);
    // A row the sample leaves out: the sample is built again, its rows are the same, the fit is taken.
    expect(await runWith("b.duckdb", [1, 2, 5, 7], true, "a.duckdb")).toEqual(["fit"]);
    // Judged by its inputs instead, the fit would be built again.
    expect(await runWith("c.duckdb", [1, 2, 5], false)).toEqual([]);
    expect(await runWith("d.duckdb", [1, 2, 5, 7], false, "c.duckdb")).toEqual([]);
    // A row the sample takes: the fit is built again.
    fits.length = 0;
    expect(await runWith("e.duckdb", [0, 1, 2, 5], true, "b.duckdb")).toEqual([]);
    expect(fits).toEqual(["built"]);
  });

  it("builds a model that leaves results in memo, though its rows' input did not change, when a model reading them is built", async () => {
    const dir = await tmpDir("guopei-print-memo-");
    const seen: string[] = [];
    // src → sample (by rows) → shared (leaves memo) → reader (reads the memo, and src itself).
    const models = [
      sampleOfSrc(true),
      defineModel({
        name: "shared",
        grain: "",
        key: ["k"],
        dependsOn: ["sample"],
        sharesMemo: true,
        columns: { k: { type: "integer", doc: "" } },
        build: { run: async ({ db, memo }) => (memo.set("shared", "fitted"), void (await db.run(`CREATE OR REPLACE TABLE shared AS SELECT k FROM sample`))) },
      }),
      defineModel({
        name: "reader",
        grain: "",
        key: ["n"],
        dependsOn: ["shared", "src"],
        columns: { n: { type: "integer", doc: "" } },
        build: { run: async ({ db, memo }) => (seen.push(String(memo.get("shared"))), void (await db.run(`CREATE OR REPLACE TABLE reader AS SELECT count(*) AS n FROM src`))) },
      }),
    ];
    const runWith = (file: string, src: number[], previous?: string) => runOver(dir, models, file, src, previous);
    await runWith("a.duckdb", [1, 2, 5]);
    // The sample's rows are the same, the reader's own input is not: shared is built for it.
    expect(await runWith("b.duckdb", [1, 2, 5, 7], "a.duckdb")).toEqual([]);
    expect(seen).toEqual(["fitted", "fitted"]);
  });

  it("every model reads only models, input kinds and the load's own tables; SQL models have their file", () => {
    const known = new Set<string>([...MODELS.map((x) => x.name), ...KINDS, "evaluation_answers", "followup_answers", "rejects"]);
    for (const model of MODELS) {
      for (const d of model.dependsOn) expect(known.has(d), `${model.name} reads ${d}`).toBe(true);
      expect(existsSync(path.join(ROOT, "pipelines", "models", `${model.name}.sql`)), model.name).toBe("sql" in model.build);
      for (const k of model.key) expect(Object.keys(model.columns), `${model.name} key ${k}`).toContain(k);
    }
    expect(new Set(MODELS.map((x) => x.name)).size).toBe(MODELS.length);
  });
});

it("docs/data-dictionary.md is generated from the declarations (run `npm run docs` after changing a model)", async () => {
  const text = await readFile(path.join(ROOT, "docs", "data-dictionary.md"), "utf8");
  expect(text).toBe(dataDictionary());
  expect(text).toContain("## institution_scores");
  expect(text).toContain("| weight | number | not null; 0.0 / 0.5 / 1.0 |");
});
