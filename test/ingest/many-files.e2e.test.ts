// A province that sends a file per project: thousands of small files must give the same warehouse
// as the same rows in a few large files (the header read in Node, files typed side by side, and
// the kind tables written out past MANY_FILES files).
import { copyFile, readdir, rm } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { generateDemo } from "../../data/generator/demo.ts";
import { KINDS } from "../../pipelines/ingest/contract.ts";
import { MANY_FILES } from "../../pipelines/ingest/load.ts";
import { ident, literal, openDb } from "../../pipelines/lib/db.ts";
import { setQuiet } from "../../pipelines/lib/log.ts";
import { run } from "../../pipelines/run.ts";
import { query, tmpDir } from "../helpers.ts";

setQuiet(true);

/** Row count and a digest of every row's content (file and line aside) of each kind. */
async function digests(dbFile: string): Promise<Record<string, { n: number; digest: string; type: string }>> {
  const out: Record<string, { n: number; digest: string; type: string }> = {};
  for (const kind of KINDS) {
    const cols = (await query<{ column_name: string }>(dbFile, `DESCRIBE ${ident(kind)}`)).map((c) => c.column_name).filter((c) => c !== "_file" && c !== "_line");
    const [r] = await query<{ n: bigint; digest: string | null }>(
      dbFile,
      `SELECT count(*) AS n, md5(string_agg(CAST(row(${cols.map(ident).join(", ")}) AS VARCHAR), chr(10) ORDER BY CAST(row(${cols.map(ident).join(", ")}) AS VARCHAR))) AS digest FROM ${ident(kind)}`,
    );
    const [t] = await query<{ table_type: string }>(dbFile, `SELECT table_type FROM information_schema.tables WHERE table_name = ${literal(kind)}`);
    out[kind] = { n: Number(r!.n), digest: r!.digest ?? "", type: t!.table_type };
  }
  return out;
}

describe("many small files", () => {
  let few: Awaited<ReturnType<typeof digests>>;
  let many: Awaited<ReturnType<typeof digests>>;
  let manyFiles = 0;
  beforeAll(async () => {
    const a = await tmpDir();
    await generateDemo({ out: a, scale: 0.3, seed: 5 });
    // The re-sent file is a whole-file duplicate only while it is not split: leave it out of both.
    for (const f of await readdir(a)) if (f.includes("重发")) await rm(path.join(a, f));
    const b = await tmpDir();
    const db = await openDb(":memory:");
    for (const f of await readdir(a)) {
      const src = path.join(a, f);
      if (/^(evaluations|attendance)_.*\.csv$/.test(f)) {
        await db.run(`CREATE OR REPLACE TABLE t AS SELECT *, row_number() OVER () AS _n FROM read_csv(${literal(src)}, all_varchar = true)`);
        const ps = await db.all<{ p: string | null }>(`SELECT DISTINCT coalesce(project_id, '') AS p FROM t`);
        for (const { p } of ps) {
          await db.run(`COPY (SELECT * EXCLUDE (_n) FROM t WHERE coalesce(project_id, '') = ${literal(p ?? "")} ORDER BY _n) TO ${literal(path.join(b, `${f.replace(/\.csv$/, "")}_${p || "blank"}.csv`))} (HEADER true)`);
        }
      } else {
        await copyFile(src, path.join(b, f));
      }
    }
    db.close();
    manyFiles = (await readdir(b)).filter((f) => f.startsWith("evaluations_")).length;
    const outA = await tmpDir();
    const outB = await tmpDir();
    few = await digests((await run({ input: a, out: outA })).dbFile);
    many = await digests((await run({ input: b, out: outB })).dbFile);
  }, 240_000);

  it("loads the same rows, with the same content, from one file per project", () => {
    expect(manyFiles).toBeGreaterThan(MANY_FILES);
    for (const kind of KINDS) {
      expect(many[kind]!.n, kind).toBe(few[kind]!.n);
      expect(many[kind]!.digest, kind).toBe(few[kind]!.digest);
    }
    expect(few.evaluations!.n).toBeGreaterThan(1000);
  });

  it("keeps a kind of few files as a view and writes one of many files out as a table", () => {
    expect(few.evaluations!.type).toBe("VIEW");
    expect(many.evaluations!.type).toBe("BASE TABLE");
    expect(many.projects!.type).toBe("VIEW");
  });
});
