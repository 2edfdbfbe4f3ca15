// Beyond one machine: a national warehouse of two provinces exported as hive-partitioned Parquet,
// each province's sufficient statistics computed from its own partitions only, and the national
// roll-up of those sums equal to what the single warehouse computed (item statistics, project ICC
// with its bootstrap interval).
import { readdir } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { generateDemo } from "../../data/generator/demo.ts";
import { replicateFolder } from "../../data/generator/replicate.ts";
import { openDb } from "../../pipelines/lib/db.ts";
import { setQuiet } from "../../pipelines/lib/log.ts";
import { run } from "../../pipelines/run.ts";
import { exportParts, provinceStats, rollup, type Rollup } from "../../pipelines/scale/rollup.ts";
import { tmpDir } from "../helpers.ts";

setQuiet(true);
const PROVINCES = ["豫南省", "鄂东省"];

describe("national roll-up from per-province statistics", () => {
  let results: string;
  let parts: string;
  let stats: string[];
  let national: Rollup;
  let exported: Awaited<ReturnType<typeof exportParts>>;
  beforeAll(async () => {
    const one = await tmpDir();
    await generateDemo({ out: one, scale: 0.3, seed: 11 });
    // Two provinces: the demo, and a copy of it (every id suffixed) whose institutions are in another province.
    const input = await tmpDir();
    await replicateFolder(one, input, 2, { provinces: PROVINCES });
    results = path.join(await tmpDir(), "results");
    await run({ input, out: results });
    parts = path.join(await tmpDir(), "parts");
    exported = await exportParts(results, parts);
    stats = [];
    for (const p of PROVINCES) {
      const dir = path.join(await tmpDir(), `stats-${p}`);
      await provinceStats(parts, p, dir);
      stats.push(dir);
    }
    national = await rollup(stats, path.join(await tmpDir(), "national"));
  }, 300_000);

  const warehouse = async (sql: string) => {
    const db = await openDb(path.join(results, "guopei.duckdb"), { readOnly: true });
    try {
      return await db.all<Record<string, unknown>>(sql);
    } finally {
      db.close();
    }
  };

  it("exports every response and answer, partitioned by year and province (ASCII slugs in the paths)", async () => {
    expect(exported.provinces).toEqual([...PROVINCES].sort());
    const [counts] = await warehouse(`SELECT (SELECT count(*) FROM response_scores) AS responses, (SELECT count(*) FROM evaluation_answers a JOIN response_scores USING (response_id)) AS answers`);
    expect(exported.tables).toEqual({ responses: Number(counts!.responses), answers: Number(counts!.answers) });
    const years = await readdir(path.join(parts, "responses"));
    expect(years.length).toBeGreaterThanOrEqual(3);
    for (const y of years) {
      expect(y).toMatch(/^year=(\d{4}|__HIVE_DEFAULT_PARTITION__)$/);
      for (const p of await readdir(path.join(parts, "responses", y))) expect(p).toMatch(/^province=x_[0-9a-f]+$/);
    }
  });

  it("gives each province only its own projects", async () => {
    const db = await openDb(":memory:");
    try {
      const ids = async (dir: string) => (await db.all<{ project_id: string }>(`SELECT DISTINCT project_id FROM read_parquet('${path.join(dir, "project_moments.parquet")}')`)).map((r) => r.project_id);
      const [a, b] = [await ids(stats[0]!), await ids(stats[1]!)];
      expect(a.length).toBeGreaterThan(20);
      expect(b.length).toBe(a.length);
      expect(a.every((id) => !id.endsWith("-1"))).toBe(true);
      expect(b.every((id) => id.endsWith("-1"))).toBe(true);
    } finally {
      db.close();
    }
  });

  it("rolls up to the single warehouse's item statistics", async () => {
    const single = await warehouse(`SELECT year, item_id, dimension, mean, sd, nonresponse FROM item_stats ORDER BY year, item_id`);
    expect(national.item_stats.length).toBe(single.length);
    expect(single.length).toBeGreaterThan(40);
    national.item_stats.forEach((r, i) => {
      const s = single[i]!;
      expect([Number(r.year), r.item_id, r.dimension]).toEqual([Number(s.year), s.item_id, s.dimension]);
      for (const k of ["mean", "sd", "nonresponse"]) expect(Math.abs(Number(r[k]) - Number(s[k])), `${s.year} ${s.item_id} ${k}`).toBeLessThan(1e-9);
    });
  });

  it("rolls up to the single warehouse's project ICC, its bootstrap interval included", async () => {
    const single = await warehouse(`SELECT * FROM project_icc ORDER BY year`);
    expect(national.project_icc.length).toBe(single.length);
    national.project_icc.forEach((r, i) => {
      const s = single[i]!;
      expect([Number(r.year), r.n_projects]).toEqual([Number(s.year), Number(s.n_projects)]);
      for (const k of ["k0", "icc1", "icc1_low", "icc1_high", "icck", "icck_low", "icck_high"]) expect(Math.abs(Number(r[k]) - Number(s[k])), `${s.year} ${k}`).toBeLessThan(1e-9);
    });
    // Two provinces' projects, not one: the sums really were combined.
    const [n] = await warehouse(`SELECT count(DISTINCT project_id) AS n FROM response_scores WHERE year = ${Number(single[0]!.year)}`);
    expect(Number(single[0]!.n_projects)).toBeGreaterThan(Number(n!.n) / 2);
  });

  it("refuses a province given twice, and a province the export does not hold", async () => {
    await expect(rollup([stats[0]!, stats[0]!])).rejects.toThrow(/province 豫南省 given twice/);
    await expect(provinceStats(parts, "江北省", path.join(await tmpDir(), "s"))).rejects.toThrow(/no partitions of province "江北省".*豫南省/);
    await expect(rollup([parts])).rejects.toThrow(/is not a province's statistics folder/);
  });
});
