// A report document in two parts for the site, so that a page opens light at any size: the head
// (every paragraph and chart, and each table's first rows) opens with the page; the rest of every
// long table (national size: thousands of projects to review) is a second file, fetched when the
// reader asks for it or when the page is printed in full (?full=1, as `guopei report` does).
// joinDoc(splitDoc(doc)) is the document again, row for row.

/** Rows of a table that open with the page. */
export const DOC_ROWS_INLINE = 200;

interface TableLike {
  rows: string[][];
  /** In the head: how many rows the rest file holds for this table. */
  more?: number;
}
interface DocLike {
  sections: { blocks: unknown[] }[];
}

/** Where a table is in its document: "section.block". */
const key = (s: number, b: number) => `${s}.${b}`;

function tables(doc: DocLike): [string, TableLike][] {
  return doc.sections.flatMap((sec, s) => sec.blocks.flatMap((block, b) => (block && typeof block === "object" && "table" in block ? [[key(s, b), (block as { table: TableLike }).table] as [string, TableLike]] : [])));
}

/** The head (each table cut at `max` rows, with `more` set) and the rest (key → the rows cut). */
export function splitDoc<D extends DocLike>(doc: D, max = DOC_ROWS_INLINE): { head: D; rest: Record<string, string[][]> } {
  const head = structuredClone(doc);
  const rest: Record<string, string[][]> = {};
  for (const [k, t] of tables(head))
    if (t.rows.length > max) {
      rest[k] = t.rows.slice(max);
      t.more = rest[k]!.length;
      t.rows = t.rows.slice(0, max);
    }
  return { head, rest };
}

/** The whole document from its head and its rest. */
export function joinDoc<D extends DocLike>(head: D, rest: Record<string, string[][]>): D {
  const doc = structuredClone(head);
  for (const [k, t] of tables(doc)) {
    if (!t.more) continue;
    const rows = rest[k];
    if (!rows || rows.length !== t.more) throw new Error(`table ${k}: the rest file holds ${rows?.length ?? 0} rows, the head promises ${t.more}`);
    t.rows = [...t.rows, ...rows];
    delete t.more;
  }
  return doc;
}

/** Whether any table of the document has rows in the rest file. */
export const hasRest = (doc: DocLike) => tables(doc).some(([, t]) => Boolean(t.more));
