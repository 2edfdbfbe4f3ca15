// What the first pass wrote from a file's bytes (a workbook's sheets as CSV, a GB18030 or careful
// CSV made plain), kept in the results folder for the next run: a file the same by its sha256 is not
// decoded again (prepare.ts). Without it, every rerun of a folder of Excel exports opened every
// workbook again: of a national rerun after a month, 0.9 s of its first pass was one workbook of
// 25 kB (exceljs loaded to read it) and one GB18030 roster of 2.5 MB, with nothing in either changed.
//
// An entry is a folder `<sha256>.<how>` (how: xlsx, csv or tsv, which the bytes are read as) under
// the results folder's `.prepared`, holding the CSVs and, written last, `entry.json`: the code that
// wrote them (a new version writes them again) and each CSV's name, size and sha256. The first pass
// writes, or links from the previous run's entry, into its own scratch folder; taking an entry checks
// each CSV against its size and sha256, and anything else (a missing or changed file, a link, older
// code) makes it again. After the load, the entries of the files that qualify (prepare.ts:
// keepPrepared) are linked into the new results folder: it keeps those its run used, no others.
import { lstat, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { pipelineCode } from "../lib/code.ts";
import { linkOrCopy, sha256File, takeVerified } from "../lib/hash.ts";

/** The folder of a results folder that holds the entries. */
export const KEPT_FOLDER = ".prepared";

/** One CSV written from a file: its name (a sheet's, or "" for a CSV's) and its path. */
export interface Written {
  name: string;
  csv: string;
}

interface Entry {
  code: string;
  files: { name: string; file: string; bytes: number; sha256: string }[];
}

const ENTRY = "entry.json";

/** The CSVs of entry `key` of `from` linked into `dir`, each checked; undefined where it cannot be taken whole. */
async function take(from: string, key: string, dir: string): Promise<Entry | undefined> {
  const source = path.join(from, key);
  // (Folders, not links to folders elsewhere: nothing is read from outside the results folder.)
  for (const d of [from, source]) if (!(await lstat(d).catch(() => undefined))?.isDirectory()) return undefined;
  let entry: Entry;
  try {
    entry = JSON.parse(await readFile(path.join(source, ENTRY), "utf8")) as Entry;
  } catch {
    return undefined;
  }
  if (entry.code !== pipelineCode() || !Array.isArray(entry.files)) return undefined;
  for (const f of entry.files) {
    // (A name with a separator, or a file that is a link or not the size written, is not ours as written.)
    if (typeof f.file !== "string" || path.basename(f.file) !== f.file || f.file === ENTRY) return undefined;
    if (!(await takeVerified(path.join(source, f.file), path.join(dir, f.file), f))) return undefined;
  }
  return entry;
}

/** A key's CSVs in this run: their folder, and their entry where it was taken (else made when kept). */
interface Prepared {
  dir: string;
  written: Written[];
  entry?: Entry;
}

/**
 * What the first pass writes from the bytes whose key is `key` (the file's sha256 and how it is
 * read), in a folder of its own under the pass's scratch folder: taken from the previous run's entry
 * (in `from`) where it is whole and of this code, else written by `make`. The same key asked twice in
 * a run (a file delivered twice) is written once. `keep` then keeps an entry for the next run.
 */
export class Keeper {
  private readonly asked = new Map<string, Promise<Prepared>>();
  constructor(private readonly from?: string) {}

  async get(key: string, scratch: string, make: (dir: string) => Promise<Written[]>): Promise<{ written: Written[]; taken: boolean }> {
    let p = this.asked.get(key);
    if (!p) {
      p = (async (): Promise<Prepared> => {
        const dir = path.join(scratch, `kept-${key}`);
        await mkdir(dir, { recursive: true });
        const entry = this.from ? await take(this.from, key, dir) : undefined;
        if (entry) return { dir, entry, written: entry.files.map((f) => ({ name: f.name, csv: path.join(dir, f.file) })) };
        // (Whatever a failed take linked, gone.)
        await rm(dir, { recursive: true, force: true });
        await mkdir(dir, { recursive: true });
        return { dir, written: await make(dir) };
      })();
      this.asked.set(key, p);
    }
    const { written, entry } = await p;
    return { written, taken: entry !== undefined };
  }

  /** How many CSVs the key's preparation wrote (or took). */
  async count(key: string): Promise<number | undefined> {
    return (await this.asked.get(key)?.catch(() => undefined))?.written.length;
  }

  /** The key's CSVs linked into `to` with their entry, for the next run. */
  async keep(key: string, to: string): Promise<void> {
    const prepared = await this.asked.get(key);
    if (!prepared) return;
    const dir = path.join(to, key);
    await mkdir(dir, { recursive: true });
    const files = await Promise.all(
      prepared.written.map(async (w) => {
        const file = path.basename(w.csv);
        await linkOrCopy(w.csv, path.join(dir, file));
        const taken = prepared.entry?.files.find((f) => f.file === file);
        return taken ?? { name: w.name, file, bytes: (await lstat(w.csv)).size, sha256: await sha256File(w.csv) };
      }),
    );
    await writeFile(path.join(dir, ENTRY), JSON.stringify({ code: pipelineCode(), files } satisfies Entry));
  }
}
