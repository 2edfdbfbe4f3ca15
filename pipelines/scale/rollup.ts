// Beyond one machine: the warehouse as hive-partitioned Parquet (year=/province=), statistics a
// province computes from its own partitions alone, and a national roll-up that adds them up.
//
//   guopei export --results R --out P     P/<table>/year=Y/province=S/data_0.parquet (S: the
//                                         province's slug, ASCII, so that every engine reads the
//                                         path the same; its name is a column in the files)
//   guopei stats  --parts P --province N --out S1
//                                         one province's sufficient statistics: counts, sums and
//                                         sums of squares by year × item and year × project
//   guopei rollup --stats S1 S2 … --out R national item statistics and the project ICC with its
//                                         bootstrap interval, from the sums only
//
// The roll-up equals the single warehouse on the same data (test/scale): item means, SDs and
// non-response are ratios of sums; the ICC's one-way ANOVA needs each project's n, mean and within
// sum of squares, which are its count, sum and sum of squares. The SQL is plain aggregate SQL over
// Parquet, the same on Spark SQL or an MPP database (docs/scale.md).
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { iccByYear } from "../analytics/reliability.ts";
import { literal, openDb, type Db } from "../lib/db.ts";
import { info } from "../lib/log.ts";
import { OutputError, replaceDir, resultsFor } from "../lib/outdir.ts";
import type { Policy } from "../lib/policy.ts";
import { idSlug } from "../lib/shared/slug.ts";
import { csvText } from "../lib/shared/csv.ts";

/** A project's province: its institution's (the contract is the province's), else its county's. */
const PROVINCE = `coalesce(i.province, c.province)`;
const PROVINCE_OF_PROJECT = `LEFT JOIN institutions i ON i.institution_id = p.institution_id LEFT JOIN counties c ON c.county_code = p.county_code`;
const PROJECT_PROVINCE = `LEFT JOIN projects p USING (project_id) ${PROVINCE_OF_PROJECT}`;

/** The exported tables: each a SELECT with `year` and `province_name`, partitioned by year and province. */
export const EXPORT_TABLES: Record<string, string> = {
  responses: `SELECT r.response_id, r.project_id, r.score, r.weight, r.year, ${PROVINCE} AS province_name FROM response_scores r ${PROJECT_PROVINCE}`,
  answers: `SELECT a.response_id, a.item_id, coalesce(ins.dimension, 'overall') AS dimension, a.value, r.year, ${PROVINCE} AS province_name
            FROM evaluation_answers a JOIN response_scores r USING (response_id) ${PROJECT_PROVINCE} LEFT JOIN instrument ins ON lower(ins.item_id) = a.item_id`,
};

/** One province's sufficient statistics, from its partitions only (`{t}` is a table's files). */
export const PARTIAL_STATS: Record<string, (t: (table: string) => string) => string> = {
  year_responses: (t) => `SELECT year, count(*) AS n FROM ${t("responses")} GROUP BY ALL`,
  item_moments: (t) => `SELECT year, item_id, dimension, count(*) AS k, count(value) AS n, sum(value) AS s, sum(value * value) AS ss FROM ${t("answers")} GROUP BY ALL`,
  project_moments: (t) => `SELECT year, project_id, count(*) AS n, sum(score) AS s, sum(score * score) AS ss FROM ${t("responses")} WHERE weight > 0 AND score IS NOT NULL GROUP BY ALL`,
};

/** The national figures from the sums of every province's statistics (`{t}` is a statistic's files). */
export const ROLLUP: Record<string, (t: (stat: string) => string) => string> = {
  item_stats: (t) => `
    WITH y AS (SELECT year, sum(n) AS n FROM ${t("year_responses")} GROUP BY ALL),
         m AS (SELECT year, item_id, dimension, sum(k) AS k, sum(n) AS n, sum(s) AS s, sum(ss) AS ss FROM ${t("item_moments")} GROUP BY ALL)
    SELECT m.year, m.item_id, m.dimension, m.s / m.n AS mean,
           CASE WHEN m.n > 1 THEN sqrt(greatest(0, (m.ss - m.s * m.s / m.n) / (m.n - 1))) END AS sd,
           1 - m.k / y.n AS nonresponse
    FROM m JOIN y ON y.year IS NOT DISTINCT FROM m.year ORDER BY 1, 2`,
  project_groups: (t) => `
    SELECT year, project_id, sum(n) AS n, sum(s) / sum(n) AS mean, sum(ss) - sum(s) * sum(s) / sum(n) AS ssw
    FROM ${t("project_moments")} GROUP BY ALL HAVING sum(n) >= $min ORDER BY year NULLS LAST, project_id`,
};

