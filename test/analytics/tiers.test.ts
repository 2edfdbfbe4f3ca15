// Thresholds and recommendations at their edges.
import { describe, expect, it } from "vitest";
import { attendanceSe, decideTier, recommend } from "../../pipelines/analytics/scores.ts";
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

describe("binomial error of the attendance part", () => {
  it("is 100·√(¼·a(1−a)/n + ¼·c(1−c)/m) with both halves, 100·√(a(1−a)/n) with one", () => {
    // a = 0.9, c = 0.8, 40 trainees each: ¼(0.09/40) + ¼(0.16/40) = 0.0015625 → 3.9528
    expect(attendanceSe({ attendance_rate: 0.9, n_trainees: 40, completion_rate: 0.8, n_results: 40 })).toBeCloseTo(3.952847, 5);
    expect(attendanceSe({ attendance_rate: 0.5, n_trainees: 100, completion_rate: null, n_results: 0 })).toBeCloseTo(5, 10);
    expect(attendanceSe({ attendance_rate: null, n_trainees: 100, completion_rate: 0.75, n_results: 12 })).toBeCloseTo(100 * Math.sqrt(0.1875 / 12), 10);
  });
});
