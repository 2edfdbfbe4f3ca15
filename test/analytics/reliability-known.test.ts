// Reliability and ICC on tables built by hand (analytics/reliability.ts), on the real DuckDB.
import { describe, expect, it } from "vitest";
import { projectIcc, reliability } from "../../pipelines/analytics/reliability.ts";
import { openDb, type Db } from "../../pipelines/lib/db.ts";
import { parsePolicy } from "../../pipelines/lib/policy.ts";
import { createMeasures } from "../../pipelines/models/model.ts";

/**
 * The answers written long (`answers_long`) as the load keeps them: `evaluations` one column per item,
 * `evaluation_answers` its long view.
 */
async function asLoaded(db: Db): Promise<void> {
  await db.run(`CREATE TABLE evaluations AS PIVOT answers_long ON item_id USING first(CAST(value AS SMALLINT)) GROUP BY response_id`);
  await db.run(`CREATE VIEW evaluation_answers AS SELECT response_id, item_id, CAST(value AS SMALLINT) AS value
    FROM (UNPIVOT (SELECT * FROM evaluations) ON COLUMNS(* EXCLUDE (response_id)) INTO NAME item_id VALUE value)`);
}

/** An empty in-memory warehouse with the shared measures (reverse coding) it holds before any model. */
async function warehouse(): Promise<Db> {
  const db = await openDb(":memory:");
  await createMeasures(db);
  return db;
}

// Fourteen responses of 2025 in 3 projects. Dimension "content": q1 and q2 identical (α = 1) for the 12
// clean responses; the 2 suspicious ones (weight 0.5) answer q2 opposite to q1. Dimension "gains":
// q3 and the reversed q4 = 6 − q3 (after reverse coding identical again); q3 left blank by 2 responses.
async function province(): Promise<Db> {
  const db = await warehouse();
  await db.run(`CREATE TABLE instrument (item_id VARCHAR, dimension VARCHAR, reverse BOOLEAN, scale_min INTEGER, scale_max INTEGER)`);
  await db.run(`INSERT INTO instrument VALUES ('q1', 'content', false, 1, 5), ('q2', 'content', false, 1, 5), ('q3', 'gains', false, 1, 5), ('q4', 'gains', true, 1, 5)`);
  await db.run(`CREATE TABLE response_scores (response_id VARCHAR, project_id VARCHAR, year BIGINT, weight DOUBLE, score DOUBLE)`);
  await db.run(`CREATE TABLE answers_long (response_id VARCHAR, item_id VARCHAR, value INTEGER)`);
  for (let i = 0; i < 14; i++) {
    const id = `R${String(i).padStart(2, "0")}`;
    const v = (i % 5) + 1;
    const suspicious = i >= 12;
    await db.run(`INSERT INTO response_scores VALUES ($id, $p, 2025, $w, $s)`, { id, p: `P${i % 3}`, w: suspicious ? 0.5 : 1, s: 10 * ((i % 3) + 1) });
    await db.run(`INSERT INTO answers_long VALUES ($id, 'q1', $v), ($id, 'q2', $v2)`, { id, v, v2: suspicious ? 6 - v : v });
    if (i !== 3 && i !== 7) await db.run(`INSERT INTO answers_long VALUES ($id, 'q3', $v), ($id, 'q4', $r)`, { id, v, r: 6 - v });
  }
  await asLoaded(db);
  return db;
}

/** A fresh in-memory DuckDB for one test, closed after it. */
async function inMemory(test: (db: Db) => Promise<void>): Promise<void> {
  const db = await warehouse();
  try {
    await test(db);
  } finally {
    db.close();
  }
}

