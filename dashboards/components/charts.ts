// Charts as small functions of (data, {width}) → Node.
import * as Plot from "npm:@observablehq/plot";
import { TIER, TIER_COLORS, zh } from "./labels.js";

/** Tier legends in words (优秀, 合格 …), not codes. */
const tierColor = { ...TIER_COLORS, legend: true, tickFormat: (t: string) => zh(TIER)(t) };

export interface Ranked {
  institution_id: string;
  name: string | null;
  score: number | null;
  ci_low: number | null;
  ci_high: number | null;
  rank: number | null;
  tier: string;
}

/** Caterpillar chart: each institution's shrunk score with its 95 % interval, best first. */
export function caterpillar(rows: Ranked[], { width, excellent = 90, qualified = 75 }: { width: number; excellent?: number; qualified?: number }) {
  const data = rows.filter((r) => r.score !== null).map((r) => ({ ...r, label: `${r.rank ?? "—"}. ${r.name ?? r.institution_id}` }));
  return Plot.plot({
    width: Math.max(width, 320),
    height: Math.max(240, data.length * 16 + 60),
    marginLeft: Math.min(260, Math.max(width, 320) * 0.4),
    x: { label: "得分 score (95% 区间 interval)", domain: [Math.min(60, ...data.map((d) => d.ci_low ?? 100)), 100], grid: true },
    y: { label: null, domain: data.map((d) => d.label) },
    color: tierColor,
    marks: [
      Plot.ruleX([qualified], { stroke: "#d73027", strokeDasharray: "4,3" }),
      Plot.ruleX([excellent], { stroke: "#1a9850", strokeDasharray: "4,3" }),
      Plot.ruleY(data, { y: "label", x1: "ci_low", x2: "ci_high", stroke: "tier", strokeWidth: 2 }),
      Plot.dot(data, { y: "label", x: "score", fill: "tier", r: 4, tip: true, title: (d: Ranked) => `${d.name ?? d.institution_id}\n${d.score} [${d.ci_low}, ${d.ci_high}]` }),
    ],
  });
}

export function trend(rows: { year: number; value: number | null; series: string }[], { width, label }: { width: number; label: string }) {
  const series = [...new Set(rows.map((r) => r.series))];
  return Plot.plot({
    width: Math.max(width, 320),
    height: 240,
    // Years as years (not "2,023"); the axis starts at zero, so a one-point move looks like one.
    x: { label: "年度 year", type: "point", tickFormat: (y: number) => String(y) },
    y: { label, grid: true, zero: true },
    color: { legend: true },
    marks: [
      Plot.lineY(rows, { x: "year", y: "value", stroke: "series", marker: true }),
      // Values as labels, one decimal: the first series above its points, the next below, so that
      // two close series do not write over each other.
      ...series.map((name, i) =>
        Plot.text(
          rows.filter((d) => d.series === name),
          { x: "year", y: "value", text: (d: { value: number | null }) => (d.value === null ? "" : Number(d.value).toFixed(1)), dy: i % 2 ? 14 : -10, fill: "currentColor" },
        ),
      ),
    ],
  });
}

export function tierBars(rows: { year: number; tier: string; n: number }[], { width }: { width: number }) {
  return Plot.plot({
    width: Math.max(width, 320),
    height: 220,
    x: { label: "年度 year", tickFormat: "d", type: "band" },
    y: { label: "项目数 projects", grid: true },
    color: tierColor,
    marks: [Plot.barY(rows, { x: "year", y: "n", fill: "tier", tip: true })],
  });
}

/** A dimension profile: the institution beside the province, one pair of bars per dimension (0-100, from zero). */
export function dimensionBars(rows: { dimension: string; series: string; value: number | null }[], { width }: { width: number }) {
  const dims = [...new Set(rows.map((r) => r.dimension))];
  return Plot.plot({
    width: Math.max(width, 320),
    height: dims.length * 40 + 60,
    marginLeft: 80,
    x: { label: "得分 (0-100)", domain: [0, 100], grid: true },
    fy: { label: null, domain: dims, axis: "left" },
    y: { axis: null, domain: [...new Set(rows.map((r) => r.series))] },
    color: { legend: true },
    marks: [Plot.barX(rows, { fy: "dimension", y: "series", x: "value", fill: "series", tip: true }), Plot.ruleX([0])],
  });
}
