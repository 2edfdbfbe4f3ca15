// Integrity with levels and consequences: the planted stuffer is `suspect` and capped at review;
// provinces where everybody is honest but classes fill the form together raise at most 2 suspects.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { generateDemo } from "../../data/generator/demo.ts";
import { setQuiet } from "../../pipelines/lib/log.ts";
import { run } from "../../pipelines/run.ts";
import { query, tmpDir } from "../helpers.ts";

setQuiet(true);

async function province(opts: { seed: number; honest?: boolean; classTogether?: boolean }) {
  const input = await tmpDir();
  await generateDemo({ out: input, scale: 1, ...opts });
  const out = path.join(await tmpDir(), "results");
  const { dbFile } = await run({ input, out });
  const truth = JSON.parse(await readFile(path.join(input, "_truth.json"), "utf8")) as { projects: Record<string, { stuffed: boolean }> };
  return { dbFile, truth };
}

describe("integrity levels", () => {
  let demo: Awaited<ReturnType<typeof province>>;
  beforeAll(async () => {
    demo = await province({ seed: 2026 });
  }, 120_000);

  it("every row has a level; the planted stuffed projects, and only they, are suspect", async () => {
    const levels = await query<{ level: string | null }>(demo.dbFile, `SELECT DISTINCT level FROM integrity_flags`);
    expect(levels.map((l) => l.level).sort()).toEqual(["info", "review", "suspect"]);
    const suspect = await query<{ project_id: string }>(demo.dbFile, `SELECT DISTINCT project_id FROM integrity_flags WHERE level = 'suspect' ORDER BY 1`);
    const stuffed = Object.entries(demo.truth.projects).filter(([, p]) => p.stuffed).map(([id]) => id).sort();
    expect(stuffed.length).toBeGreaterThan(0);
    expect(suspect.map((s) => s.project_id)).toEqual(stuffed);
  });

  it("a suspect project is at most review, says why, and its institution names it", async () => {
    const rows = await query<{ project_id: string; recommendation: string; warnings: string; reasons: string; institution_id: string; year: bigint }>(
      demo.dbFile,
      `SELECT p.* FROM project_scores p WHERE project_id IN (SELECT project_id FROM integrity_flags WHERE level = 'suspect')`,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) {
      expect(["review", "drop"]).toContain(r.recommendation);
      expect(r.warnings).toContain("integrity suspect");
      expect(r.reasons).toContain("at most review");
      const [inst] = await query<{ reasons: string; recommendation: string }>(
        demo.dbFile,
        `SELECT reasons, recommendation FROM institution_scores WHERE institution_id = '${r.institution_id}' AND year = ${r.year}`,
      );
      expect(inst!.reasons).toContain(r.project_id);
      expect(["continue", "keep"]).not.toContain(inst!.recommendation);
    }
  });

  it("finds the stuffer among classes that fill the form together, with at most 2 honest institutions suspect", async () => {
    const p = await province({ seed: 7, classTogether: true });
    const suspect = await query<{ project_id: string; institution_id: string }>(p.dbFile, `SELECT DISTINCT project_id, institution_id FROM integrity_flags WHERE level = 'suspect'`);
    const stuffed = Object.entries(p.truth.projects).filter(([, x]) => x.stuffed).map(([id]) => id);
    expect(stuffed.length).toBeGreaterThan(0);
    for (const id of stuffed) expect(suspect.map((s) => s.project_id)).toContain(id);
    const stuffer = new Set(suspect.filter((s) => stuffed.includes(s.project_id)).map((s) => s.institution_id));
    expect(new Set(suspect.map((s) => s.institution_id).filter((i) => !stuffer.has(i))).size).toBeLessThanOrEqual(2);
  }, 120_000);

  it.each([5, 6])("an all-honest province whose classes fill the form together (seed %i) raises at most 2 suspect institutions", async (seed) => {
    const honest = await province({ seed, honest: true, classTogether: true });
    // The signals the old flags drowned in are there: bursts and straight-lining nearly everywhere.
    const [signals] = await query<{ inst: bigint }>(honest.dbFile, `SELECT count(DISTINCT institution_id) AS inst FROM integrity_flags WHERE flag IN ('burst', 'straight_line')`);
    expect(Number(signals!.inst)).toBeGreaterThan(25);
    const [s] = await query<{ inst: bigint }>(honest.dbFile, `SELECT count(DISTINCT institution_id) AS inst FROM integrity_flags WHERE level = 'suspect'`);
    console.log(`all-honest province, seed ${seed}: ${s!.inst} institution(s) suspect of ${signals!.inst} with bursts or straight-lining`);
    expect(Number(s!.inst)).toBeLessThanOrEqual(2);
  }, 120_000);
});
