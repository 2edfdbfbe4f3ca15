// Input paths are untrusted: every file read must resolve inside the input folder.
import { realpath } from "node:fs/promises";
import path from "node:path";

export class PathError extends Error {}

/** The real path of `file`, or an error when it (or a symlink in it) leads outside `root`. */
export async function insideRoot(root: string, file: string): Promise<string> {
  const realRoot = await realpath(root);
  const real = await realpath(path.resolve(realRoot, file));
  const rel = path.relative(realRoot, real);
  if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) {
    throw new PathError(`${file} lies outside the input folder ${root}; refusing to read it`);
  }
  return real;
}

/** Path as reported to users: relative to the input folder, with forward slashes. */
export function displayPath(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join("/");
}