describe("reliability by hand", () => {
  it("α = 1 for identical items (reverse coding applied), with suspicious responses deflating it, and item statistics", async () => {
    const db = await province();
    try {
      const { dims, items } = await reliability(db, parsePolicy({}));
      const content = dims.find((d) => d.dimension === "content")!;
      expect(content.n_items).toBe(2);
      expect(content.n_responses).toBe(12);
      expect(content.alpha).toBeCloseTo(1, 10);
      expect(content.alpha_with_suspicious).toBeLessThan(0.99);
      expect(content.warning).toMatch(/^suspicious responses deflate alpha \(1\.00 → /);
      expect(Number.isNaN(content.omega)).toBe(true); // two items: no factor
      const gains = dims.find((d) => d.dimension === "gains")!;
      expect(gains.n_responses).toBe(10);
      expect(gains.alpha).toBeCloseTo(1, 10);
      expect(gains.warning).toBe("");
      const q3 = items.find((i) => i.item_id === "q3")!;
      expect(q3.nonresponse).toBeCloseTo(2 / 14, 12);
      expect(q3.item_total_r).toBeCloseTo(1, 10);
      // q1 over all 14 responses: values 1 2 3 4 5 1 2 3 4 5 1 2 3 4 → mean 40/14.
      expect(items.find((i) => i.item_id === "q1")!.mean).toBeCloseTo(40 / 14, 12);
    } finally {
      db.close();
    }
  });

  it("ICC of three projects (5, 5 and 4 responses) that agree within and differ between: 1, k0 = (14 − 66/14)/2", async () => {
    const db = await province();
    try {
      const [row] = await projectIcc(db, parsePolicy({ min_responses: 2 }));
      expect(row).toMatchObject({ year: 2025, n_projects: 3 });
      expect(row!.k0).toBeCloseTo((14 - 66 / 14) / 2, 12);
      expect(row!.icc1).toBeCloseTo(1, 12);
      expect(row!.icck).toBeCloseTo(1, 12);
    } finally {
      db.close();
    }
  });

  it("three items: α by its formula, ω with its interval, warnings when α is low and straight-lining lifts it", async () => {
    // 2024, dimension "mixed": q5 = v, q6 = 6 − v (not reversed in the instrument), q7 = v, for 12
    // clean responses; 4 suspicious ones answer 1 1 1 or 5 5 5. Another 2023 response stands alone.
    await inMemory(async (db) => {
      await db.run(`CREATE TABLE instrument (item_id VARCHAR, dimension VARCHAR, reverse BOOLEAN, scale_min INTEGER, scale_max INTEGER)`);
      await db.run(`INSERT INTO instrument VALUES ('q5', 'mixed', false, 1, 5), ('q6', 'mixed', false, 1, 5), ('q7', 'mixed', false, 1, 5)`);
      await db.run(`CREATE TABLE response_scores (response_id VARCHAR, project_id VARCHAR, year BIGINT, weight DOUBLE, score DOUBLE)`);
      await db.run(`CREATE TABLE answers_long (response_id VARCHAR, item_id VARCHAR, value INTEGER)`);
      const clean: number[][] = [];
      const all: number[][] = [];
      for (let i = 0; i < 16; i++) {
        const suspicious = i >= 12;
        const v = suspicious ? (i % 2 ? 5 : 1) : (i % 5) + 1;
        // q7 differs from q5 on a few responses, so that the items are not collinear (ω needs a factor).
        const row = suspicious ? [v, v, v] : [v, 6 - v, i % 4 === 0 ? Math.min(5, v + 1) : v];
        (suspicious ? all : (clean.push(row), all)).push(row);
        await db.run(`INSERT INTO response_scores VALUES ($id, 'P', 2024, $w, 50)`, { id: `S${i}`, w: suspicious ? 0.25 : 1 });
        await db.run(`INSERT INTO answers_long VALUES ($id, 'q5', $a), ($id, 'q6', $b), ($id, 'q7', $c)`, { id: `S${i}`, a: row[0]!, b: row[1]!, c: row[2]! });
      }
      await db.run(`INSERT INTO response_scores VALUES ('T1', 'P', 2023, 1, 50)`);
      await db.run(`INSERT INTO answers_long VALUES ('T1', 'q5', 3), ('T1', 'q6', 3), ('T1', 'q7', 3)`);
      await asLoaded(db);
      const variance = (xs: number[]) => {
        const m = xs.reduce((a, x) => a + x, 0) / xs.length;
        return xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1);
      };
      // α = k/(k − 1) · (1 − Σ var(item) / var(total)).
      const alpha = (m: number[][]) => 1.5 * (1 - [0, 1, 2].reduce((a, j) => a + variance(m.map((r) => r[j]!)), 0) / variance(m.map((r) => r[0]! + r[1]! + r[2]!)));
      const { dims, items } = await reliability(db, parsePolicy({}));
      // 2023 has one response: item statistics, but no α (fewer than 10).
      expect(dims.map((d) => d.year)).toEqual([2024]);
      expect(items.filter((i) => i.year === 2023).map((i) => i.item_id)).toEqual(["q5", "q6", "q7"]);
      expect(items.find((i) => i.year === 2023)!.item_total_r).toBeNaN();
      const d = dims[0]!;
      expect(d).toMatchObject({ dimension: "mixed", n_items: 3, n_responses: 12 });
      expect(d.alpha).toBeCloseTo(alpha(clean), 10);
      expect(d.alpha_with_suspicious).toBeCloseTo(alpha(all), 10);
      expect(alpha(clean)).toBeLessThan(0.7);
      expect(d.warning).toBe(`unreliable: alpha ${alpha(clean).toFixed(2)} < 0.7; straight-lining inflates alpha (${alpha(clean).toFixed(2)} → ${alpha(all).toFixed(2)} with suspicious responses)`);
      expect(Number.isFinite(d.omega)).toBe(true);
      expect(d.alpha_low).toBeLessThanOrEqual(d.alpha);
      expect(d.alpha_high).toBeGreaterThanOrEqual(d.alpha);
      expect(d.omega_low).toBeLessThanOrEqual(d.omega_high);
      // q6 against the rest (q5 + q7), over the clean responses: Pearson's r by its formula.
      const pearson = (a: number[], b: number[]) => {
        const ma = a.reduce((s, x) => s + x, 0) / a.length;
        const mb = b.reduce((s, x) => s + x, 0) / b.length;
        const sab = a.reduce((s, x, i) => s + (x - ma) * (b[i]! - mb), 0);
        return sab / Math.sqrt(a.reduce((s, x) => s + (x - ma) ** 2, 0) * b.reduce((s, x) => s + (x - mb) ** 2, 0));
      };
      expect(items.find((i) => i.year === 2024 && i.item_id === "q6")!.item_total_r).toBeCloseTo(pearson(clean.map((r) => r[1]!), clean.map((r) => r[0]! + r[2]!)), 10);
      expect(items.find((i) => i.year === 2024 && i.item_id === "q5")!.item_total_r).toBeCloseTo(pearson(clean.map((r) => r[0]!), clean.map((r) => r[1]! + r[2]!)), 10);
      // Item statistics of each year are that year's: q5's mean in 2023 is the lone response's 3.
      expect(items.find((i) => i.year === 2023 && i.item_id === "q5")!.mean).toBe(3);
      expect(items.find((i) => i.year === 2024 && i.item_id === "q5")!.sd).toBeCloseTo(Math.sqrt(variance(all.map((r) => r[0]!))), 10);
      // ICC needs three projects of the minimum size: one project gives no row.
      expect(await projectIcc(db, parsePolicy({ min_responses: 2 }))).toEqual([]);
    });
  });

  it("ICC of three projects with spread within: MSB 1600, MSW 300/9, k0 4; projects without a year form their own group", async () => {
    // Scores 10 20 10 20 | 30 40 30 40 | 50 60 50 60: means 15, 35, 55; SSB = 4 × 800 = 3200 over 2 df,
    // SSW = 3 × 100 over 9 df. ICC(1) = (MSB − MSW)/(MSB + 3 MSW), ICC(k) = (MSB − MSW)/MSB.
    await inMemory(async (db) => {
      await db.run(`CREATE TABLE response_scores (response_id VARCHAR, project_id VARCHAR, year BIGINT, weight DOUBLE, score DOUBLE)`);
      for (const year of ["2025", "NULL"])
        for (const [p, base] of [["A", 10], ["B", 30], ["C", 50]] as const)
          for (let i = 0; i < 4; i++) await db.run(`INSERT INTO response_scores VALUES ('${p}${year}${i}', '${p}${year}', ${year}, 1, ${base + (i % 2) * 10})`);
      // A response weighted 0 (excluded as suspicious) does not count.
      await db.run(`INSERT INTO response_scores VALUES ('X', 'A2025', 2025, 0, 99)`);
      const rows = await projectIcc(db, parsePolicy({ min_responses: 4 }));
      const msb = 1600;
      const msw = 300 / 9;
      expect(rows.map((r) => r.year)).toEqual([2025, null]);
      for (const r of rows) {
        expect(r.n_projects).toBe(3);
        expect(r.k0).toBeCloseTo(4, 12);
        expect(r.icc1).toBeCloseTo((msb - msw) / (msb + 3 * msw), 10);
        expect(r.icck).toBeCloseTo((msb - msw) / msb, 10);
        expect(r.icc1_low).toBeLessThanOrEqual(r.icc1_high);
      }
      // Below the minimum of responses a project is left out, and fewer than three give no row.
      expect(await projectIcc(db, parsePolicy({ min_responses: 5 }))).toEqual([]);
    });
  });
});
