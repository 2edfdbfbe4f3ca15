#!/usr/bin/env node
// Writes docs/input.md from the contract (npm run docs).
import { register } from "tsx/esm/api";
register();
const { writeFile } = await import("node:fs/promises");
const { inputDoc } = await import("../pipelines/ingest/docs.ts");
await writeFile(new URL("../docs/input.md", import.meta.url), inputDoc());
process.stderr.write("docs/input.md written\n");
