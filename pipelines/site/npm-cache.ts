// Observable Framework fetches every `npm:` import from a CDN at build time, and that CDN is
// unreachable here (and unreliable in mainland China). Framework first looks in
// <root>/.observablehq/cache/_npm/<name>@<version>/_esm.js, so we fill that cache with one
// self-contained esbuild bundle per package, made from the packages installed by npm.
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/** The only npm packages the pages import. Pinned by what npm installed (package-lock). */
export const SITE_PACKAGES = ["@observablehq/plot", "@observablehq/inputs", "htl", "isoformat"] as const;

const PROJECT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const NODE_MODULES = path.join(PROJECT, "node_modules");

export async function installedVersion(name: string): Promise<string> {
  const pkgJson = path.join(NODE_MODULES, name, "package.json");
  return (JSON.parse(await readFile(pkgJson, "utf8")) as { version: string }).version;
}

export async function fillNpmCache(root: string): Promise<Record<string, string>> {
  const versions: Record<string, string> = {};
  for (const name of SITE_PACKAGES) {
    const version = await installedVersion(name);
    versions[name] = version;
    const dir = path.join(root, ".observablehq", "cache", "_npm", `${name}@${version}`);
    await mkdir(dir, { recursive: true });
    await build({
      stdin: { contents: `export * from ${JSON.stringify(name)};`, resolveDir: PROJECT, loader: "js" },
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2020",
      minify: true,
      legalComments: "none",
      outfile: path.join(dir, "_esm.js"),
      logLevel: "error",
    });
  }
  return versions;
}
