// A report document (pipelines/report/content.ts) on the page: headings, paragraphs, every table
// complete (it is printed), and the charts drawn from the rows each chart block carries. Text is
// set with textContent: names and reasons are never parsed as HTML.
import { caterpillar, dimensionBars, tierBars, trend } from "./charts.js";
import { dataTable } from "./table.js";

interface DocTable {
  id: string;
  columns: string[];
  rows: string[][];
  source: string;
  /** Rows not on the page yet (doc-parts.ts: in the rest file). */
  more?: number;
}
type Block = { p: string } | { table: DocTable } | { chart: string; data: Record<string, unknown>[] };
export interface Doc {
  title: string;
  subtitle: string;
  year: number;
  sections: { id: string; title: string; blocks: Block[] }[];
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}

function chart(block: { chart: string; data: Record<string, unknown>[] }, opts: { width: number; excellent: number; qualified: number }): Node | null {
  const data = block.data as never[];
  if (!block.data.length) return null;
  switch (block.chart) {
    case "tiers":
      return tierBars(data, { width: opts.width });
    case "caterpillar":
      return caterpillar(data, opts);
    case "trend":
      return trend(data, { width: opts.width, label: "得分 (0-100)" });
    case "dimensions":
      return dimensionBars(data, { width: opts.width });
    default:
      return null;
  }
}

export function renderDoc(doc: Doc, opts: { width: number; excellent: number; qualified: number; filePrefix: string }): HTMLElement {
  const root = el("article", undefined, "gp-doc");
  root.append(el("h1", `${doc.title}${doc.subtitle ? ` ${doc.subtitle}` : ""}`));
  for (const s of doc.sections) {
    const sec = el("section");
    sec.id = s.id;
    sec.append(el("h2", s.title));
    for (const b of s.blocks) {
      if ("p" in b) sec.append(el("p", b.p));
      else if ("table" in b) {
        const t = b.table;
        const rows = t.rows.map((r) => Object.fromEntries(r.map((v, i) => [`c${i}`, v])));
        sec.append(dataTable(rows, t.columns.map((label, i) => ({ key: `c${i}`, label })), { filename: `${opts.filePrefix}-${t.id}.csv`, max: Infinity }));
        if (t.more) sec.append(el("p", `另有 ${t.more} 行未载入，选择上方“显示全部行”载入。 ${t.more} more rows not loaded: choose "show every row" above.`, "gp-more"));
        sec.append(el("p", `来源 source: ${t.source}`, "gp-source"));
      } else {
        const c = chart(b, opts);
        if (c) {
          const fig = el("figure", undefined, "gp-chart");
          fig.append(c);
          sec.append(fig);
        }
      }
    }
    root.append(sec);
  }
  return root;
}
