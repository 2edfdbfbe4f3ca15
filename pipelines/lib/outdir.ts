// Output folders the tool owns. Nothing of the user's is deleted or overwritten: a folder is
// (re)written only when it is missing, empty, or carries the marker this module writes. A new
// version is built beside it and committed by renames; a second process on the same folder is
// kept off by a lock file; what a killed process left behind is recovered or removed.
import { existsSync } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { alive } from "./process.ts";
import { crashPoint } from "./crash.ts";

export const MARKER = ".guopei-output";
export type OutputKind = "results" | "site" | "extract" | "report" | "demo" | "check" | "templates" | "export" | "stats" | "rollup";

/** A mistake in the folders a user named: the message says what to do instead. */
export class OutputError extends Error {}

/** Folders written by versions before the marker, recognised by what only the tool writes there. */
const LEGACY: Partial<Record<OutputKind, (entries: string[]) => boolean>> = {
  results: (e) => e.includes("manifest.json") && e.every((f) => /^(manifest\.json|guopei\.duckdb(\.wal)?|[a-z_]+\.csv)$/.test(f)),
  demo: (e) => e.includes("_truth.json"),
  site: (e) => e.includes("_observablehq") && e.includes("index.html"),
};

const sibling = (dir: string, tag: string) => path.join(path.dirname(dir), `.${path.basename(dir)}.${tag}`);

/** `a` equal to `b` or inside it. */
function within(a: string, b: string): boolean {
  const rel = path.relative(b, a);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/** Refuse an output that is, contains or lies inside a folder the command reads. */
export function checkApart(output: string, outputFlag: string, source: string, sourceFlag: string): void {
  const o = path.resolve(output);
  const s = path.resolve(source);
  if (within(o, s)) throw new OutputError(`${outputFlag} ${o} lies inside ${sourceFlag} ${s}: choose an output folder outside it, or every later run reads its own outputs`);
  if (within(s, o)) throw new OutputError(`${outputFlag} ${o} contains ${sourceFlag} ${s}: choose an output folder that does not hold the inputs`);
}

/**
 * The results folder a command reads, and the folder it writes from them: apart from each other, the
 * results recovered from a killed run, and holding a finished run (its manifest and warehouse).
 */
export async function resultsFor(results: string, output: string, outputFlag: string): Promise<void> {
  checkApart(output, outputFlag, results, "--results");
  await recoverDir(results);
  if (!existsSync(path.join(results, "manifest.json")) || !existsSync(path.join(results, "guopei.duckdb"))) {
    throw new OutputError(`${results} is not a results folder (no manifest.json and guopei.duckdb): run \`guopei run\` first`);
  }
}

interface Marker {
  tool: "guopei";
  kind: OutputKind;
}

async function markerOf(dir: string): Promise<Marker | null> {
  try {
    const m = JSON.parse(await readFile(path.join(dir, MARKER), "utf8")) as Marker;
    return m.tool === "guopei" ? m : null;
  } catch {
    return null;
  }
}

/** May the tool replace `dir` with a new `kind` folder? Missing, empty or ours: yes; anything else: refused. */
export async function checkOutputDir(dir: string, kind: OutputKind, flag: string): Promise<void> {
  let entries: string[];
  try {
    const s = await stat(dir);
    if (!s.isDirectory()) throw new OutputError(`${flag} ${dir} is a file, not a folder: guopei will not overwrite it`);
    entries = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw e;
  }
  if (entries.length === 0) return;
  const marker = await markerOf(dir);
  if (marker?.kind === kind) return;
  if (!marker && LEGACY[kind]?.(entries)) return;
  const what = marker ? `a guopei ${marker.kind} folder, not a ${kind} folder` : `not a folder guopei made (no ${MARKER} in it)`;
  throw new OutputError(`${flag} ${dir} is ${what} and holds ${entries.length} entries: guopei will not replace it. Name a new or empty folder.`);
}

const pidOf = (name: string, prefix: string) => (name.startsWith(prefix) ? Number.parseInt(name.slice(prefix.length), 10) : NaN);

/**
 * Undo what a killed commit left: the previous folder moved aside but the new one not yet in place
 * is moved back; a finished commit's leftovers and unfinished builds of dead processes are removed.
 */
export async function recoverDir(dir: string): Promise<void> {
  const parent = path.dirname(dir);
  if (!existsSync(parent)) return;
  const base = path.basename(dir);
  const lock = sibling(dir, "lock");
  const holder = Number.parseInt(await readFile(lock, "utf8").catch(() => ""), 10);
  if (existsSync(lock) && !(Number.isInteger(holder) && alive(holder))) await unlink(lock).catch(() => undefined);
  for (const name of (await readdir(parent)).sort()) {
    const oldPid = pidOf(name, `.${base}.old-`);
    const newPid = pidOf(name, `.${base}.new-`);
    const pid = Number.isInteger(oldPid) ? oldPid : newPid;
    if (!Number.isInteger(pid) || alive(pid)) continue;
    const p = path.join(parent, name);
    if (Number.isInteger(oldPid) && !existsSync(dir)) await rename(p, dir);
    else await rm(p, { recursive: true, force: true });
  }
}

/** A fresh folder beside `dir` to build the next version in, with the marker of `kind`. */
export async function newWorkDir(dir: string, kind: OutputKind): Promise<string> {
  const work = sibling(dir, `new-${process.pid}`);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  await writeFile(path.join(work, MARKER), `${JSON.stringify({ tool: "guopei", kind } satisfies Marker)}\n`);
  return work;
}

/**
 * Put the folder built at `work` in place of `dir`. The previous version is renamed aside, the new
 * one renamed in, the old one removed: a kill between the renames is undone by `recoverDir`, which
 * every command runs first, so `dir` is always the complete old or the complete new version.
 */
export async function commitDir(work: string, dir: string): Promise<void> {
  await mkdir(path.dirname(dir), { recursive: true });
  crashPoint("commit:before");
  if (!existsSync(dir)) {
    await rename(work, dir);
    return;
  }
  const old = sibling(dir, `old-${process.pid}`);
  await rename(dir, old);
  crashPoint("commit:between");
  await rename(work, dir);
  crashPoint("commit:after");
  await rm(old, { recursive: true, force: true });
}

/** Run `f` holding the lock of `dir`; a second guopei process on the same folder is refused. */
export async function withLock<T>(dir: string, f: () => Promise<T>): Promise<T> {
  await mkdir(path.dirname(dir), { recursive: true });
  const lock = sibling(dir, "lock");
  for (let attempt = 0; ; attempt++) {
    try {
      const h = await open(lock, "wx");
      await h.writeFile(String(process.pid));
      await h.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw e;
      const pid = Number.parseInt(await readFile(lock, "utf8").catch(() => ""), 10);
      if (Number.isInteger(pid) && pid !== process.pid && alive(pid)) {
        throw new OutputError(`another guopei process (pid ${pid}) is writing ${dir}: wait for it to finish`);
      }
      await unlink(lock).catch(() => undefined);
    }
  }
  try {
    await recoverDir(dir);
    return await f();
  } finally {
    await unlink(lock).catch(() => undefined);
  }
}

/** Build a new version of `dir` in a work folder and commit it, under the lock; a failure leaves `dir` as it was. */
export async function replaceDir<T>(dir: string, kind: OutputKind, flag: string, build: (work: string) => Promise<T>): Promise<T> {
  return withLock(dir, async () => {
    await checkOutputDir(dir, kind, flag);
    const work = await newWorkDir(dir, kind);
    try {
      const result = await build(work);
      await commitDir(work, dir);
      return result;
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
}