const parquet = (files: string) => `read_parquet(${literal(files)}, hive_partitioning = true, hive_types = {'year': INTEGER, 'province': VARCHAR}, union_by_name = true)`;

/** The warehouse of a results folder as hive-partitioned Parquet. */
export async function exportParts(results: string, out: string): Promise<{ tables: Record<string, number>; provinces: string[] }> {
  await resultsFor(results, out, "--out");
  return replaceDir(out, "export", "--out", async (work) => {
    const db = await openDb(path.join(results, "guopei.duckdb"), { readOnly: true });
    try {
      const tables: Record<string, number> = {};
      // Every province a project can belong to, once (not per table: the answers are 40 M rows at
      // national size), and NULL for a response whose project is not in the projects file. The
      // slug goes in the path (ASCII); the name stays a column.
      const names = [
        ...(await db.all<{ p: string }>(`SELECT DISTINCT ${PROVINCE} AS p FROM projects p ${PROVINCE_OF_PROJECT} WHERE ${PROVINCE} IS NOT NULL ORDER BY 1`)).map((r) => r.p),
        null,
      ];
      const slugs = names.map((p) => `(${p === null ? "NULL" : literal(p)}, ${literal(p === null ? "unknown" : idSlug(p))})`).join(", ");
      const provinces = new Set<string>();
      for (const [name, select] of Object.entries(EXPORT_TABLES)) {
        await db.run(
          `COPY (SELECT t.*, s.slug AS province FROM (${select}) t JOIN (VALUES ${slugs}) s(name, slug) ON s.name IS NOT DISTINCT FROM t.province_name ORDER BY ALL)
           TO ${literal(path.join(work, name))} (FORMAT parquet, PARTITION_BY (year, province))`,
        );
        for (const r of await db.all<{ p: string | null; n: bigint }>(`SELECT province_name AS p, count(*) AS n FROM ${parquet(path.join(work, name, "**", "*.parquet"))} GROUP BY ALL`)) {
          tables[name] = (tables[name] ?? 0) + Number(r.n);
          provinces.add(r.p ?? "unknown");
        }
      }
      // The policy of the run travels with the partitions: the roll-up applies the same minimums.
      const { policy } = JSON.parse(await readFile(path.join(results, "manifest.json"), "utf8")) as { policy: Policy };
      await writeFile(path.join(work, "policy.json"), `${JSON.stringify(policy, null, 2)}\n`);
      info(`导出 export → ${out}: ${Object.entries(tables).map(([t, n]) => `${t} ${n.toLocaleString("en")} rows`).join(", ")}; ${provinces.size} province(s)`);
      return { tables, provinces: [...provinces].sort() };
    } finally {
      db.close();
    }
  });
}

/** The provinces of an export, by name, from its partition folders. */
export async function exportProvinces(parts: string): Promise<Map<string, string>> {
  const db = await openDb(":memory:");
  try {
    const rows = await db.all<{ name: string | null; slug: string }>(`SELECT DISTINCT province_name AS name, province AS slug FROM ${parquet(path.join(parts, "responses", "**", "*.parquet"))} ORDER BY 2`);
    return new Map(rows.map((r) => [r.name ?? "unknown", r.slug]));
  } finally {
    db.close();
  }
}

