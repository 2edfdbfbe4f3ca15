// sha256 of a file's bytes: the key of a typed file (ingest/load.ts), and what a file taken from the
// previous run is checked against (the CSVs kept for the next run, ingest/kept.ts; the outputs whose
// rows are unchanged, publish/outputs.ts).
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { copyFile, link, lstat, rm } from "node:fs/promises";

/** sha256 of a file's bytes, streamed. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest("hex");
}

/** `from` linked as `to`, copied where links fail (another volume, a file system without them). */
export const linkOrCopy = (from: string, to: string) => link(from, to).catch(() => copyFile(from, to));

/**
 * A file of the previous run taken as `to`: linked (copied where links fail) when `from` is a regular
 * file (not a link) of the size written, then checked against the sha256 written. False, and nothing
 * left at `to`, when it is not the file that was written.
 */
export async function takeVerified(from: string, to: string, written: { bytes?: number; sha256: string }): Promise<boolean> {
  const s = await lstat(from).catch(() => undefined);
  if (!s?.isFile() || (written.bytes !== undefined && s.size !== written.bytes)) return false;
  try {
    await linkOrCopy(from, to);
    if ((await sha256File(to)) === written.sha256) return true;
  } catch {
    // (Unreadable, or gone meanwhile: written again.)
  }
  await rm(to, { force: true });
  return false;
}
