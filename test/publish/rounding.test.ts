// Published numbers round the same in every run: a value on a half, whose last bits differ between
// two parallel sums, rounds alike (publish/outputs.ts).
import { expect, it } from "vitest";
import { openDb } from "../../pipelines/lib/db.ts";
import { r } from "../../pipelines/publish/entity.ts";

it("rounds 79.875 and its neighbours one ulp away to the same 79.88", async () => {
  const db = await openDb(":memory:");
  try {
    const below = 79.87499999999999; // 79.875 minus one ulp: what another summation order gives
    const rows = await db.all<{ x: number }>(`SELECT ${r("x")} FROM (VALUES (79.875), ($below), ($above)) v(x)`, { below, above: 79.87500000000001 });
    expect(rows.map((row) => row.x)).toEqual([79.88, 79.88, 79.88]);
    // Without the first step the neighbours would part: the test can fail.
    expect((await db.all<{ x: number }>(`SELECT round($below, 2) AS x`, { below }))[0]!.x).toBe(79.87);
  } finally {
    db.close();
  }
});
