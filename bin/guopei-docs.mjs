#!/usr/bin/env node
// Writes the generated docs (npm run docs): docs/input.md from the contract, docs/data-dictionary.md from the models,
// the SQL block of docs/scale.md from the roll-up's statements.
import { register } from "tsx/esm/api";
register();
const { readFile, writeFile } = await import("node:fs/promises");
const { inputDoc } = await import("../pipelines/ingest/docs.ts");
const { dataDictionary } = await import("../pipelines/models/docs.ts");
await writeFile(new URL("../docs/input.md", import.meta.url), inputDoc());
await writeFile(new URL("../docs/data-dictionary.md", import.meta.url), dataDictionary());
const { withScaleSql } = await import("../pipelines/scale/docs.ts");
const scale = new URL("../docs/scale.md", import.meta.url);
await writeFile(scale, withScaleSql(await readFile(scale, "utf8")));
process.stderr.write("docs/input.md, docs/data-dictionary.md and the SQL of docs/scale.md written\n");
