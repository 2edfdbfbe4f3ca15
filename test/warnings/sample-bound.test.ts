// The training sample's bound (warning_features.parts.sql, _wf_sample): bits is the largest b for
// which at least warning.training_sample known cells hash under 2^(64 - b), 0 when there are fewer
// known cells than that. Checked against that definition, written out in the test, on hashes at
// the edges (0, powers of two and one below, the largest), ties, cells that are not known, and on
// generated hashes.
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDb, type Db } from "../../pipelines/lib/db.ts";
import { modelSql } from "../../pipelines/models/model.ts";

const MAX = (1n << 64n) - 1n;
let db: Db;
let statement: string;

beforeAll(async () => {
  db = await openDb(":memory:");
  const sql = modelSql("warning_features.parts");
  const [from, to] = [sql.indexOf("CREATE OR REPLACE TEMP TABLE _wf_sample AS"), sql.indexOf("CREATE OR REPLACE TEMP TABLE _wf_keep AS")];
  expect(from >= 0 && from < to).toBe(true);
  statement = sql.slice(from, to);
});
afterAll(() => db.close());

/** The definition: the largest b with `size` known hashes ≤ MAX >> b, or 0 with fewer known. */
function expected(cells: { h: bigint; known: boolean }[], size: number): number {
  const known = cells.filter((c) => c.known).map((c) => c.h);
  if (known.length < size) return 0;
  let bits = 0;
  for (let b = 0; b < 64; b++) if (known.filter((h) => h <= MAX >> BigInt(b)).length >= size) bits = b;
  return bits;
}

async function bitsOf(cells: { h: bigint; known: boolean }[], size: number): Promise<{ bits: number; bound: bigint }> {
  await db.run(`CREATE OR REPLACE TABLE cells (h UBIGINT, known BOOLEAN)`);
  const app = await db.conn.createAppender("cells");
  for (const c of cells) {
    app.appendUBigInt(c.h);
    app.appendBoolean(c.known);
    app.endRow();
  }
  app.flushSync();
  app.closeSync();
  await db.run(`CREATE OR REPLACE TEMP VIEW _wf_cells AS SELECT * FROM cells`);
  await db.script(statement, { training_sample: size }, "_wf_sample");
  const [r] = await db.all<{ bits: bigint; bound: bigint }>(`SELECT bits, bound FROM _wf_sample`);
  return { bits: Number(r!.bits), bound: r!.bound };
}

it("finds the bound on hashes at the edges, with ties and cells not known", async () => {
  const edges = [0n, 1n, 2n, 3n, (1n << 32n) - 1n, 1n << 32n, (1n << 48n) - 1n, 1n << 48n, (1n << 60n) - 1n, 1n << 60n, (1n << 63n) - 1n, 1n << 63n, MAX];
  const cells = [...edges, ...edges.slice(3, 8)].map((h) => ({ h, known: true }));
  // Low hashes not known count for nothing.
  cells.push({ h: 0n, known: false }, { h: 5n, known: false });
  // Known answers. The 18 known hashes in order: 0, 1, 2, 3, 3, 2^32 − 1 (twice), 2^32 (twice),
  // 2^48 − 1 (twice), 2^48 (twice), 2^60 − 1, 2^60, 2^63 − 1, 2^63, 2^64 − 1. The size-th of them
  // is under 2^(64 − b) for b up to: 1 → 63 (0 and 1 are under 2^1), 3 → 62 (2 is under 2^2),
  // 6 → 32, 8 → 31, 10 → 16, 12 → 15, 14 → 4, 15 → 3, 16 → 1, 17 and 18 → 0; 19: fewer known, 0.
  const answers: [number, number][] = [[1, 63], [2, 63], [3, 62], [5, 62], [6, 32], [7, 32], [8, 31], [10, 16], [12, 15], [14, 4], [15, 3], [16, 1], [17, 0], [18, 0], [19, 0]];
  for (const [size, bits] of answers) {
    expect([size, expected(cells, size)]).toEqual([size, bits]);
    const got = await bitsOf(cells, size);
    expect([size, got.bits]).toEqual([size, bits]);
    expect(got.bound).toBe(MAX >> BigInt(bits));
  }
});

it("equals the definition on generated hashes", async () => {
  const hash = fc.oneof(
    fc.bigInt({ min: 0n, max: MAX }),
    // (Hashes with many leading zeros, where the bits are large.)
    fc.integer({ min: 0, max: 63 }).chain((b) => fc.bigInt({ min: 0n, max: MAX >> BigInt(b) })),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(fc.record({ h: hash, known: fc.boolean() }), { minLength: 0, maxLength: 60 }), fc.integer({ min: 1, max: 40 }), async (cells, size) => {
      expect((await bitsOf(cells, size)).bits).toBe(expected(cells, size));
    }),
    { numRuns: 150 },
  );
});
