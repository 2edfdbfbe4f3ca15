// docs/input.md is generated from the contract: it must be what the code reads today.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect, it } from "vitest";
import { inputDoc } from "../../pipelines/ingest/docs.ts";
import { ROOT } from "../helpers.ts";

it("docs/input.md describes the input exactly as the code reads it (run `npm run docs` after changing the contract)", async () => {
  const text = await readFile(path.join(ROOT, "docs", "input.md"), "utf8");
  expect(text).toBe(inputDoc());
  expect(text).toContain("| status | 状态 |");
  expect(text).toContain("| tiers.excellent | 90 |");
});
