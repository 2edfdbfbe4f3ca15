// A model's dependsOn is what its fingerprint is made of (pipelines/models/memo.ts): a table it reads
// without declaring it would let a rerun copy a stale table. Each model is built here in a database
// that holds only what it declares (the loaded tables it reads, directly or through the models it
// reads, and those models built there too): a model that reads anything else fails to build.
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { generateDemo } from "../../data/generator/demo.ts";
import { MODELS } from "../../pipelines/models/index.ts";
import { runModels, type Model } from "../../pipelines/models/model.ts";
import { ident, literal, openDb } from "../../pipelines/lib/db.ts";
import { setQuiet } from "../../pipelines/lib/log.ts";
import { parsePolicy } from "../../pipelines/lib/policy.ts";
import { run } from "../../pipelines/run.ts";
import { tmpDir } from "../helpers.ts";

setQuiet(true);

/** The models a model needs built first (itself included) and the loaded tables they read. */
function closure(m: Model): { models: Model[]; tables: string[] } {
  const models = new Map<string, Model>();
  const tables = new Set<string>();
  const visit = (name: string) => {
    const dep = MODELS.find((x) => x.name === name);
    if (!dep) return void tables.add(name);
    if (models.has(name)) return;
    models.set(name, dep);
    dep.dependsOn.forEach(visit);
    dep.paramsRead?.forEach((t) => tables.add(t));
  };
  visit(m.name);
  return { models: [...models.values()], tables: [...tables].sort() };
}

describe("every model reads only what it declares", () => {
  let warehouse: string;
  beforeAll(async () => {
    const input = await tmpDir("guopei-deps-in-");
    await generateDemo({ out: input, scale: 0.3, seed: 41 });
    const out = await tmpDir("guopei-deps-out-");
    await run({ input, out });
    warehouse = path.join(out, "guopei.duckdb");
  }, 300_000);

  it("declares a closure that holds loaded tables", () => {
    expect(closure(MODELS.find((m) => m.name === "teacher_warnings")!).tables).toContain("attendance");
    expect(closure(MODELS.find((m) => m.name === "item_stats")!).models.map((m) => m.name).sort()).toEqual(["item_stats", "reliability", "response_scores"]);
  });

  for (const m of MODELS) {
    it(`${m.name} builds from its declared inputs alone`, async () => {
      const { models, tables } = closure(m);
      const db = await openDb(":memory:");
      try {
        await db.run(`ATTACH ${literal(warehouse)} AS w (READ_ONLY)`);
        for (const t of tables) await db.run(`CREATE TABLE ${ident(t)} AS SELECT * FROM w.${ident(t)}`);
        await db.run("DETACH w");
        const { seconds } = await runModels(models, { db, policy: parsePolicy({}), notes: {}, memo: new Map() });
        expect(Object.keys(seconds)).toContain(m.name);
        const [r] = await db.all<{ n: bigint }>(`SELECT count(*) AS n FROM ${ident(m.name)}`);
        expect(Number(r!.n)).toBeGreaterThan(0);
      } finally {
        db.close();
      }
    }, 120_000);
  }
});
