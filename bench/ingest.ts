// npm run bench: ingest throughput at growing scales against the floor (a bare DuckDB read_csv
// of the same files on the same machine). Prints rows/s, peak memory and the ratio; asserts nothing.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generateDemo } from "../data/generator/demo.ts";
import { replicateFolder } from "../data/generator/replicate.ts";
import { openDb } from "../pipelines/lib/db.ts";
import { launch, serve } from "../pipelines/lib/browser.ts";
import { idSlug } from "../pipelines/lib/shared/slug.ts";
import { exportParts, exportProvinces, provinceStats, rollup } from "../pipelines/scale/rollup.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const WORK = path.join(ROOT, "data", "bench");
/** `x` to `digits` decimals, as the table and bench-results.json give figures. */
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * A national-size folder in seconds: the demo province (scale 2) replicated `copies` times in
 * DuckDB, ids suffixed per copy so that keys stay unique and references still resolve.
 */
async function buildFolder(copies: number): Promise<string> {
  const base = path.join(WORK, "base");
  // The archive of trainees only, as in earlier sessions' figures (the full archive adds ten times the hours rows).
  if (!existsSync(path.join(base, "_truth.json"))) await generateDemo({ out: base, scale: 2, seed: 99, archiveAll: process.env.BENCH_FULL_ARCHIVE === "1" });
  const dir = path.join(WORK, `x${copies}`);
  if (existsSync(path.join(dir, ".complete"))) return dir;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await replicateFolder(base, dir, copies);
  await writeFile(path.join(dir, ".complete"), "");
  return dir;
}

function measure(mode: "ours" | "floor" | "load", input: string, target: string): { seconds: number; maxRssMiB: number } {
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "bench", "child.ts"), mode, input, target], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

/**
 * `guopei site` on a results folder, timed, with the default page budget (the build fails when a
 * page opens more than 1 MB of data); the heaviest page as the build reports it (site/budget.ts);
 * then the Projects pages opened in Chromium: the bytes the browser fetched and the time to the
 * first table.
 */
async function measureSite(results: string, copies: number): Promise<{ seconds: number; largestPageBytes: number; largestPage: string; pages: PageLoad[] }> {
  const dist = path.join(WORK, `site-x${copies}`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [path.join(ROOT, "bin", "guopei.mjs"), "site", "--results", results, "--dist", dist], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`site failed: ${r.stderr}`);
  const seconds = (performance.now() - t0) / 1000;
  const heaviest = `${r.stdout}${r.stderr}`.match(/heaviest pages\): (\S+) ([\d.]+)/);
  if (!heaviest) throw new Error(`the site build did not report its page weights:\n${r.stdout}${r.stderr}`);
  const db = await openDb(path.join(results, "guopei.duckdb"), { readOnly: true });
  const [big] = await db.all<{ institution_id: string; year: number }>(`SELECT institution_id, year FROM project_scores GROUP BY ALL ORDER BY count(*) DESC, 1 LIMIT 1`);
  db.close();
  const pages = await openPages(dist, ["projects", `institution-projects/${idSlug(big!.institution_id)}/${big!.year}`, `reports/${big!.year}`, `institution/${idSlug(big!.institution_id)}?year=${big!.year}`]);
  await rm(dist, { recursive: true, force: true });
  return { seconds, largestPageBytes: Math.round(Number(heaviest[2]) * 1024), largestPage: heaviest[1]!, pages };
}

interface PageLoad {
  page: string;
  /** Bytes of page data (the site's _file/ folder) the browser fetched to open the page. */
  data_bytes: number;
  /** Every byte the browser fetched (scripts, styles, data). */
  all_bytes: number;
  /** Milliseconds from navigation to the first table on the page. */
  first_table_ms: number;
}

async function openPages(dist: string, pages: string[]): Promise<PageLoad[]> {
  const browser = await launch();
  const srv = await serve(dist);
  const out: PageLoad[] = [];
  try {
    for (const page of pages) {
      const tab = await browser.newPage();
      let data = 0;
      let all = 0;
      tab.on("response", async (res) => {
        const n = (await res.body().catch(() => Buffer.alloc(0))).length;
        all += n;
        if (new URL(res.url()).pathname.startsWith("/_file/")) data += n;
      });
      const t0 = performance.now();
      await tab.goto(`${srv.url}/${page}`);
      await tab.waitForSelector("#observablehq-main table", { timeout: 120_000 });
      const ms = performance.now() - t0;
      await tab.waitForLoadState("networkidle");
      out.push({ page, data_bytes: data, all_bytes: all, first_table_ms: Math.round(ms) });
      await tab.close();
    }
  } finally {
    await srv.close();
    await browser.close();
  }
  return out;
}

/**
 * The path beyond one machine on the same results: `guopei export` (hive-partitioned Parquet),
 * `guopei stats` for the province (the bench's copies are all one province, so this is the work of
 * one province as large as the whole folder), and `guopei rollup` of its statistics, each timed.
 */
async function measureScale(results: string, copies: number): Promise<{ export_s: number; stats_s: number; rollup_s: number; parts_mb: number }> {
  const parts = path.join(WORK, `parts-x${copies}`);
  const stats = path.join(WORK, `stats-x${copies}`);
  const national = path.join(WORK, `rollup-x${copies}`);
  for (const d of [parts, stats, national]) await rm(d, { recursive: true, force: true });
  const t0 = performance.now();
  await exportParts(results, parts);
  const t1 = performance.now();
  const [province] = [...(await exportProvinces(parts)).keys()];
  await provinceStats(parts, province!, stats);
  const t2 = performance.now();
  await rollup([stats], national);
  const t3 = performance.now();
  const du = spawnSync("du", ["-sm", parts], { encoding: "utf8" });
  for (const d of [parts, stats, national]) await rm(d, { recursive: true, force: true });
  const s = (ms: number) => round(ms / 1000);
  return { export_s: s(t1 - t0), stats_s: s(t2 - t1), rollup_s: s(t3 - t2), parts_mb: Number(du.stdout.split("\t")[0]) };
}

