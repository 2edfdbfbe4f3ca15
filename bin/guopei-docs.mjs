#!/usr/bin/env node
// Writes the generated docs (npm run docs): docs/input.md from the contract, docs/data-dictionary.md from the models.
import { register } from "tsx/esm/api";
register();
const { writeFile } = await import("node:fs/promises");
const { inputDoc } = await import("../pipelines/ingest/docs.ts");
const { dataDictionary } = await import("../pipelines/models/docs.ts");
await writeFile(new URL("../docs/input.md", import.meta.url), inputDoc());
await writeFile(new URL("../docs/data-dictionary.md", import.meta.url), dataDictionary());
process.stderr.write("docs/input.md and docs/data-dictionary.md written\n");
