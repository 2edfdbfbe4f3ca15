// Output shaping, one file per entity (publish/entities/): every file has one owner, the public
// files of every entity hold no teacher-level column, and the restricted ones are where those go.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openDb } from "../../pipelines/lib/db.ts";
import { setQuiet } from "../../pipelines/lib/log.ts";
import { loadPolicy } from "../../pipelines/lib/policy.ts";
import { csvParams } from "../../pipelines/publish/entity.ts";
import { ENTITIES } from "../../pipelines/publish/entities/index.ts";
import { collectOutputs, OUTPUTS, RESTRICTED_OUTPUTS } from "../../pipelines/publish/outputs.ts";
import { run } from "../../pipelines/run.ts";
import { MINI, tmpDir, writeFiles } from "../helpers.ts";

const TEACHER_LEVEL = ["teacher_id", "school_id", "risk"];

describe("publish entities", () => {
  let dbFile: string;
  let manifestOutputs: string[];
  beforeAll(async () => {
    setQuiet(true);
    const dir = await tmpDir();
    await writeFiles(path.join(dir, "in"), MINI);
    const result = await run({ input: path.join(dir, "in"), out: path.join(dir, "out") });
    dbFile = result.dbFile;
    manifestOutputs = JSON.parse(await readFile(path.join(dir, "out", "manifest.json"), "utf8")).outputs;
  }, 60_000);

  it("refuses a file that two entities publish", () => {
    const a = { csv: { "x.csv": "SELECT 1" } };
    expect(() => collectOutputs({ a, b: { csv: { "x.csv": "SELECT 2" } } }, "csv")).toThrow(/x\.csv is published by both the a and the b entity/);
    const taken = new Map<string, string>();
    collectOutputs({ a }, "csv", taken);
    expect(() => collectOutputs({ b: { restrictedCsv: { "x.csv": "SELECT 2" } } }, "restrictedCsv", taken)).toThrow(/both/);
  });

  it("a run writes every entity's CSV files (and the rejects) and lists them in its manifest", () => {
    expect([...manifestOutputs].sort()).toEqual([...Object.keys(OUTPUTS), ...Object.keys(RESTRICTED_OUTPUTS), "rejects.csv"].sort());
  });

  it("every CSV is written in an order of its own (its query ends with ORDER BY): DuckDB writes a plain table's rows in the order its threads finish, so two runs of the same inputs gave one file in two orders", () => {
    const unordered = Object.values(ENTITIES).flatMap((e) => Object.entries({ ...e.csv, ...e.restrictedCsv }).filter(([, sql]) => !/\bORDER BY [^()]*$/i.test(sql.trim())).map(([f]) => f));
    expect(unordered).toEqual([]);
    expect(Object.values(ENTITIES).flatMap((e) => Object.keys({ ...e.csv, ...e.restrictedCsv }))).toEqual(expect.arrayContaining(["hours_compliance.csv", "teacher_warnings.csv", "project_tiers.csv"]));
  });

  it("no public CSV has a teacher-level column; the restricted files carry them", async () => {
    const policy = await loadPolicy();
    const db = await openDb(dbFile, { readOnly: true });
    try {
      const columns = async (sql: string) => (await db.all<{ column_name: string }>(`DESCRIBE (${sql})`, csvParams(sql, policy))).map((c) => c.column_name);
      for (const [file, sql] of Object.entries(OUTPUTS)) expect({ file, columns: (await columns(sql)).filter((c) => TEACHER_LEVEL.includes(c)) }).toEqual({ file, columns: [] });
      expect(await columns(RESTRICTED_OUTPUTS["teacher_warnings.csv"]!)).toContain("teacher_id");
      expect(await columns(RESTRICTED_OUTPUTS["hours_by_school.csv"]!)).toContain("school_id");
    } finally {
      db.close();
    }
  });

  it("the public page data of every entity names no teacher-level field; the restricted build adds the warnings", async () => {
    const policy = await loadPolicy();
    const db = await openDb(dbFile, { readOnly: true });
    try {
      const keys = (v: unknown, out = new Set<string>()): Set<string> => {
        if (Array.isArray(v)) v.forEach((x) => keys(x, out));
        else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) out.add(k), keys(x, out);
        return out;
      };
      const site = async (restricted: boolean) => {
        const files: Record<string, unknown> = {};
        for (const e of Object.values(ENTITIES)) Object.assign(files, await e.site?.({ db, policy, restricted, analysis: {}, inputs: [], forReports: {} }));
        return files;
      };
      const pub = await site(false);
      expect(Object.keys(pub)).toEqual(expect.arrayContaining(["overview.json", "projects-counts.json", "projects-institutions.json", "research/mode-effects.json", "research/poor-transfer.json", "institutions.json", "counties.json", "quality.json", "comments.json", "explorer-evaluations.csv", "data-quality.json"]));
      for (const [file, value] of Object.entries(pub)) {
        const names = typeof value === "string" ? value.split("\n")[0]!.split(",") : [...keys(value)];
        expect({ file, found: names.filter((n) => TEACHER_LEVEL.includes(n)) }).toEqual({ file, found: [] });
      }
      const restricted = await site(true);
      expect(Object.keys(restricted)).toEqual(expect.arrayContaining(["warnings.json", "hours-schools.json"]));
      expect(Object.keys(pub)).not.toContain("warnings.json");
    } finally {
      db.close();
    }
  });
});
