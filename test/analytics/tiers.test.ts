// Thresholds and recommendations at their edges.
import { describe, expect, it } from "vitest";
import { decideTier, fpc, recommend } from "../../pipelines/analytics/scores.ts";
import { parsePolicy } from "../../pipelines/lib/policy.ts";

const policy = parsePolicy({});
const labels = { top: "priority", keep: "keep", review: "review", drop: "drop" };

describe("tiers", () => {
  it("puts a score exactly on a cut-off in the higher tier, just below in the lower", () => {
    expect(decideTier(90, 0, policy, true).tier).toBe("excellent");
    expect(decideTier(89.99, 0, policy, true).tier).toBe("qualified");
    expect(decideTier(75, 0, policy, true).tier).toBe("qualified");
    expect(decideTier(74.99, 0, policy, true).tier).toBe("unqualified");
  });
  it("states the probability of clearing each cut-off", () => {
    const d = decideTier(75, 2, policy, true);
    expect(d.pQualified).toBeCloseTo(0.5, 6);
    expect(decideTier(79, 2, policy, true).pQualified).toBeCloseTo(0.97725, 4);
  });
  it("gives insufficient_data below the minimum responses, whatever the score", () => {
    expect(decideTier(99, 1, policy, false).tier).toBe("insufficient_data");
    expect(recommend(decideTier(99, 1, policy, false), false, labels)).toBe("review");
  });
});

describe("recommendations", () => {
  it("reviews rather than drops when the interval straddles 75", () => {
    expect(recommend(decideTier(74, 2, policy, true), false, labels)).toBe("review");
    expect(recommend(decideTier(74, 2, policy, true), true, labels)).toBe("review");
  });
  it("drops a clear failure; a likely one only after a bad previous year", () => {
    expect(recommend(decideTier(60, 2, policy, true), false, labels)).toBe("drop");
    const likely = decideTier(73, 1.5, policy, true); // P(≥75) = Φ(−1.33) ≈ 0.09
    expect(recommend(likely, false, labels)).toBe("review");
    expect(recommend(likely, true, labels)).toBe("drop");
  });
  it("gives priority only when excellence is likely (P ≥ 0.8), keep when clearly qualified", () => {
    expect(recommend(decideTier(92, 1, policy, true), false, labels)).toBe("priority");
    expect(recommend(decideTier(90.5, 2, policy, true), false, labels)).toBe("keep");
    expect(recommend(decideTier(80, 2, policy, true), false, labels)).toBe("keep");
  });
});

describe("finite population correction", () => {
  it("makes a near-census nearly certain", () => {
    expect(fpc(18, 20)).toBeCloseTo(Math.sqrt(2 / 19), 10);
    expect(fpc(20, 20)).toBe(0);
    expect(fpc(20, null)).toBe(1);
  });
});
