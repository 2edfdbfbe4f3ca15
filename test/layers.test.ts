// Dependencies point one way: lib → ingest → analytics, warnings → models → publish → site → commands.
// A module may import only from its own layer or a lower one; the pages and notebooks only from the
// shared modules; the shared modules (shipped to the browser) from nothing but each other.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { ROOT } from "./helpers.ts";

const LAYERS: [prefix: string, layer: number][] = [
  ["pipelines/lib/", 0],
  ["pipelines/ingest/", 1],
  ["pipelines/analytics/", 2],
  ["pipelines/warnings/", 2],
  ["pipelines/models/", 3],
  ["pipelines/publish/", 4],
  ["pipelines/extract/", 4],
  ["pipelines/scale/", 4],
  ["pipelines/report/content.ts", 4],
  ["pipelines/site/", 5],
  ["pipelines/", 6], // the commands: cli, run, check, templates, report
  ["observablehq.config.ts", 5], // the site's configuration
  ["data/generator/", 6], // the demo province, for the `demo` command
];
const layerOf = (file: string) => LAYERS.find(([p]) => file.startsWith(p))?.[1];

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((f) => {
    const rel = `${dir}/${f}`;
    return statSync(path.join(ROOT, rel)).isDirectory() ? files(rel, ext) : ext.test(f) ? [rel] : [];
  });
}

/** Local imports of a file, as repository paths (import … from, export … from, import()). */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), "utf8");
  return [...text.matchAll(/(?:from|import\()\s*["'](\.{1,2}\/[^"']+)["']/g)].map((m) => path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]!)));
}

it("pipeline modules import only from their own layer or a lower one", () => {
  const wrong: string[] = [];
  for (const file of files("pipelines", /\.ts$/)) {
    const from = layerOf(file)!;
    for (const target of importsOf(file)) {
      const to = layerOf(target);
      if (to === undefined) wrong.push(`${file} → ${target} (outside pipelines/)`);
      else if (to > from) wrong.push(`${file} (layer ${from}) → ${target} (layer ${to})`);
    }
  }
  expect(wrong).toEqual([]);
});

it("the shared modules import nothing outside themselves (they run in the browser), and pages only them", () => {
  for (const file of files("pipelines/lib/shared", /\.ts$/)) {
    expect(readFileSync(path.join(ROOT, file), "utf8"), file).not.toMatch(/from\s+["']node:/);
    for (const target of importsOf(file)) expect(target.startsWith("pipelines/lib/shared/"), `${file} → ${target}`).toBe(true);
  }
  for (const file of [...files("dashboards", /\.(ts|md)$/), ...files("notebooks", /\.(ts|md)$/)]) {
    for (const target of importsOf(file)) {
      const ok = target.startsWith("dashboards/") || target.startsWith("notebooks/") || target.startsWith("components/") || target.startsWith("pipelines/lib/shared/");
      expect(ok, `${file} → ${target}`).toBe(true);
    }
  }
});
