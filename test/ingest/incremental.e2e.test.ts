// A rerun takes every unchanged file from the previous warehouse instead of typing it again, and
// every model whose inputs are unchanged (pipelines/models/memo.ts) instead of building it again; its
// results are the results of a full run on the same folder: every output file byte for byte, every
// warehouse table row for row (row ids included, which give the rejects their lines), the manifest's
// notes of the analysis.
import { lstat, readdir, readFile, rename, rm, stat, symlink, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { generateDemo } from "../../data/generator/demo.ts";
import { KINDS } from "../../pipelines/ingest/contract.ts";
import { MODELS } from "../../pipelines/models/index.ts";
import { OUTPUTS, RESTRICTED_OUTPUTS } from "../../pipelines/publish/outputs.ts";
import { openDb, type Db } from "../../pipelines/lib/db.ts";
import { RETIRED_PREFIX } from "../../pipelines/lib/previous.ts";
import { setQuiet } from "../../pipelines/lib/log.ts";
import { run } from "../../pipelines/run.ts";
import { runCli, tmpDir } from "../helpers.ts";

setQuiet(true);

interface Manifest {
  previous_warehouse: string | null;
  checks_reused: string[];
  checks_appended: string[];
  scans_reused: number;
  prepared_reused: number;
  outputs_reused: string[];
  outputs: string[];
  files: { path: string; typed_read?: string }[];
  analysis: { reused: string[]; appended: string[]; seconds: Record<string, number>; reused_parts: Record<string, { parts: number; taken: number }> } & Record<string, unknown>;
}
const manifest = async (out: string): Promise<Manifest> => JSON.parse(await readFile(path.join(out, "manifest.json"), "utf8"));
const readOf = async (out: string) => Object.fromEntries((await manifest(out)).files.map((f) => [f.path, f.typed_read]));

const reusedOf = async (out: string) => (await manifest(out)).analysis.reused;
/** The manifest's notes of the analysis, without its times and what it copied. */
const notesOf = async (out: string) => {
  const { seconds: _s, reused: _r, reused_parts: _p, appended: _a, ...notes } = (await manifest(out)).analysis;
  return notes;
};

/** A demo province (the generator's) in a new folder. */
async function demoFolder(name: string, scale: number, seed: number): Promise<string> {
  const dir = await tmpDir(`guopei-incr-${name}-`);
  await generateDemo({ out: dir, scale, seed });
  return dir;
}

/** Models that read none of `tables`, directly or through another model. */
function modelsApartFrom(tables: string[]): string[] {
  const reads = (name: string): string[] => {
    const m = MODELS.find((x) => x.name === name);
    return m ? [name, ...m.dependsOn.flatMap(reads)] : [name];
  };
  return MODELS.filter((m) => !reads(m.name).some((t) => tables.includes(t))).map((m) => m.name);
}

/** Every output file but the manifest (which holds times) and the warehouse, with its bytes. */
async function outputs(out: string): Promise<Record<string, string>> {
  const names = (await readdir(out)).filter((f) => f.endsWith(".csv") || f.endsWith(".json")).filter((f) => f !== "manifest.json").sort();
  return Object.fromEntries(await Promise.all(names.map(async (f) => [f, await readFile(path.join(out, f), "utf8")] as const)));
}

/** Rows of one query and not the other, both ways (as multisets). */
async function rowsInOneOnly(db: Db, a: string, b: string): Promise<number> {
  const [r] = await db.all<{ c: bigint }>(`SELECT (SELECT count(*) FROM (${a} EXCEPT ALL ${b})) + (SELECT count(*) FROM (${b} EXCEPT ALL ${a})) AS c`);
  return Number(r!.c);
}

/**
 * The loaded data of two warehouses, compared: every typed file (`_checked_N`, row for row with its
 * row id, which gives a rejected row its line), the keys of the typed files, `rejects`, the rows
 * rejected by the checks across files, and every kind's table and answers as the analyses read them.
 * Returns what differs. (The analytic tables are compared through the published files: their doubles
 * differ in the last bits between any two full runs, parallel sums adding in another order, which is
 * why every published number is rounded in two steps.)
 */
async function differingLoads(a: string, b: string): Promise<string[]> {
  const db = await openDb(":memory:");
  try {
    await db.run(`ATTACH '${a}' AS a (READ_ONLY); ATTACH '${b}' AS b (READ_ONLY)`);
    const relations = async (d: string) =>
      (await db.all<{ t: string }>(`SELECT table_name AS t FROM duckdb_tables() WHERE database_name = '${d}' UNION ALL SELECT view_name FROM duckdb_views() WHERE database_name = '${d}' AND NOT internal ORDER BY 1`)).map((r) => r.t);
    const loaded = (t: string) => /^_checked_\d+$/.test(t) || ["_typed_parts", "rejects", "_rejected_rows", "evaluation_answers", "followup_answers"].includes(t) || (KINDS as readonly string[]).includes(t);
    const [ta, tb] = [(await relations("a")).filter(loaded), (await relations("b")).filter(loaded)];
    const differ = [...ta.filter((t) => !tb.includes(t)), ...tb.filter((t) => !ta.includes(t))];
    for (const t of ta.filter((x) => tb.includes(x))) {
      const rows = (d: string) => (/^_checked_/.test(t) ? `SELECT rowid AS _rowid, * FROM ${d}."${t}"` : `SELECT * FROM ${d}."${t}"`);
      if ((await rowsInOneOnly(db, rows("a"), rows("b"))) > 0) differ.push(t);
    }
    expect(ta.filter((t) => t.startsWith("_checked_")).length).toBeGreaterThan(10);
    return differ;
  } finally {
    db.close();
  }
}

/**
 * Rows of a model's table in one warehouse and not the other (as multisets; doubles to 9 decimals,
 * as parallel sums add in any order).
 */
async function differingRows(a: string, b: string, table: string): Promise<number> {
  const db = await openDb(":memory:");
  try {
    await db.run(`ATTACH '${a}' AS a (READ_ONLY); ATTACH '${b}' AS b (READ_ONLY)`);
    const cols = await db.all<{ column_name: string; column_type: string }>(`DESCRIBE a."${table}"`);
    const list = cols.map((c) => (c.column_type === "DOUBLE" ? `round("${c.column_name}", 9)` : `"${c.column_name}"`)).join(", ");
    const [r] = await db.all<{ n: bigint }>(`SELECT count(*) AS n FROM a."${table}"`);
    expect(Number(r!.n)).toBeGreaterThan(0);
    return await rowsInOneOnly(db, `SELECT ${list} FROM a."${table}"`, `SELECT ${list} FROM b."${table}"`);
  } finally {
    db.close();
  }
}

describe("a rerun after one more month of attendance", () => {
  let before: string;
  let after: string;
  let incremental: string;
  let full: string;
  beforeAll(async () => {
    before = await tmpDir("guopei-incr-a-");
    await generateDemo({ out: before, scale: 0.5, seed: 31 });
    // The folder before: 2026's attendance without its last month; after: that month as a file of its own.
    after = await tmpDir("guopei-incr-b-");
    for (const f of await readdir(before)) if (!f.startsWith(".")) await writeFile(path.join(after, f), await readFile(path.join(before, f)));
    const [header, ...rows] = (await readFile(path.join(before, "attendance_2026.csv"), "utf8")).trimEnd().split("\n");
    const month = rows.map((r) => r.split(",")[3]!.slice(0, 7)).sort().at(-1)!;
    const inMonth = (r: string) => r.split(",")[3]!.startsWith(month);
    const earlier = `${[header, ...rows.filter((r) => !inMonth(r))].join("\n")}\n`;
    await writeFile(path.join(before, "attendance_2026.csv"), earlier);
    await writeFile(path.join(after, "attendance_2026.csv"), earlier);
    await writeFile(path.join(after, `attendance_${month}.csv`), `${[header, ...rows.filter(inMonth)].join("\n")}\n`);
    expect(rows.filter(inMonth).length).toBeGreaterThan(100);

    incremental = await tmpDir("guopei-incr-out-");
    await run({ input: before, out: incremental });
    await run({ input: after, out: incremental });
    full = await tmpDir("guopei-incr-full-");
    await run({ input: after, out: full, full: true });
  }, 300_000);

  it("types the new file alone and copies the others from the previous warehouse", async () => {
    const read = await readOf(incremental);
    const fresh = Object.entries(read).filter(([, how]) => how && how !== "reused").map(([f]) => f);
    expect(fresh).toHaveLength(1);
    expect(fresh[0]).toMatch(/^attendance_2026-\d\d\.csv$/);
    expect(Object.values(read).filter((how) => how === "reused").length).toBeGreaterThan(30);
    // --full reused nothing.
    expect(Object.values(await readOf(full))).not.toContain("reused");
    // The checks across files of every kind but the attendance (and what refers to it: nothing) taken.
    const taken = (await manifest(incremental)).checks_reused;
    expect(taken).not.toContain("attendance");
    expect(taken).toEqual(expect.arrayContaining(["projects", "trainees", "evaluations", "submissions", "assessments"]));
    expect((await manifest(full)).checks_reused).toEqual([]);
    // What each file gave (rows read, loaded and rejected, dates converted, cells normalised) as the
    // full run counts it: a file taken is not counted again, its facts are taken with it.
    const accounts = async (out: string) => (await manifest(out)).files.map(({ typed_read: _t, ...rest }) => rest);
    expect(await accounts(incremental)).toEqual(await accounts(full));
    expect((await manifest(incremental)).files.some((f) => "normalised" in f && f.typed_read === "reused")).toBe(true);
    // The demo's workbook and GB18030 roster not decoded again: their CSVs taken (ingest/kept.ts).
    expect((await manifest(incremental)).prepared_reused).toBe(2);
    expect((await manifest(full)).prepared_reused).toBe(0);
  });

  it("copies the models that do not read attendance and builds the others, with the notes they left", async () => {
    const reused = await reusedOf(incremental);
    expect(reused.sort()).toEqual(modelsApartFrom(["attendance"]).sort());
    expect(reused).toEqual(expect.arrayContaining(["response_scores", "reliability", "item_stats", "project_icc", "comments_public"]));
    expect(reused).not.toContain("warning_features");
    expect(await reusedOf(full)).toEqual([]);
    expect(await notesOf(incremental)).toEqual(await notesOf(full));
  });

  it("builds again only the projects of the early warning's features that the month changed, and they equal a full run's", async () => {
    const parts = (await manifest(incremental)).analysis.reused_parts.warning_features!;
    expect(parts.taken).toBeGreaterThan(0);
    expect(parts.taken).toBeLessThan(parts.parts);
    expect((await manifest(full)).analysis.reused_parts.warning_features).toEqual({ parts: parts.parts, taken: 0 });
    expect(await differingRows(path.join(incremental, "guopei.duckdb"), path.join(full, "guopei.duckdb"), "warning_features")).toBe(0);
  });

  it("publishes what a full run publishes, byte for byte", async () => {
    const [a, b] = [await outputs(incremental), await outputs(full)];
    expect(Object.keys(a).length).toBeGreaterThan(10);
    expect(Object.keys(a)).toEqual(Object.keys(b));
    for (const f of Object.keys(a)) expect(a[f], f).toBe(b[f]);
  });

  it("takes the previous files of the outputs that read nothing the month changed, and writes the others", async () => {
    // An output reads the relations its SELECT names: unchanged when none is the attendance or a
    // model that reads it.
    const changed = ["attendance", ...MODELS.map((m) => m.name).filter((m) => !modelsApartFrom(["attendance"]).includes(m))];
    const all = { ...OUTPUTS, ...RESTRICTED_OUTPUTS };
    const unchanged = Object.keys(all).filter((f) => !changed.some((t) => new RegExp(`\\b${t}\\b`).test(all[f]!)));
    expect(unchanged).toEqual(expect.arrayContaining(["hours_compliance.csv", "reliability.csv", "item_stats.csv"]));
    expect(unchanged).not.toContain("project_tiers.csv");
    expect(((await manifest(incremental)).outputs_reused ?? []).sort()).toEqual(unchanged.sort());
    expect((await manifest(full)).outputs_reused).toEqual([]);
  });

  it("loads what a full run loads, table for table and row for row", async () => {
    expect(await differingLoads(path.join(incremental, "guopei.duckdb"), path.join(full, "guopei.duckdb"))).toEqual([]);
  });

  it("starts from a copy of the previous warehouse and keeps nothing of it that it did not take", async () => {
    const relations = async (file: string) => {
      const db = await openDb(file, { readOnly: true });
      try {
        return (await db.all<{ t: string }>(`SELECT table_name AS t FROM duckdb_tables() UNION ALL SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1`)).map((r) => r.t);
      } finally {
        db.close();
      }
    };
    const [a, b] = [await relations(path.join(incremental, "guopei.duckdb")), await relations(path.join(full, "guopei.duckdb"))];
    expect((await manifest(incremental)).previous_warehouse).toBe("copied");
    expect((await manifest(full)).previous_warehouse).toBe(null);
    expect(a.filter((t) => t.startsWith(RETIRED_PREFIX))).toEqual([]);
    expect(a).toEqual(b);
    // The space of what it dropped is reused, not added to: the file stays near a full run's.
    const [sa, sb] = [(await stat(path.join(incremental, "guopei.duckdb"))).size, (await stat(path.join(full, "guopei.duckdb"))).size];
    expect(sa / sb).toBeLessThan(1.6);
  });
});

/** Past the 2 s after which a file written is settled (prepare.ts: a scan is kept only then). */
const settle = () => new Promise((r) => setTimeout(r, 2500));

/** A modification time in whole seconds. */
const ROUND_TIME = new Date("2026-01-01T00:00:00Z");

describe("a rerun after a file changed, or with another policy", () => {
  let input: string;
  let out: string;
  beforeAll(async () => {
    input = await demoFolder("c", 0.3, 32);
    // Whole seconds, so that a time set back is the same to the nanosecond; then settled on disk,
    // so that the first run keeps every file's scan.
    for (const f of await readdir(input)) await utimes(path.join(input, f), ROUND_TIME, ROUND_TIME);
    await settle();
    out = await tmpDir("guopei-incr-out-");
    await run({ input, out });
  }, 300_000);

  it("types a changed file again, and its results are a full run's", async () => {
    const file = (await readdir(input)).find((f) => f.startsWith("evaluations_"))!;
    const text = await readFile(path.join(input, file), "utf8");
    // One answer changed: the same size, other bytes, and the modification time set back to what it
    // was (a tool that keeps it): the change time still moves, and the file is read again.
    const lines = text.split("\n");
    lines[1] = lines[1]!.replace(/,([1-5]),/, (_m, d: string) => `,${d === "5" ? "4" : "5"},`);
    const before = await stat(path.join(input, file), { bigint: true });
    await writeFile(path.join(input, file), lines.join("\n"));
    await utimes(path.join(input, file), ROUND_TIME, ROUND_TIME);
    const after = await stat(path.join(input, file), { bigint: true });
    expect([after.size, after.mtimeNs, after.ino]).toEqual([before.size, before.mtimeNs, before.ino]);
    expect(after.ctimeNs).not.toBe(before.ctimeNs);
    await run({ input, out });
    // Every other file is not read again: its scan is the previous run's.
    expect((await manifest(out)).scans_reused).toBe((await readdir(input)).filter((f) => !f.startsWith("_") && !f.startsWith(".")).length - 1);
    // The early warning reads no evaluation: copied; everything scored from the evaluations, built.
    expect((await reusedOf(out)).sort()).toEqual(modelsApartFrom(["evaluations", "evaluation_answers", "rejects"]).sort());
    expect(await reusedOf(out)).toEqual(expect.arrayContaining(["warning_features", "teacher_warnings"]));
    const read = await readOf(out);
    expect(read[file]).not.toBe("reused");
    expect(Object.entries(read).filter(([f, how]) => f !== file && how && how !== "reused")).toEqual([]);
    const fresh = await tmpDir("guopei-incr-full-");
    await run({ input, out: fresh, full: true });
    expect(await outputs(out)).toEqual(await outputs(fresh));
    expect(await notesOf(out)).toEqual(await notesOf(fresh));
    expect(await differingLoads(path.join(out, "guopei.duckdb"), path.join(fresh, "guopei.duckdb"))).toEqual([]);
  }, 300_000);

  it("keeps no scan of a file written just before the run (a coarse clock could hide a second write): it is read again next time", async () => {
    const files = (await readdir(input)).filter((f) => !f.startsWith("_") && !f.startsWith(".")).length;
    // Every file settled and its scan kept first (whatever the tests before wrote).
    await settle();
    await run({ input, out });
    const file = path.join(input, "counties.csv");
    const touched = Date.now();
    await utimes(file, new Date(touched), new Date(touched));
    await run({ input, out });
    expect((await manifest(out)).scans_reused).toBe(files - 1);
    // Settled now (over 2 s since): read again, for its scan was not kept; then taken.
    await settle();
    await run({ input, out });
    expect((await manifest(out)).scans_reused).toBe(files - 1);
    await run({ input, out });
    expect((await manifest(out)).scans_reused).toBe(files);
  }, 300_000);

  it("builds again the early warning's features of the one past project whose attendance was corrected, and takes the others", async () => {
    const file = path.join(input, "attendance_2024.csv");
    const lines = (await readFile(file, "utf8")).split("\n");
    const project = lines[1]!.split(",")[0]!;
    // Every session of one project marked absent after all (sign-in and sign-out gone with it).
    const fixed = lines.map((l) => (l.startsWith(`${project},`) ? l.replace(/,[^,]*,[^,]*,(present|late)$/, ",,,absent") : l));
    expect(fixed.filter((l, i) => l !== lines[i]).length).toBeGreaterThan(10);
    await writeFile(file, fixed.join("\n"));
    await run({ input, out });
    const parts = (await manifest(out)).analysis.reused_parts.warning_features!;
    expect(parts.taken).toBe(parts.parts - 1);
    const fresh = await tmpDir("guopei-incr-full-");
    await run({ input, out: fresh, full: true });
    expect(await differingRows(path.join(out, "guopei.duckdb"), path.join(fresh, "guopei.duckdb"), "warning_features")).toBe(0);
    expect(await outputs(out)).toEqual(await outputs(fresh));
    // The rebuilt project's features did change (every trainee absent at every cut): a part taken
    // stale would differ from the full run's.
    const db = await openDb(path.join(out, "guopei.duckdb"), { readOnly: true });
    try {
      const [r] = await db.all<{ n: bigint; lo: number }>(`SELECT count(*) AS n, min(absence_rate) AS lo FROM warning_features WHERE project_id = $project AND sessions > 0`, { project });
      expect(Number(r!.n)).toBeGreaterThan(0);
      expect(r!.lo).toBe(1);
    } finally {
      db.close();
    }
  }, 300_000);

  it("types again what another policy changes (an answer label: the items), reuses the rest, and --full reuses nothing", async () => {
    const policy = path.join(await tmpDir("guopei-incr-policy-"), "policy.json");
    await writeFile(policy, JSON.stringify({ labels: { 很好: 4 } }));
    await run({ input, out, policy });
    const read = Object.entries(await readOf(out));
    const withItems = read.filter(([f]) => /^(evaluations|followups)/.test(f) && !f.includes("重发"));
    expect(withItems.length).toBeGreaterThan(3);
    for (const [f, how] of withItems) expect(how, f).not.toBe("reused");
    for (const [f, how] of read.filter(([f]) => f.startsWith("attendance_"))) expect(how, f).toBe("reused");
    // The policy is part of every model's fingerprint: all built again.
    expect(await reusedOf(out)).toEqual([]);
    const r = await runCli(["run", "--input", input, "--out", out, "--policy", policy, "--full"]);
    expect(r.code).toBe(0);
    expect(Object.values(await readOf(out))).not.toContain("reused");
  }, 300_000);

  it("reads a previous warehouse left with a write-ahead log beside it (not copied without it), and takes all of it", async () => {
    const file = path.join(out, "guopei.duckdb");
    const before = await outputs(out);
    // A write the previous warehouse holds only in its log.
    const db = await openDb(file);
    await db.run("PRAGMA disable_checkpoint_on_shutdown");
    await db.run("CREATE TABLE _only_in_the_log AS SELECT 1 AS x");
    db.close();
    expect((await stat(`${file}.wal`)).size).toBeGreaterThan(0);
    const policy = path.join(await tmpDir("guopei-incr-policy-"), "policy.json");
    await writeFile(policy, JSON.stringify({ labels: { 很好: 4 } }));
    await run({ input, out, policy });
    expect((await manifest(out)).previous_warehouse).toBe("attached");
    expect(Object.values(await readOf(out)).filter((how) => how !== undefined && how !== "reused")).toEqual([]);
    expect((await reusedOf(out)).sort()).toEqual(MODELS.map((m) => m.name).sort());
    expect(await outputs(out)).toEqual(before);
  }, 300_000);
});

describe("a rerun on the same folder", () => {
  it("takes every output from the previous results folder but one changed, linked or missing there since, and writes those again as they were", async () => {
    const input = await demoFolder("f", 0.2, 34);
    const out = await tmpDir("guopei-incr-out-");
    await run({ input, out });
    const first = await outputs(out);
    const names = (await manifest(out)).outputs.filter((f) => f !== "rejects.csv");
    expect(names.length).toBeGreaterThan(10);
    await run({ input, out });
    expect((await manifest(out)).outputs_reused.sort()).toEqual([...names].sort());
    expect(await outputs(out)).toEqual(first);
    // One file changed (the same size), one replaced by a link to a copy of itself, one removed.
    const [edited, linked, removed] = ["norms.csv", "reliability.csv", "item_stats.csv"];
    const text = first[edited]!;
    await writeFile(path.join(out, edited), text.slice(0, -2) + (text.at(-2) === "1" ? "2" : "1") + text.at(-1));
    const elsewhere = path.join(await tmpDir("guopei-incr-g-"), linked);
    await writeFile(elsewhere, first[linked]!);
    await rm(path.join(out, linked));
    await symlink(elsewhere, path.join(out, linked));
    await rm(path.join(out, removed));
    await run({ input, out });
    expect((await manifest(out)).outputs_reused.sort()).toEqual(names.filter((f) => ![edited, linked, removed].includes(f)).sort());
    expect(await outputs(out)).toEqual(first);
    expect((await lstat(path.join(out, linked))).isSymbolicLink()).toBe(false);
    // --full takes none.
    await run({ input, out, full: true });
    expect((await manifest(out)).outputs_reused).toEqual([]);
    expect(await outputs(out)).toEqual(first);
  }, 300_000);
});

describe("a rerun after files were withdrawn or renamed", () => {
  it("drops what the withdrawn files gave, reports the renamed one by its new name, and equals a full run", async () => {
    const input = await demoFolder("d", 0.3, 33);
    const out = await tmpDir("guopei-incr-out-");
    await run({ input, out });
    const files = (await readdir(input)).sort();
    const evaluations = files.filter((f) => f.startsWith("evaluations_") && !f.includes("重发"));
    expect(evaluations.length).toBeGreaterThan(2);
    // One evaluation file withdrawn, another renamed (the same bytes), one year's attendance withdrawn.
    await rm(path.join(input, evaluations[0]!));
    await rename(path.join(input, evaluations[1]!), path.join(input, `renamed_${evaluations[1]!}`));
    await rm(path.join(input, "attendance_2023.csv"));
    await run({ input, out });
    const m = await manifest(out);
    expect(m.previous_warehouse).toBe("copied");
    const read = await readOf(out);
    expect(read[`renamed_${evaluations[1]!}`]).toBe("reused");
    expect(Object.keys(read)).not.toContain(evaluations[0]);
    // The evaluations and the attendance changed: checked again; the projects' checks taken.
    expect(m.checks_reused).not.toContain("evaluations");
    expect(m.checks_reused).not.toContain("attendance");
    expect(m.checks_reused).toContain("projects");
    const fresh = await tmpDir("guopei-incr-full-");
    await run({ input, out: fresh, full: true });
    expect(await outputs(out)).toEqual(await outputs(fresh));
    expect(await notesOf(out)).toEqual(await notesOf(fresh));
    expect(await differingLoads(path.join(out, "guopei.duckdb"), path.join(fresh, "guopei.duckdb"))).toEqual([]);
    expect(await differingRows(path.join(out, "guopei.duckdb"), path.join(fresh, "guopei.duckdb"), "warning_features")).toBe(0);
    const db = await openDb(path.join(out, "guopei.duckdb"), { readOnly: true });
    try {
      const [r] = await db.all<{ n: bigint }>(`SELECT count(*) AS n FROM evaluations WHERE _file = $f`, { f: evaluations[0]! });
      expect(Number(r!.n)).toBe(0);
      const [q] = await db.all<{ n: bigint }>(`SELECT count(*) AS n FROM evaluations WHERE _file = $f`, { f: `renamed_${evaluations[1]!}` });
      expect(Number(q!.n)).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  }, 300_000);
});

describe("a rerun after files were added after the others", () => {
  it("checks across files only the new files' rows, keeps what was found of the others, and equals a full run", async () => {
    const input = await demoFolder("e", 0.2, 33);
    // The evaluations as 70 files (past MANY_FILES: one table of them, not a view).
    const originals = (await readdir(input)).filter((f) => f.startsWith("evaluations_") && !f.includes("重发")).sort();
    let header = "";
    const rows: string[] = [];
    for (const f of originals) {
      const [h, ...r] = (await readFile(path.join(input, f), "utf8")).trimEnd().split("\n");
      header = h!;
      rows.push(...r);
      await rm(path.join(input, f));
    }
    const per = Math.ceil(rows.length / 70);
    for (let i = 0; i < 70; i++) await writeFile(path.join(input, `evaluations_b${String(i).padStart(2, "0")}.csv`), `${[header, ...rows.slice(i * per, (i + 1) * per)].join("\n")}\n`);
    const out = await tmpDir("guopei-incr-out-");
    await run({ input, out });

    // Files named to come after the others of their kind, with every finding of the checks across
    // files among their rows: a copy of an earlier row, an earlier key with other content, a row
    // repeated inside the new file, and a reference to nobody.
    const changed = (line: string, at: number) => line.split(",").map((c, i) => (i === at ? (c === "5" ? "4" : "5") : c)).join(",");
    const first = rows[0]!;
    const fresh = first.replace(/^[^,]+/, "R99999001");
    const stranger = first.replace(/^[^,]+,[^,]+/, "R99999002,P_NOBODY");
    await writeFile(path.join(input, "evaluations_z_late.csv"), `${[header, first, changed(rows[1]!, 4), fresh, fresh, stranger].join("\n")}\n`);
    const [aHeader, ...att] = (await readFile(path.join(input, "attendance_2025.csv"), "utf8")).trimEnd().split("\n");
    const session = att[0]!.split(",");
    const newSession = [session[0], session[1], `${session[0]}-S99`, ...session.slice(3)].join(",");
    const nobody = [session[0], "T_NOBODY", ...session.slice(2)].join(",");
    const otherStatus = att[1]!.replace(/,(present|late|absent|excused)$/, (_m, s: string) => `,${s === "absent" ? "present" : "absent"}`);
    await writeFile(path.join(input, "attendance_2026_late.csv"), `${[aHeader, att[0], otherStatus, newSession, newSession, nobody].join("\n")}\n`);
    await run({ input, out });
    const m = await manifest(out);
    expect(m.checks_appended.sort()).toEqual(["attendance", "evaluations"]);
    const full = await tmpDir("guopei-incr-full-");
    await run({ input, out: full, full: true });
    expect((await manifest(full)).checks_appended).toEqual([]);
    expect(await differingLoads(path.join(out, "guopei.duckdb"), path.join(full, "guopei.duckdb"))).toEqual([]);
    expect(await outputs(out)).toEqual(await outputs(full));
    // attendance_projects from the previous run's rows and the new file's records that passed
    // (model.ts, appendable): a build over every record's rows.
    expect(m.analysis.appended).toEqual(["attendance_projects"]);
    expect((await manifest(full)).analysis.appended).toEqual([]);
    const both = await openDb(":memory:");
    try {
      await both.run(`ATTACH '${path.join(out, "guopei.duckdb")}' AS a (READ_ONLY); ATTACH '${path.join(full, "guopei.duckdb")}' AS b (READ_ONLY)`);
      expect(await rowsInOneOnly(both, "SELECT * FROM a.attendance_projects", "SELECT * FROM b.attendance_projects")).toBe(0);
      const [n] = await both.all<{ n: bigint; late: bigint }>(`SELECT count(*) AS n, count(*) FILTER (WHERE project_id = (SELECT project_id FROM b.attendance WHERE _file LIKE '%_late.csv' LIMIT 1)) AS late FROM a.attendance_projects`);
      expect(n!.n).toBeGreaterThan(10n);
      expect(n!.late).toBe(1n);
    } finally {
      both.close();
    }
    // The models' fingerprints of the loaded tables are a full run's: the attendance's (a view of a
    // table per file) from the previous run's and its new file's rows that passed (memo.ts).
    const printsOf = async (dir: string) => {
      const db = await openDb(path.join(dir, "guopei.duckdb"), { readOnly: true });
      try {
        return Object.fromEntries((await db.all<{ table: string; print: string }>(`SELECT "table", print FROM _table_prints ORDER BY 1`)).map((r) => [r.table, r.print]));
      } finally {
        db.close();
      }
    };
    const prints = await printsOf(out);
    expect(prints.attendance).toMatch(/^\d+:\d+$/);
    expect(prints).toEqual(await printsOf(full));
    const findings = async (dir: string) => {
      const db = await openDb(path.join(dir, "guopei.duckdb"), { readOnly: true });
      try {
        return {
          rejects: await db.all(`SELECT file, line, reason FROM rejects WHERE file LIKE '%_late.csv' ORDER BY ALL`),
          order: await db.all(`SELECT rowid AS r, response_id, _file, _line FROM evaluations ORDER BY rowid`),
        };
      } finally {
        db.close();
      }
    };
    const [a, b] = [await findings(out), await findings(full)];
    expect(a.rejects.map((r) => `${String(r.file).slice(0, 4)} ${r.line} ${r.reason}`)).toEqual([
      "atte 2 duplicate_row",
      "atte 3 duplicate_key",
      "atte 5 duplicate_row",
      "atte 6 unknown_reference",
      "eval 2 duplicate_row",
      "eval 3 duplicate_key",
      "eval 5 duplicate_row",
      "eval 6 unknown_reference",
    ]);
    // The evaluations' table, row ids too: the previous table and the new rows after it.
    expect(a.order).toEqual(b.order);
  }, 300_000);
});
