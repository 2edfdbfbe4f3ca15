// Page data that stays light at any size: a report in two parts (doc-parts.ts) that join to the
// document row for row, and the Projects pages' counts and per-institution files (projects.ts).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DOC_ROWS_INLINE, hasRest, joinDoc, splitDoc } from "../../pipelines/lib/shared/doc-parts.ts";
import { projectPages, projectResearch, SCATTER_MAX } from "../../pipelines/publish/entities/projects.ts";
import { meanInterval, standardisedOls } from "../../pipelines/lib/shared/research.ts";

const docOf = (sizes: number[][]) => ({
  title: "t",
  sections: sizes.map((tables, s) => ({
    id: `s${s}`,
    blocks: [{ p: "text" }, ...tables.map((n, t) => ({ table: { id: `t${t}`, columns: ["a", "b"], rows: Array.from({ length: n }, (_, i) => [`${s}.${t}.${i}`, "x"]), source: "f.csv" } }))],
  })),
});

describe("a report in two parts", () => {
  it("cuts each long table at the inline rows, keeps the rest apart, and joins back to the same document", () => {
    const doc = docOf([[3, 450], [DOC_ROWS_INLINE, DOC_ROWS_INLINE + 1]]);
    const { head, rest } = splitDoc(doc);
    const rows = (d: typeof doc, s: number, b: number) => (d.sections[s]!.blocks[b] as { table: { rows: string[][]; more?: number } }).table;
    expect(rows(head, 0, 1).rows.length).toBe(3);
    expect(rows(head, 0, 2).rows.length).toBe(DOC_ROWS_INLINE);
    expect(rows(head, 0, 2).more).toBe(450 - DOC_ROWS_INLINE);
    expect(rows(head, 1, 1).more).toBeUndefined();
    expect(rows(head, 1, 2).more).toBe(1);
    expect(Object.keys(rest).sort()).toEqual(["0.2", "1.2"]);
    expect(rest["0.2"]![0]).toEqual([`0.1.${DOC_ROWS_INLINE}`, "x"]);
    expect(hasRest(head)).toBe(true);
    expect(hasRest(doc)).toBe(false);
    expect(joinDoc(head, rest)).toEqual(doc);
    // The document itself is left as it was.
    expect(rows(doc, 0, 2).rows.length).toBe(450);
    // A rest file that does not hold what the head promises is refused, not joined short.
    expect(() => joinDoc(head, { "0.2": rest["0.2"]!.slice(1), "1.2": rest["1.2"]! })).toThrow(/table 0\.2: the rest file holds 249 rows, the head promises 250/);
  });

  it("joins back to the document for any table sizes (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.nat(30), { maxLength: 4 }), { maxLength: 4 }), fc.integer({ min: 1, max: 10 }), (sizes, max) => {
        const doc = docOf(sizes);
        const { head, rest } = splitDoc(doc, max);
        const inline = head.sections.flatMap((s) => s.blocks.flatMap((b) => ("table" in b ? [b.table.rows.length] : [])));
        return inline.every((n) => n <= max) && JSON.stringify(joinDoc(head, rest)) === JSON.stringify(doc);
      }),
    );
  });
});

describe("the Projects pages' data", () => {
  const row = (year: number, id: string, inst: string | null, tier: string | null, rec: string | null, mode = "online", extra: Record<string, unknown> = {}): Record<string, unknown> => ({ year, project_id: id, institution_id: inst, institution: inst ? `机构${inst}` : null, program: "p", mode, tier, recommendation: rec, ...extra });

  it("counts by year, programme, mode, tier and recommendation, and files each institution's rows of each year apart", () => {
    const rows = [
      row(2025, "P1", "A", "excellent", "priority"),
      row(2025, "P2", "A", "unqualified", "drop"),
      row(2025, "P3", "B/中", "qualified", "keep", "face_to_face"),
      row(2025, "P4", "A", null, null), // blanked for its size: counted as no tier, no recommendation
      row(2026, "P5", "A", "qualified", "review"),
    ];
    const files = projectPages(rows);
    expect(Object.keys(files).sort()).toEqual(["projects-counts.json", "projects-institutions.json", "projects/A/2025.json", "projects/A/2026.json", "projects/x_422fe4b8ad/2025.json"]);
    expect(files["projects/A/2025.json"]).toEqual({ institution_id: "A", institution: "机构A", years: [2025, 2026], rows: [rows[0], rows[1], rows[3]] });
    expect(files["projects/A/2026.json"]).toEqual({ institution_id: "A", institution: "机构A", years: [2025, 2026], rows: [rows[4]] });
    expect(files["projects/x_422fe4b8ad/2025.json"]).toMatchObject({ institution_id: "B/中", years: [2025] });
    const counts = files["projects-counts.json"] as { year: number; tier: string; recommendation: string; n: number }[];
    expect(counts.reduce((a, c) => a + c.n, 0)).toBe(5);
    expect(counts.find((c) => c.year === 2025 && c.tier === "insufficient_data")).toMatchObject({ recommendation: "none", n: 1 });
    expect(files["projects-institutions.json"]).toEqual([
      { year: 2025, institution_id: "A", institution: "机构A", slug: "A", n: 3, excellent: 1, qualified: 0, unqualified: 1, insufficient_data: 1, priority: 1, keep: 0, review: 0, drop: 1 },
      { year: 2025, institution_id: "B/中", institution: "机构B/中", slug: "x_422fe4b8ad", n: 1, excellent: 0, qualified: 1, unqualified: 0, insufficient_data: 0, priority: 0, keep: 1, review: 0, drop: 0 },
      { year: 2026, institution_id: "A", institution: "机构A", slug: "A", n: 1, excellent: 0, qualified: 1, unqualified: 0, insufficient_data: 0, priority: 0, keep: 0, review: 1, drop: 0 },
    ]);
  });

  it("gives the notebooks the statistics of every project, and at most SCATTER_MAX points, the same ones every time", () => {
    const rows = Array.from({ length: SCATTER_MAX + 500 }, (_, i) =>
      row(2025, `P${i}`, "A", "qualified", "keep", i % 3 ? "online" : "face_to_face", { eval_raw: 70 + (i % 17), followup_score: i % 11 === 0 ? null : 60 + ((i * 7) % 23), attendance_score: 50 + (i % 29), eval_adjusted: 72 + ((i * 5) % 13), expert_score: 80 + (i % 7) }),
    );
    const out = projectResearch(rows) as { "research/mode-effects.json": { summary: { mode: string; n: number; mean: number }[] }; "research/poor-transfer.json": { fit: { n: number; r2: number }; points: unknown[]; n_complete: number } };
    const online = out["research/mode-effects.json"].summary.find((s) => s.mode === "online" && s.n > 0)!;
    expect(online).toMatchObject(meanInterval(rows.filter((r) => r.mode === "online").map((r) => r.eval_raw as number)));
    const complete = rows.filter((r) => r.followup_score !== null);
    const pt = out["research/poor-transfer.json"];
    expect(pt.n_complete).toBe(complete.length);
    expect(pt.fit).toEqual(standardisedOls(complete.map((r) => ({ ...r, online: r.mode === "online" ? 1 : 0 })), "followup_score", ["attendance_score", "eval_adjusted", "expert_score", "online"]));
    expect(pt.points.length).toBe(SCATTER_MAX);
    expect((projectResearch([...rows].reverse())["research/poor-transfer.json"] as { points: unknown[] }).points).toEqual(pt.points);
  });
});
