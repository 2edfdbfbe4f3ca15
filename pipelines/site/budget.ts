// The page budget: what a browser downloads as data to open each page, from the FileAttachment
// calls in the page's source and the weights of the data files written for it. An attachment on a
// line ending `// 按需 on demand` is fetched only when the reader asks (the rest of a long report
// table): it is listed, not counted. A page over the
// budget fails the build (a province office on a 10 Mbit/s line waits about a second per MB), unless
// the budget is raised or turned off (--page-budget-kb 0).
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

export const DEFAULT_PAGE_BUDGET_KB = 1024;

export interface PageWeight {
  page: string;
  bytes: number;
  /** Each data file the page opens with its weight (for a parameterized page: its heaviest instance). */
  files: Record<string, number>;
  /** Files the page fetches only when the reader asks (marked `// 按需 on demand`): not in `bytes`. */
  onDemand: Record<string, number>;
}

const ATTACHMENT = /FileAttachment\(\s*(["'`])(.+?)\1\s*\)/g;
/** The mark of an attachment fetched only on the reader's request (a button, a toggle). */
const ON_DEMAND = /\/\/\s*按需 on demand\s*$/;
const PARAM = /\$\{\s*observable\.params\.\w+\s*\}/g;

/** The data each page of the staged source opens, heaviest first. */
export async function pageWeights(src: string, dataWeights: Record<string, number>): Promise<PageWeight[]> {
  const pages = (await readdir(src, { recursive: true })).map(String).filter((f) => f.endsWith(".md"));
  const out: PageWeight[] = [];
  for (const page of pages) {
    const text = await readFile(path.join(src, page), "utf8");
    const files: Record<string, number> = {};
    const onDemand: Record<string, number> = {};
    for (const [line, ref] of text.split("\n").flatMap((line) => [...line.matchAll(ATTACHMENT)].map((m) => [line, m[2]!] as const))) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(page.split(path.sep).join("/")), ref));
      if (!target.startsWith("data/")) continue;
      // A parameterized name stands for every file it can open: the heaviest counts.
      const pattern = new RegExp(`^${target.slice(5).split(PARAM).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("[^/]+")}$`);
      const matches = Object.entries(dataWeights).filter(([name]) => pattern.test(name));
      const [name, bytes] = matches.sort((a, b) => b[1] - a[1])[0] ?? [target.slice(5), 0];
      (ON_DEMAND.test(line) ? onDemand : files)[name] = bytes;
    }
    out.push({ page: page.replace(/\.md$/, ""), bytes: Object.values(files).reduce((a, b) => a + b, 0), files, onDemand });
  }
  return out.sort((a, b) => b.bytes - a.bytes || (a.page < b.page ? -1 : 1));
}

/** The pages over the budget, in words (empty when all fit or the budget is 0, meaning none). */
export function overBudget(weights: PageWeight[], budgetKb: number): string[] {
  if (!(budgetKb > 0)) return [];
  const kb = (b: number) => `${Math.round(b / 1024).toLocaleString("en")} kB`;
  return weights
    .filter((w) => w.bytes > budgetKb * 1024)
    .map((w) => `${w.page}: ${kb(w.bytes)} (${Object.entries(w.files).sort((a, b) => b[1] - a[1]).map(([f, b]) => `${f} ${kb(b)}`).join(", ")})`);
}