/** One province's statistics from its own partitions of an export (nothing else is read). */
export async function provinceStats(parts: string, province: string, out: string): Promise<Record<string, number>> {
  const held = await exportProvinces(parts);
  const slug = held.get(province);
  if (!slug) throw new OutputError(`no partitions of province "${province}" in ${parts}: the export holds ${[...held.keys()].join(", ")}`);
  return replaceDir(out, "stats", "--out", async (work) => {
    const db = await openDb(":memory:");
    try {
      const files = (table: string) => parquet(path.join(parts, table, "year=*", `province=${slug}`, "*.parquet"));
      const rows: Record<string, number> = {};
      for (const [name, sql] of Object.entries(PARTIAL_STATS)) {
        await db.run(`COPY (${sql(files)} ORDER BY ALL) TO ${literal(path.join(work, `${name}.parquet`))} (FORMAT parquet)`);
        rows[name] = Number((await db.all<{ n: bigint }>(`SELECT count(*) AS n FROM read_parquet(${literal(path.join(work, `${name}.parquet`))})`))[0]!.n);
      }
      const policy = JSON.parse(await readFile(path.join(parts, "policy.json"), "utf8")) as Policy;
      await writeFile(path.join(work, "province.json"), `${JSON.stringify({ province, slug, rows, policy }, null, 2)}\n`);
      info(`省级统计 stats (${province}) → ${out}: ${Object.entries(rows).map(([t, n]) => `${t} ${n}`).join(", ")}`);
      return rows;
    } finally {
      db.close();
    }
  });
}

export interface Rollup {
  item_stats: Record<string, unknown>[];
  project_icc: Record<string, unknown>[];
}

/** The national figures from every province's statistics folder (each province once, one policy). */
export async function rollup(stats: string[], out?: string): Promise<Rollup> {
  const provinces: { province: string; policy: Policy }[] = [];
  for (const dir of stats) {
    const entries = await readdir(dir).catch(() => [] as string[]);
    for (const f of [...Object.keys(PARTIAL_STATS).map((k) => `${k}.parquet`), "province.json"])
      if (!entries.includes(f)) throw new OutputError(`${dir} is not a province's statistics folder (no ${f}): write one with guopei stats`);
    provinces.push(JSON.parse(await readFile(path.join(dir, "province.json"), "utf8")));
  }
  if (!provinces.length) throw new OutputError("no statistics folder to roll up: name one per province with --stats");
  const twice = provinces.map((p) => p.province).filter((p, i, all) => all.indexOf(p) !== i);
  if (twice.length) throw new OutputError(`province ${twice.join(", ")} given twice: its sums would count double`);
  const policy = provinces[0]!.policy;
  const differs = provinces.filter((p) => JSON.stringify(p.policy) !== JSON.stringify(policy)).map((p) => p.province);
  if (differs.length) throw new OutputError(`the statistics of ${differs.join(", ")} come from a policy other than ${provinces[0]!.province}'s: roll up runs made under one policy`);
  const db = await openDb(":memory:");
  try {
    const files = (stat: string) => `read_parquet([${stats.map((d) => literal(path.join(d, `${stat}.parquet`))).join(", ")}])`;
    const result = await combine(db, files, policy);
    if (out)
      await replaceDir(out, "rollup", "--out", async (work) => {
        for (const [name, rows] of Object.entries(result)) await writeFile(path.join(work, `${name}.csv`), csvText(Object.keys(rows[0] ?? {}), rows.map((r: Record<string, unknown>) => Object.values(r))));
      });
    info(`全国汇总 roll-up of ${stats.length} province(s): ${result.item_stats.length} item rows, ${result.project_icc.length} ICC rows${out ? ` → ${out}` : ""}`);
    return result;
  } finally {
    db.close();
  }
}

async function combine(db: Db, files: (stat: string) => string, policy: Policy): Promise<Rollup> {
  const item_stats = await db.all(ROLLUP.item_stats!(files));
  const groups = await db.all<{ year: number | null; n: bigint; mean: number; ssw: number }>(ROLLUP.project_groups!(files), { min: policy.min_responses });
  return { item_stats, project_icc: iccByYear(groups) as unknown as Record<string, unknown>[] };
}
