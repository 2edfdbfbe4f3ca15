// What the first pass wrote from a file's bytes (a workbook's sheets as CSV, a GB18030 or careful
// CSV made plain), kept in the results folder for the next run: a file the same by its sha256 is not
// decoded again (prepare.ts). Without it, every rerun of a folder of Excel exports opened every
// workbook again: of a national rerun after a month, 0.9 s of its first pass was one workbook of
// 25 kB (exceljs loaded to read it) and one GB18030 roster of 2.5 MB, with nothing in either changed.
//
// An entry is a folder `<sha256>.<how>` (how: xlsx, csv or tsv, which the bytes are read as) under
// the results folder's `.prepared`, holding the CSVs and, written last, `entry.json`: the code that
// wrote them (a new version writes them again) and each CSV's name, size and sha256. Taking an entry
// links its CSVs into the new run's folder (a copy where links fail) and checks each against its
// size and sha256; anything else (a missing or changed file, a link, older code) makes it again. The
// new results folder keeps the entries this run used, no others: it never grows past the input.
// These CSVs hold what the inputs hold (rosters): they are as private as the warehouse beside them.
import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { copyFile, link, lstat, mkdir, readFile, rename, rm, rmdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { pipelineCode } from "../lib/code.ts";

/** Where the previous run's entries are (none with --full or a first run), and where this run's go. */
export interface KeptFolders {
  from?: string;
  to: string;
}

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

async function sha256Of(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** The entry `key` of `from` linked into `dir`, each file checked; undefined where it cannot be taken whole. */
async function take(from: string, key: string, dir: string): Promise<Written[] | undefined> {
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
  await mkdir(dir, { recursive: true });
  const written: Written[] = [];
  for (const f of entry.files) {
    // (A name with a separator, or a file that is a link or not the size written, is not ours as written.)
    if (typeof f.file !== "string" || path.basename(f.file) !== f.file || f.file === ENTRY) return undefined;
    const was = path.join(source, f.file);
    const s = await lstat(was).catch(() => undefined);
    if (!s?.isFile() || s.size !== f.bytes) return undefined;
    const csv = path.join(dir, f.file);
    await link(was, csv).catch(() => copyFile(was, csv));
    if ((await sha256Of(csv)) !== f.sha256) return undefined;
    written.push({ name: f.name, csv });
  }
  await writeFile(path.join(dir, ENTRY), JSON.stringify(entry));
  return written;
}

/**
 * What `make` writes into a folder from the bytes whose key is `key` (the file's sha256 and how it
 * is read): taken from the previous run's entry where it is whole and of this code, else made and
 * kept for the next run. The same key asked twice in a run (a file delivered twice) is made once.
 * Without folders, `make` writes into `scratch` and nothing is kept.
 */
export class Keeper {
  private readonly asked = new Map<string, Promise<{ written: Written[]; taken: boolean }>>();
  /** How many CSVs each key's entry holds, once written or taken. */
  readonly files = new Map<string, number>();
  constructor(
    private readonly folders: KeptFolders | undefined,
    private readonly scratch: string,
  ) {}

  get(key: string, make: (dir: string) => Promise<Written[]>): Promise<{ written: Written[]; taken: boolean }> {
    const folders = this.folders;
    if (!folders) return make(this.scratch).then((written) => ({ written, taken: false }));
    let p = this.asked.get(key);
    if (!p) {
      p = (async () => {
        const dir = path.join(folders.to, key);
        const taken = folders.from ? await take(folders.from, key, dir) : undefined;
        if (taken) {
          this.files.set(key, taken.length);
          return { written: taken, taken: true };
        }
        await rm(dir, { recursive: true, force: true });
        await mkdir(dir, { recursive: true });
        try {
          const written = await make(dir);
          const files = await Promise.all(
            written.map(async (w) => ({ name: w.name, file: path.basename(w.csv), bytes: (await lstat(w.csv)).size, sha256: await sha256Of(w.csv) })),
          );
          await writeFile(path.join(dir, ENTRY), JSON.stringify({ code: pipelineCode(), files } satisfies Entry));
          this.files.set(key, written.length);
          return { written, taken: false };
        } catch (e) {
          // (A file that could not be read leaves no entry: it is refused, and read again next time.)
          await rm(dir, { recursive: true, force: true });
          throw e;
        }
      })();
      this.asked.set(key, p);
    }
    return p;
  }

  /** The folder of a key's entry, where it is kept (undefined without folders). */
  dirOf(key: string): string | undefined {
    return this.folders && this.asked.has(key) ? path.join(this.folders.to, key) : undefined;
  }

  /** The folder of entries removed where none is left in it (nothing kept of this run). */
  async tidy(): Promise<void> {
    if (this.folders) await rmdir(this.folders.to).catch(() => undefined);
  }

  /**
   * Not kept after all: the entry's files moved into the scratch folder (the load still reads them,
   * at their new paths: returned), and nothing of it left for the next run.
   */
  async unkeep(key: string): Promise<{ from: string; to: string } | undefined> {
    const dir = this.dirOf(key);
    // (A file that could not be read left no entry: Keeper.get.)
    if (!dir || !existsSync(dir)) return undefined;
    const to = path.join(this.scratch, `unkept-${key}`);
    await mkdir(this.scratch, { recursive: true });
    await rename(dir, to);
    await rm(path.join(to, ENTRY), { force: true });
    return { from: dir, to };
  }
}