const scales = (process.env.BENCH_COPIES ?? "1,10,91").split(",").map(Number);
/**
 * Paired rounds of the load alone and the floor, one right after the other, in turn first. This
 * machine's speed drifts by a fifth from one minute to the next (the floor alone took 31-46 s at
 * national size within an hour): a ratio of two runs minutes apart carries that drift, the median of
 * paired ratios much less of it.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** One paired round: the load alone and the floor, their seconds and ratio. */
interface Pair {
  load_s: number;
  floor_s: number;
  ratio: number;
}

/**
 * The load step alone (bench/child.ts load) and the floor, `ROUNDS` times, each pair back to back,
 * in turn first. (Each child makes its warehouse anew; the last one's is removed after the round.)
 */
async function pairedRounds(input: string, copies: number): Promise<Pair[]> {
  const target = path.join(WORK, `paired-x${copies}.duckdb`);
  const pairs: Pair[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const seconds = { load: 0, floor: 0 };
    for (const mode of r % 2 === 0 ? (["load", "floor"] as const) : (["floor", "load"] as const)) seconds[mode] = measure(mode, input, target).seconds;
    await rm(target, { force: true });
    pairs.push({ load_s: round(seconds.load), floor_s: round(seconds.floor), ratio: round(seconds.load / seconds.floor, 2) });
  }
  return pairs;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
/** One object per size, written to bench-results.json so that runs can be compared. */
const results: { copies: number; load_s: number; floor_s: number; paired: Pair[]; load_floor_median: number | null; analyse_s: number; whole_s: number; peak_mib: number; site_s: number; largest_page_bytes: number; largest_page: string; pages: PageLoad[]; export_s: number; stats_s: number; rollup_s: number; parts_mb: number }[] = [];
console.log("copies | responses | attendance | trainees | rows in | load s | floor s | load/floor | rows/s | analyse s | whole run s | run peak MiB | floor peak MiB");
for (const copies of scales) {
  const input = await buildFolder(copies);
  const out = path.join(WORK, `out-x${copies}`);
  await rm(out, { recursive: true, force: true });
  const ours = measure("ours", input, out);
  const floor = measure("floor", input, path.join(WORK, `floor-x${copies}.duckdb`));
  const manifest = JSON.parse(await readFile(path.join(out, "manifest.json"), "utf8")) as {
    files: { kind: string; rows_read: number }[];
    step_seconds: Record<string, number>;
    analysis: { seconds: Record<string, number> };
  };
  const rowsOf = (k: string) => manifest.files.filter((f) => f.kind === k).reduce((a, f) => a + f.rows_read, 0);
  const rows = manifest.files.reduce((a, f) => a + f.rows_read, 0);
  const load = manifest.step_seconds.load!;
  console.log(
    [copies, rowsOf("evaluations"), rowsOf("attendance"), rowsOf("trainees"), rows, load.toFixed(1), floor.seconds.toFixed(1), (load / floor.seconds).toFixed(2), Math.round(rows / load), manifest.step_seconds.analyse!.toFixed(1), ours.seconds.toFixed(1), Math.round(ours.maxRssMiB), Math.round(floor.maxRssMiB)].join(" | "),
  );
  console.log(`  analysis steps (s): ${JSON.stringify(manifest.analysis.seconds)}`);
  const paired = await pairedRounds(input, copies);
  const loadFloorMedian = paired.length ? round(median(paired.map((p) => p.ratio)), 2) : null;
  if (paired.length) console.log(`  load alone vs floor, ${paired.length} paired rounds: ${paired.map((p) => `${p.load_s}/${p.floor_s} s = ${p.ratio}`).join(", ")}; median ${loadFloorMedian}`);
  const site = await measureSite(out, copies);
  console.log(`  site: ${site.seconds.toFixed(1)} s, largest page data ${(site.largestPageBytes / 1e6).toFixed(2)} MB (${site.largestPage})`);
  for (const p of site.pages) console.log(`  in Chromium: ${p.page}: page data ${(p.data_bytes / 1e6).toFixed(2)} MB, all ${(p.all_bytes / 1e6).toFixed(2)} MB, first table ${p.first_table_ms} ms`);
  const scale = await measureScale(out, copies);
  console.log(`  export ${scale.export_s} s (${scale.parts_mb} MB of Parquet), one province's statistics ${scale.stats_s} s, roll-up ${scale.rollup_s} s`);
  results.push({ copies, load_s: round(load), floor_s: round(floor.seconds), paired, load_floor_median: loadFloorMedian, analyse_s: round(manifest.step_seconds.analyse!), whole_s: round(ours.seconds), peak_mib: Math.round(ours.maxRssMiB), site_s: round(site.seconds), largest_page_bytes: site.largestPageBytes, largest_page: site.largestPage, pages: site.pages, ...scale });
  await writeFile(path.join(ROOT, "bench-results.json"), `${JSON.stringify(results, null, 2)}\n`);
  await rm(path.join(WORK, `floor-x${copies}.duckdb`), { force: true });
}
