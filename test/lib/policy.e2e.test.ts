import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PolicyError, parsePolicy } from "../../pipelines/lib/policy.ts";
import { MINI, runCli, tmpDir, writeFiles } from "../helpers.ts";

describe("policy", () => {
  it("defaults to the documents' figures", () => {
    const p = parsePolicy({});
    expect(p.tiers).toEqual({ excellent: 90, qualified: 75 });
    expect(p.county.support_cny).toEqual({ excellent: 3_000_000, qualified: 2_000_000, unqualified: 0 });
    expect(p.hours).toEqual({ cycle_hours: 360, cycle_years: 5, it_hours: 50, it_practice_hours: 25 });
    expect(p.min_group_public).toBe(5);
    expect(p.min_group_comments).toBe(10);
  });
  it("keeps the defaults of a partly given section", () => {
    expect(parsePolicy({ tiers: { excellent: 85 } }).tiers).toEqual({ excellent: 85, qualified: 75 });
  });
  it("names every wrong field", () => {
    try {
      parsePolicy({ tiers: { excellent: "high" }, min_responses: -1, weights: { evaluation: 0.9 }, colour: "red" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PolicyError);
      const problems = (e as PolicyError).problems.join("\n");
      expect(problems).toMatch(/tiers\.excellent/);
      expect(problems).toMatch(/min_responses/);
      expect(problems).toMatch(/weights: the four weights must add up to 1/);
      expect(problems).toMatch(/colour/);
    }
  });
  it.each([
    [null, /\(top level\): must be a JSON object/],
    [[1, 2], /\(top level\): must be a JSON object/],
    [{ county: { excellent: 70, qualified: 75 } }, /county: excellent must be above qualified/],
    [{ county: { support_cny: { excellent: 1, qualified: 2 } } }, /county: support must not fall/],
    [{ warning: { as_of: "2026-02-30" } }, /warning\.as_of: is not a real date/],
    [{ min_group_public: 1 }, /min_group_public: below 5 is too small/],
    [{ min_group_comments: 3 }, /min_group_comments: below 5 is too small/],
    [{ county: { weights: { indicators: 0.5, outcomes: 0.6 } } }, /county\.weights: the two weights must add up to 1/],
  ])("refuses %j", (raw, message) => {
    expect(() => parsePolicy(raw)).toThrow(message);
  });
  it("stops the run with exit 3 and a message per field, before touching the warehouse", async () => {
    const input = await tmpDir();
    const out = await tmpDir();
    await writeFiles(input, MINI);
    const policy = path.join(out, "policy.json");
    await writeFile(policy, JSON.stringify({ tiers: { excellent: 70, qualified: 75 }, warning: { high: 2 } }));
    const r = await runCli(["run", "--input", input, "--out", out, "--policy", policy]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/tiers: excellent must be above qualified/);
    expect(r.stderr).toMatch(/warning\.high/);
    await writeFile(policy, "{ not json");
    const r2 = await runCli(["run", "--input", input, "--out", out, "--policy", policy]);
    expect(r2.code).toBe(3);
    expect(r2.stderr).toMatch(/not valid JSON/);
  });
});
