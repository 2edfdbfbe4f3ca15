// The report's words: reasons put into Chinese (known answers), and narrative sentences that follow
// the numbers (a drop is named, a quiet year says so).
import { describe, expect, it } from "vitest";
import { PolicySchema } from "../../pipelines/lib/policy.ts";
import { annualReport, feedbackReport, reasonsZh, type ReportInput } from "../../pipelines/report/content.ts";

describe("reasonsZh", () => {
  it("puts each kind of reason into Chinese", () => {
    expect(reasonsZh("匿名评估 evaluation -11.6 vs 2025 全省 province mean; 专家评审 expert +2.0 vs 2025 全省 province mean")).toBe("匿名评估比 2025 年全省平均低 11.6 分；专家评审比 2025 年全省平均高 2.0 分");
    expect(reasonsZh("个案调整 case-mix -3.6 (shadowing); 缺少 missing expert+followup: predicted from its evaluation and institution")).toBe("个案调整 -3.6（跟岗实践）；缺少专家评审、训后跟踪，由本项目问卷与机构推算");
    expect(reasonsZh("仅 1 个项目有评分 only 1 scored project(s) (< 2): not ranked")).toBe("仅 1 个项目有评分（少于 2 个），不排名");
    expect(reasonsZh("诚信存疑项目 integrity suspect projects: P1 (more_responses_than_enrolled+top_mark_block)")).toBe("诚信存疑项目：P1（问卷多于参训人数、短时集中满分）");
    expect(reasonsZh("连续 2 年不合格 unqualified 2 years in a row (policy: drop after 2)")).toBe("连续 2 年不合格（政策：连续 2 年即淘汰）");
    expect(reasonsZh(null)).toBe("—");
    expect(reasonsZh("something new")).toBe("something new");
  });
});

function input(over: Partial<ReportInput> = {}): ReportInput {
  const inst = (id: string, rank: number | null, score: number, tier: string, recommendation: string, reasons = "") => ({ year: 2025, institution_id: id, name: `机构${id}`, n_projects: 3, n_responses: 90, score, ci_low: score - 3, ci_high: score + 3, rank, rank_low: rank, rank_high: rank, tier, recommendation, reasons, raw_score: score, adjusted_score: score, rank_raw: rank, rank_adjusted: rank });
  return {
    policy: PolicySchema.parse({}),
    generated: "2026-01-01",
    asOf: "2026-01-01",
    overview: [{ year: 2025, projects: 3, institutions: 2, responses: 90, enrolments: 100, teachers: 95, completion: 0.9, satisfaction: 80, mean_score: 80, excellent: 0, qualified: 2, unqualified: 1, insufficient: 0, complete: true }],
    institutions: [inst("A", 1, 85, "qualified", "keep"), inst("B", 2, 70, "unqualified", "drop", "连续 2 年不合格 unqualified 2 years in a row (policy: drop after 2)")],
    projects: [],
    counties: [],
    quality: { reliability: [], icc: [], flags: [], responseRates: [] },
    comments: { min_group: 10, themes: [], groups: [] },
    scrubbed: {},
    warning: null,
    files: [],
    rejects: 0,
    facts: { dimensions: [], hours: [], warnings: [], flags: [], norms: [] },
    ...over,
  };
}

const text = (doc: ReturnType<typeof annualReport>, id: string) => doc.sections.find((s) => s.id === id)!.blocks.map((b) => ("p" in b ? b.p : "")).join("\n");

describe("annual report narrative", () => {
  it("names the institution to drop and why, in the findings", () => {
    const doc = annualReport(input(), 2025);
    expect(text(doc, "institutions")).toContain("建议淘汰 1 家、复核 0 家");
    expect(text(doc, "findings")).toContain("建议淘汰承训机构 1 家：机构B（连续 2 年不合格（政策：连续 2 年即淘汰））");
  });

  it("says a quiet year is quiet, and does not compare a year still running", () => {
    const quiet = input({ institutions: [input().institutions[0]!], overview: [{ ...input().overview[0]!, complete: false }] });
    const doc = annualReport(quiet, 2025);
    expect(text(doc, "findings")).toBe("本年度未发现需要特别提出的问题。");
    expect(text(doc, "overall")).toContain("本年度尚有项目未结束");
    expect(doc.subtitle).toBe("（本年度尚未结束）");
  });

  it("names the weakest dimensions against the mean of all", () => {
    const dims = [["content", 70], ["trainers", 90], ["methods", 80]].map(([d, s]) => ({ year: 2025, institution_id: null, dimension: d as string, n_responses: 90, score: s as number, percentile: null }));
    const doc = annualReport(input({ facts: { ...input().facts, dimensions: dims } }), 2025);
    expect(text(doc, "findings")).toContain("全省学员评价最低的维度是课程内容（70.0 分）、方式方法（80.0 分），低于各维度平均（80.0 分）");
  });

  it("writes a feedback report that says what to improve, or that nothing stands out", () => {
    const dims = [
      { year: 2025, institution_id: null, dimension: "content", n_responses: 90, score: 80, percentile: null },
      { year: 2025, institution_id: "B", dimension: "content", n_responses: 90, score: 75, percentile: 0 },
      { year: 2025, institution_id: null, dimension: "trainers", n_responses: 90, score: 80, percentile: null },
      { year: 2025, institution_id: "B", dimension: "trainers", n_responses: 90, score: 79, percentile: 0 },
    ];
    const fb = feedbackReport(input({ facts: { ...input().facts, dimensions: dims } }), "B", 2025)!;
    expect(text(fb, "improve")).toBe("1. 课程内容低于全省平均 2 分以上，是下一年度首先要改进的方面。");
    expect(text(fb, "dimensions")).toContain("本机构各维度均低于全省平均，差距最大的是课程内容（低 5.0 分），最小的是培训师资（低 1.0 分）");
    expect(text(feedbackReport(input(), "A", 2025)!, "improve")).toContain("未发现需要改进的突出问题");
    expect(feedbackReport(input(), "A", 2024)).toBeNull();
  });
});
