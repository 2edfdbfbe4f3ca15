// Observable Framework fetches every `npm:` import from a CDN at build time, and that CDN is
// unreachable here (and unreliable in mainland China). Framework first looks in
// <root>/.observablehq/cache/_npm/<name>@<version>/_esm.js, so we fill that cache with one
// self-contained esbuild bundle per package, made from the packages installed by npm.
import { copyFile, mkdir, readFile, symlink, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/** The only npm packages the pages import. Pinned by what npm installed (package-lock). */
export const SITE_PACKAGES = ["@observablehq/plot", "@observablehq/inputs", "htl", "isoformat", "d3-dsv", "@duckdb/duckdb-wasm"] as const;

/** Files Framework's DuckDB client loads beside the module (import.meta.resolve). Version pinned to Framework's. */
const DUCKDB_WASM_FILES = ["dist/duckdb-mvp.wasm", "dist/duckdb-browser-mvp.worker.js", "dist/duckdb-eh.wasm", "dist/duckdb-browser-eh.worker.js"];

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
    if (name === "@duckdb/duckdb-wasm") {
      await mkdir(path.join(dir, "dist"), { recursive: true });
      for (const f of DUCKDB_WASM_FILES) await copyFile(path.join(NODE_MODULES, name, f), path.join(dir, f));
    }
  }
  return versions;
}

/**
 * Framework downloads the json and parquet DuckDB extensions for any page using DuckDB, whatever
 * the config says. The explorer neither installs nor loads them (config: install false, load
 * false; it reads CSV), so empty placeholders in the cache satisfy the build without a download.
 */
export async function placeholderDuckDBExtensions(root: string, duckdbVersion = "1.1.1"): Promise<void> {
  for (const platform of ["mvp", "eh"]) {
    const dir = path.join(root, ".observablehq", "cache", "_duckdb", "extensions.duckdb.org", `v${duckdbVersion}`, `wasm_${platform}`);
    await mkdir(dir, { recursive: true });
    for (const ext of ["json", "parquet"]) await writeFile(path.join(dir, `${ext}.duckdb_extension.wasm`), "");
  }
}

/**
 * The shared modules import packages by bare name (jstat): Framework bundles such "node imports"
 * from the node_modules it finds above its root, so the staged folder gets a link to the project's
 * (a junction on Windows, which needs no special rights).
 */
export async function linkNodeModules(dir: string): Promise<void> {
  await symlink(NODE_MODULES, path.join(dir, "node_modules"), "junction");
}

/** Remove that link (unlink: never the folder it points to). */
export async function unlinkNodeModules(dir: string): Promise<void> {
  await unlink(path.join(dir, "node_modules")).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== "ENOENT") throw e;
  });
}
