// Comments in public (publish/entities/comments.ts) on hand-made rows: groups below the policy's
// minimum show nothing, repeated texts count once per comment, themes carry the mean score of the
// comments that use them, and examples are distinct texts, lowest-scoring first.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "../../pipelines/lib/db.ts";
import { loadPolicy, type Policy } from "../../pipelines/lib/policy.ts";
import { comments } from "../../pipelines/publish/entities/comments.ts";
import { terms } from "../../pipelines/lib/terms.ts";

// [institution, text, score] in response order; weight 0 for the last one of I1.
const I1: [string, number][] = [
  ["理论太多，实践太少", 60], ["案例很好", 95], ["理论太多，实践太少", 70], ["实践案例丰富", 70],
  ["案例很好", 40], ["理论太多，实践太少", 80], ["实践案例丰富", 75], ["理论太多，实践太少", 90],
  ["案例很好", 85], ["理论太多，实践太少", 50], ["实践案例丰富", 80], ["案例很好", 85],
];
const I2: [string, number][] = [["理论太多，实践太少", 10], ["案例很好", 20], ["专家讲座精彩", 30]];

describe("public comments: groups, terms, themes and examples", () => {
  let db: Db;
  let policy: Policy;
  let out: { min_group: number; themes: { year: number; term: string; n: number; mean_score: number }[]; groups: { institution_id: string; n_comments: number; top_terms: { term: string; n: number }[]; examples: string[] }[] };
  beforeAll(async () => {
    // The smallest minimum the policy allows (5), so that themes across the group reach it.
    policy = { ...(await loadPolicy()), min_group_comments: 5 };
    db = await openDb(":memory:");
    await db.run(`CREATE TABLE comments_public (response_id VARCHAR, comment VARCHAR);
      CREATE TABLE response_scores (response_id VARCHAR, year INTEGER, institution_id VARCHAR, score DOUBLE, weight DOUBLE);
      CREATE TABLE institutions (institution_id VARCHAR, name VARCHAR)`);
    const rows = [...I1.map(([c, s], i) => ["I1", c, s, i]), ...I2.map(([c, s], i) => ["I2", c, s, i]), ["I1", "刷屏刷屏", 1, 99]] as const;
    for (const [inst, c, s, i] of rows) {
      const id = `${inst}-${String(i).padStart(3, "0")}`;
      await db.run(`INSERT INTO comments_public VALUES ('${id}', '${c}')`);
      await db.run(`INSERT INTO response_scores VALUES ('${id}', 2025, '${inst}', ${s}, ${i === 99 ? 0 : 1})`);
    }
    await db.run(`INSERT INTO institutions VALUES ('I1', '甲师范大学'), ('I2', '乙学院')`);
    out = (await comments.site!({ db, policy, restricted: false, analysis: null, inputs: [], forReports: {} }))["comments.json"] as typeof out;
  });
  afterAll(() => db.close());

  it("shows a group of at least the policy's minimum, and nothing of a smaller one", () => {
    expect(out.min_group).toBe(5);
    expect(out.groups.map((g) => [g.institution_id, g.n_comments])).toEqual([["I1", 12]]);
    // The down-weighted response's text and the small group's own words appear nowhere.
    expect(JSON.stringify(out)).not.toMatch(/刷屏|专家|乙学院/);
  });

  it("examples: each text once, by its lowest score", () => {
    expect(out.groups[0]!.examples).toEqual(["案例很好", "理论太多，实践太少", "实践案例丰富"]);
  });

  it("term counts and theme means equal a comment-by-comment count", () => {
    // The reference: every comment segmented and counted on its own.
    const n = new Map<string, number>();
    const sum = new Map<string, number>();
    for (const [c, s] of I1)
      for (const t of new Set(terms(c))) {
        n.set(t, (n.get(t) ?? 0) + 1);
        sum.set(t, (sum.get(t) ?? 0) + s);
      }
    expect(n.get("理论")).toBe(5);
    expect(n.get("案例")).toBe(7);
    expect(sum.get("案例")).toBe(95 + 70 + 40 + 75 + 85 + 80 + 85);
    // 案例: 7 comments, mean 530 / 7 = 75.71…; 理论: 5 comments, (60 + 70 + 80 + 90 + 50) / 5 = 70.
    expect(out.themes.find((t) => t.term === "案例")).toEqual({ year: 2025, term: "案例", n: 7, mean_score: 75.7 });
    expect(out.themes.find((t) => t.term === "理论")).toEqual({ year: 2025, term: "理论", n: 5, mean_score: 70 });
    const expected = [...n.entries()].filter(([, k]) => k >= 5).map(([term, k]) => ({ year: 2025, term, n: k, mean_score: Math.round((sum.get(term)! / k) * 10) / 10 }));
    expect(out.themes).toEqual(expected.sort((a, b) => b.n - a.n));
    expect(Object.fromEntries(out.groups[0]!.top_terms.map((t) => [t.term, t.n]))).toEqual(Object.fromEntries([...n.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8)));
  });
});
