// A table with a CSV download beside it. Cells are set with textContent: comment text and names
// are untrusted and are never parsed as HTML.
import { csvText } from "./csv.js";

export interface ColumnSpec<T> {
  key: keyof T & string;
  label: string;
  format?: (v: unknown, row: T) => string;
  /** The cell links here (a path of the site; the text is still set as text). */
  href?: (row: T) => string | null;
}

export function dataTable<T extends Record<string, unknown>>(rows: T[], columns: ColumnSpec<T>[], opts: { filename: string; max?: number; caption?: string }): HTMLElement {
  const wrap = document.createElement("div");
  wrap.className = "gp-table";
  const bar = document.createElement("div");
  bar.className = "gp-table-bar";
  const count = document.createElement("span");
  count.textContent = `${rows.length} 行 rows`;
  const button = document.createElement("a");
  button.className = "gp-download";
  button.textContent = "下载 CSV download";
  button.download = opts.filename;
  const blob = new Blob([csvText(columns.map((c) => c.label), rows.map((r) => columns.map((c) => r[c.key])))], { type: "text/csv;charset=utf-8" });
  button.href = URL.createObjectURL(blob);
  bar.append(count, button);
  const scroller = document.createElement("div");
  scroller.className = "gp-scroll";
  const table = document.createElement("table");
  if (opts.caption) table.createCaption().textContent = opts.caption;
  const head = table.createTHead().insertRow();
  for (const c of columns) {
    const th = document.createElement("th");
    th.textContent = c.label;
    head.append(th);
  }
  const body = table.createTBody();
  for (const r of rows.slice(0, opts.max ?? 500)) {
    const tr = body.insertRow();
    for (const c of columns) {
      const td = tr.insertCell();
      const v = r[c.key];
      const text = c.format ? c.format(v, r) : v === null || v === undefined ? "—" : String(v);
      const link = c.href?.(r);
      if (link) {
        const a = document.createElement("a");
        a.href = link;
        a.textContent = text;
        td.append(a);
      } else td.textContent = text;
      if (typeof v === "number") td.className = "num";
    }
  }
  scroller.append(table);
  wrap.append(bar, scroller);
  if (rows.length > (opts.max ?? 500)) {
    const more = document.createElement("p");
    more.textContent = `显示前 ${opts.max ?? 500} 行，完整数据请下载 CSV。 First ${opts.max ?? 500} rows shown; download the CSV for all.`;
    wrap.append(more);
  }
  return wrap;
}
