// The annual quality report (年度培训质量报告) and each institution's feedback report (分机构反馈报告)
// as documents: sections of paragraphs and tables, written from the published numbers only. The
// site renders them (report and institution pages, printed to PDF) and `guopei report` writes the
// same document to Word, so the two cannot differ. The narrative is conditional sentences over the
// numbers: nothing is said that a number here does not show. Pure: no database, no files.
import { DIMENSION, INTEGRITY_FLAG, KIND, INTEGRITY_LEVEL, MODE, PROGRAM, RECOMMENDATION, TIER, zh } from "../lib/shared/labels.ts";
import type { Policy } from "../lib/policy.ts";
import type { ReportFacts } from "../publish/report-data.ts";

export interface DocTable {
  id: string;
  columns: string[];
  rows: string[][];
  /** The output file each number comes from. */
  source: string;
}
/** A chart the site draws (the Word file leaves charts out): its kind and the rows it is drawn from. */
export interface DocChart {
  chart: "tiers" | "caterpillar" | "dimensions" | "trend";
  data: Record<string, unknown>[];
}
export type Block = { p: string } | { table: DocTable } | DocChart;
export interface Section {
  id: string;
  title: string;
  blocks: Block[];
}
export interface Doc {
  title: string;
  subtitle: string;
  year: number;
  sections: Section[];
}

// Rows as the site's page data hold them (JSON): loose by nature, read by name.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Row = Record<string, any>;

export interface ReportInput {
  policy: Policy;
  generated: string;
  asOf: string | null;
  overview: Row[];
  institutions: Row[];
  projects: Row[];
  counties: Row[];
  quality: { reliability: Row[]; icc: Row[]; flags: Row[]; responseRates: Row[] };
  comments: { min_group: number; themes: Row[]; groups: Row[] };
  scrubbed: Record<string, number>;
  warning: Row | null;
  files: Row[];
  rejects: number;
  facts: ReportFacts;
}

const missing = (v: unknown) => v === null || v === undefined || v === "" || Number.isNaN(Number(v));
export const f1 = (v: unknown) => (missing(v) ? "—" : Number(v).toFixed(1));
const f2 = (v: unknown) => (missing(v) ? "—" : Number(v).toFixed(2));
const pct = (v: unknown) => (missing(v) ? "—" : `${(Number(v) * 100).toFixed(1)}%`);
const count = (v: unknown) => (v === null || v === undefined ? "—" : String(v));
const range = (lo: unknown, hi: unknown, fmt = f1) => (missing(lo) || missing(hi) ? "—" : `${fmt(lo)}–${fmt(hi)}`);
const wan = (v: unknown) => (missing(v) ? "—" : (Number(v) / 10000).toLocaleString("zh-CN"));
const list = (xs: string[]) => xs.join("、");
const tier = zh(TIER);
/** A county's name where the results know it, else its code. */
const countyName = (input: ReportInput, code: string) => input.counties.find((c) => c.county_code === code)?.name ?? code;
const rec = zh(RECOMMENDATION);
const dim = zh(DIMENSION);
const nameOf = (r: Row) => r.name ?? r.institution_id;

const PART_ZH: Record<string, string> = { evaluation: "匿名评估", expert: "专家评审", attendance: "考勤与结业", followup: "训后跟踪" };
const parts = (s: string) => s.split("+").map((x) => PART_ZH[x] ?? x).join("、");
const flagsZh = (s: string) => s.split("+").map((x) => zh(INTEGRITY_FLAG)(x)).join("、");
const signed = (v: string) => (Number(v) >= 0 ? `高 ${Math.abs(Number(v)).toFixed(1)} 分` : `低 ${Math.abs(Number(v)).toFixed(1)} 分`);
/** The bilingual reasons of project_scores / institution_scores in Chinese only, for documents in Chinese. */
const REASON_RULES: [RegExp, (...m: string[]) => string][] = [
  [/^(\S+) [a-z-]+ ([-+]?[\d.]+) vs (\d+) 全省 province mean$/, (_, part, v, y) => `${part}比 ${y} 年全省平均${signed(v!)}`],
  [/^个案调整 case-mix ([-+]?[\d.]+) \((\w+)\)$/, (_, v, mode) => `个案调整 ${v}（${zh(MODE)(mode)}）`],
  [/^(匿名评估|专家评审|考勤与结业|训后跟踪) [a-z-]+ ([-+]?[\d.]+)$/, (_, part, v) => `${part} ${v}`],
  [/^剔除可疑问卷 excluded (\d+) suspicious responses$/, (_, n) => `剔除可疑问卷 ${n} 份`],
  [/^仅 (\d+) 个项目有评分 only \d+ scored project\(s\) \(< (\d+)\): not ranked$/, (_, n, k) => `仅 ${n} 个项目有评分（少于 ${k} 个），不排名`],
  [/^最弱项目 weakest (\S+) ([\d.]+), 最强 strongest (\S+) ([\d.]+)$/, (_, a, x, b, y) => `最弱项目 ${a}（${x} 分），最强 ${b}（${y} 分）`],
  [/^缺少 missing (\S+): weights re-scaled$/, (_, m) => `缺少${parts(m!)}，权重按比例调整`],
  [/^缺少 missing (\S+): predicted from its evaluation and institution$/, (_, m) => `缺少${parts(m!)}，由本项目问卷与机构推算`],
  [/^上年不合格 previous year unqualified$/, () => "上年不合格"],
  [/^诚信存疑 integrity suspect \((\S+)\): at most review$/, (_, f) => `诚信存疑（${flagsZh(f!)}），至多复核`],
  [/^诚信存疑项目 integrity suspect projects: (.+)$/, (_, list) => `诚信存疑项目：${list!.replace(/(\S+) \(([^)]+)\)/g, (_m, p, f) => `${p}（${flagsZh(f)}）`).replace(/）, /g, "）、")}`],
  [/^连续 (\d+) 年不合格 unqualified \d+ years in a row \(policy: drop after (\d+)\)$/, (_, n, k) => `连续 ${n} 年不合格（政策：连续 ${k} 年即淘汰）`],
  [/^(\d+) 年建议复核，本年仍不合格 .*$/, (_, y) => `${y} 年建议复核，本年仍不合格`],
  [/^(\d+) 年建议淘汰，未执行 .*$/, (_, y) => `${y} 年建议淘汰，未执行`],
];
export function reasonsZh(text: unknown): string {
  if (text === null || text === undefined || text === "") return "—";
  return String(text)
    .split("; ")
    .map((part) => {
      for (const [re, f] of REASON_RULES) {
        const m = part.match(re);
        if (m) return f(...m);
      }
      return part;
    })
    .join("；");
}
const sum = (rows: Row[], k: string) => rows.reduce((s, r) => s + (Number(r[k]) || 0), 0);
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const table = (id: string, source: string, columns: string[], rows: string[][]): Block => ({ table: { id, source, columns, rows } });
const p = (text: string): Block => ({ p: text });

/** Tier counts of a set of projects, as a table row. */
function tierRow(rows: Row[]): string[] {
  const scored = rows.filter((r) => r.tier && r.tier !== "insufficient_data");
  const c = (t: string) => String(rows.filter((r) => r.tier === t).length);
  return [String(rows.length), f1(mean(scored.map((r) => Number(r.score)))), c("excellent"), c("qualified"), c("unqualified"), String(rows.length - scored.length)];
}
const TIER_HEAD = ["项目数", "均分", "优秀", "合格", "不合格", "数据不足"];

function groupBy(rows: Row[], key: string): Map<string, Row[]> {
  const m = new Map<string, Row[]>();
  for (const r of rows) {
    const k = String(r[key] ?? "");
    const group = m.get(k);
    if (group) group.push(r);
    else m.set(k, [r]);
  }
  return m;
}

/** The year's dimension profile: province means, weakest first. */
function provinceDimensions(input: ReportInput, year: number) {
  return input.facts.dimensions.filter((d) => d.year === year && d.institution_id === null).sort((a, b) => a.score - b.score);
}

export function annualReport(input: ReportInput, year: number): Doc {
  const { policy } = input;
  const cur = input.overview.find((o) => o.year === year);
  if (!cur) throw new Error(`no scored year ${year} in the results`);
  const prev = input.overview.find((o) => o.year === year - 1);
  const inst = input.institutions.filter((r) => r.year === year);
  const proj = input.projects.filter((r) => r.year === year);
  const cty = input.counties.filter((r) => r.year === year);
  const minN = policy.min_group_public;
  const sections: Section[] = [];

  // 一、总体情况
  {
    const blocks: Block[] = [];
    blocks.push(
      p(
        `${year} 年度共实施培训项目 ${cur.projects} 个，承训机构 ${cur.institutions} 家，参训 ${count(cur.enrolments)} 人次（${count(cur.teachers)} 名教师），回收匿名评估问卷 ${cur.responses} 份；` +
          `结业率 ${pct(cur.completion)}，学员满意度 ${f1(cur.satisfaction)} 分（百分制），项目综合得分均值 ${f1(cur.mean_score)} 分。` +
          `优秀项目 ${cur.excellent} 个、合格 ${cur.qualified} 个、不合格 ${cur.unqualified} 个，另有 ${cur.insufficient} 个项目问卷少于 ${policy.min_responses} 份，不予分等。`,
      ),
    );
    if (!cur.complete) blocks.push(p(`注意：截至数据日期 ${input.asOf ?? "—"}，本年度尚有项目未结束，以下数字不完整，不与完整年度比较。`));
    else if (prev) {
      const d = Number(cur.mean_score) - Number(prev.mean_score);
      const share = (o: Row) => Number(o.excellent) / Math.max(1, Number(o.excellent) + Number(o.qualified) + Number(o.unqualified));
      blocks.push(
        p(
          `与 ${year - 1} 年相比，项目综合得分均值${Math.abs(d) < 0.05 ? "持平" : d > 0 ? `上升 ${d.toFixed(1)} 分` : `下降 ${(-d).toFixed(1)} 分`}，` +
            `有等级项目中优秀占比由 ${pct(share(prev))} 变为 ${pct(share(cur))}；` +
            (prev.projects === cur.projects ? `项目个数与上年相同（${cur.projects} 个）。` : `项目个数由 ${prev.projects} 个变为 ${cur.projects} 个。`),
        ),
      );
    }
    blocks.push(
      table(
        "overview",
        "project_tiers.csv",
        ["年度", "项目", "机构", "问卷", "均分", "优秀", "合格", "不合格", "数据不足"],
        input.overview.filter((o) => o.year <= year).map((o) => [`${o.year}${o.complete ? "" : "（进行中）"}`, count(o.projects), count(o.institutions), count(o.responses), f1(o.mean_score), count(o.excellent), count(o.qualified), count(o.unqualified), count(o.insufficient)]),
      ),
    );
    blocks.push({ chart: "tiers", data: input.overview.filter((o) => o.year <= year).flatMap((o) => ["excellent", "qualified", "unqualified"].map((t) => ({ year: o.year, tier: t, n: o[t] }))) });
    sections.push({ id: "overall", title: "一、总体情况", blocks });
  }

  // 二、项目实施质量
  {
    const blocks: Block[] = [];
    const scored = proj.filter((r) => r.tier && r.tier !== "insufficient_data");
    const byMode = [...groupBy(proj, "mode")].filter(([m]) => m);
    blocks.push(p(`有等级的 ${scored.length} 个项目中，优秀 ${scored.filter((r) => r.tier === "excellent").length} 个、合格 ${scored.filter((r) => r.tier === "qualified").length} 个、不合格 ${scored.filter((r) => r.tier === "unqualified").length} 个（优秀线 ${policy.tiers.excellent} 分，合格线 ${policy.tiers.qualified} 分）。`));
    const modeMeans = byMode
      .map(([m, rs]) => ({ m, v: mean(rs.filter((r) => r.tier && r.tier !== "insufficient_data").map((r) => Number(r.score))) }))
      .filter((x): x is { m: string; v: number } => x.v !== null)
      .sort((a, b) => b.v - a.v);
    if (modeMeans.length >= 2) blocks.push(p(`按培训方式看，${zh(MODE)(modeMeans[0]!.m)}项目均分最高（${modeMeans[0]!.v.toFixed(1)} 分），${zh(MODE)(modeMeans.at(-1)!.m)}项目最低（${modeMeans.at(-1)!.v.toFixed(1)} 分）。`));
    blocks.push(table("by-program", "project_tiers.csv", ["计划类别", ...TIER_HEAD], [...groupBy(proj, "program")].map(([k, rs]) => [zh(PROGRAM)(k), ...tierRow(rs)])));
    blocks.push(table("by-mode", "project_tiers.csv", ["培训方式", ...TIER_HEAD], byMode.map(([k, rs]) => [zh(MODE)(k), ...tierRow(rs)])));
    const review = proj.filter((r) => r.recommendation === "review" || r.recommendation === "drop").sort((a, b) => (a.shrunk_score ?? 0) - (b.shrunk_score ?? 0));
    blocks.push(p(review.length ? `建议淘汰的项目 ${review.filter((r) => r.recommendation === "drop").length} 个、复核 ${review.filter((r) => r.recommendation === "review").length} 个，列于下表（按收缩估计由低到高）。` : "本年度没有建议复核或淘汰的项目。"));
    if (review.length)
      blocks.push(
        table(
          "projects-review",
          "project_tiers.csv",
          ["项目", "名称", "承训机构", "得分", "95% 区间", "等级", "建议", "主要原因"],
          review.map((r) => [r.project_id, r.name ?? "—", r.institution ?? r.institution_id, f1(r.score), range(r.ci_low, r.ci_high), tier(r.tier), rec(r.recommendation), reasonsZh(r.reasons)]),
        ),
      );
    sections.push({ id: "projects", title: "二、项目实施质量", blocks });
  }

  // 三、承训机构评估
  {
    const ranked = inst.filter((r) => r.rank !== null && r.rank !== undefined);
    const c = (t: string) => ranked.filter((r) => r.tier === t).length;
    const drop = inst.filter((r) => r.recommendation === "drop");
    const review = inst.filter((r) => r.recommendation === "review");
    const blocks: Block[] = [
      p(
        `本年度 ${inst.length} 家承训机构中，参与排名 ${ranked.length} 家：优秀 ${c("excellent")} 家、合格 ${c("qualified")} 家、不合格 ${c("unqualified")} 家；` +
          `有评分项目少于 ${policy.institutions.min_projects} 个的 ${inst.length - ranked.length} 家暂不排名。得分为经个案调整和经验贝叶斯收缩的估计，区间为 95%；名次区间相互重叠的机构不宜区分先后。` +
          (drop.length || review.length ? `建议淘汰 ${drop.length} 家、复核 ${review.length} 家。` : "没有建议淘汰或复核的机构。"),
      ),
      { chart: "caterpillar", data: inst.map((r) => ({ institution_id: r.institution_id, name: r.name, score: r.score, ci_low: r.ci_low, ci_high: r.ci_high, rank: r.rank, tier: r.tier })) },
      table(
        "institutions",
        "institution_rankings.csv",
        ["名次", "机构", "项目数", "得分", "95% 区间", "名次区间", "等级", "建议", "原因"],
        inst.map((r) => [count(r.rank), nameOf(r), count(r.n_projects), f1(r.score), range(r.ci_low, r.ci_high), r.rank === null ? "—" : range(r.rank_low, r.rank_high, (v) => String(Math.round(Number(v)))), tier(r.tier), rec(r.recommendation), reasonsZh(r.reasons)]),
      ),
    ];
    const moved = inst.filter((r) => r.rank_raw !== null && r.rank_raw !== undefined && r.rank !== null && Math.abs(Number(r.rank_raw) - Number(r.rank)) >= 3);
    blocks.push(
      p(
        moved.length
          ? `敏感性：个案调整与收缩使 ${moved.length} 家机构的名次变动 3 位及以上（未调整名次与最终名次见下表），其余机构名次基本不受方法影响。`
          : "敏感性：未调整、个案调整与收缩三种算法下，各机构名次变动均不足 3 位。",
      ),
    );
    blocks.push(
      table(
        "sensitivity",
        "institution_sensitivity.csv",
        ["机构", "未调整得分", "调整后得分", "收缩后得分", "未调整名次", "调整后名次", "最终名次"],
        inst.filter((r) => r.rank !== null).map((r) => [nameOf(r), f1(r.raw_score), f1(r.adjusted_score), f1(r.score), count(r.rank_raw), count(r.rank_adjusted), count(r.rank)]),
      ),
    );
    sections.push({ id: "institutions", title: "三、承训机构评估", blocks });
  }

  // 四、项目县绩效
  {
    const q = policy.county.qualified;
    const below = cty.filter((r) => r.score !== null && Number(r.score) < q);
    const g = (t: string) => cty.filter((r) => r.grade === t).length;
    const blocks: Block[] = cty.length
      ? [
          p(
            `${cty.length} 个项目县中，优秀 ${g("excellent")} 个、合格 ${g("qualified")} 个、不合格 ${g("unqualified")} 个（优秀线 ${policy.county.excellent} 分，合格线 ${q} 分）；` +
              (below.length ? `低于合格线的区县：${list(below.map((r) => `${r.name ?? r.county_code}（${f1(r.score)} 分）`))}。` : "没有低于合格线的区县。") +
              `按等级，明年支持资金合计 ${wan(sum(cty, "support_cny"))} 万元。`,
          ),
          table(
            "counties",
            "county_performance.csv",
            ["区县", "得分", "95% 区间", "等级", "达到合格线的概率", "明年支持（万元）", "培训覆盖率"],
            cty.map((r) => [r.name ?? r.county_code, f1(r.score), range(r.ci_low, r.ci_high), tier(r.grade), pct(r.p_qualified), wan(r.support_cny), pct(r.coverage)]),
          ),
        ]
      : [p("本年度没有项目县绩效数据。")];
    sections.push({ id: "counties", title: "四、项目县绩效", blocks });
  }

  // 五、评估质量与诚信
  {
    const rr = input.quality.responseRates.find((r) => r.year === year);
    const rel = input.quality.reliability.filter((r) => r.year === year);
    const icc = input.quality.icc.find((r) => r.year === year);
    const flags = input.quality.flags.filter((r) => r.year === year);
    const weak = rel.filter((r) => r.alpha !== null && Number(r.alpha) < policy.reliability.alpha_min);
    const blocks: Block[] = [];
    if (rr) blocks.push(p(`项目问卷回收率中位数 ${pct(rr.median_rate)}，最低的一成项目在 ${pct(rr.p10_rate)} 以下；问卷少于 ${policy.min_responses} 份的项目 ${rr.below_min} 个。`));
    if (rel.length) {
      const alphas = rel.map((r) => Number(r.alpha)).filter((a) => !Number.isNaN(a));
      blocks.push(
        p(
          `各维度内部一致性系数 α 在 ${Math.min(...alphas).toFixed(2)}–${Math.max(...alphas).toFixed(2)} 之间；` +
            (weak.length ? `低于 ${policy.reliability.alpha_min} 的维度：${list(weak.map((r) => dim(r.dimension)))}，这些维度的得分宜谨慎解读。` : `均不低于 ${policy.reliability.alpha_min}。`) +
            (icc
              ? `项目均值的信度 ICC(k) = ${f2(icc.icck)}（95% 区间 ${range(icc.icck_low, icc.icck_high, f2)}），${Number(icc.icck) >= 0.7 ? "问卷均值能够可靠地区分项目" : "问卷均值区分项目的可靠性有限，项目排序须结合区间解读"}。`
              : ""),
        ),
      );
      blocks.push(table("reliability", "reliability.csv", ["维度", "题数", "问卷数", "α", "α 95% 区间", "ω", "ω 95% 区间", "警示"], rel.map((r) => [dim(r.dimension), count(r.n_items), count(r.n_responses), f2(r.alpha), range(r.alpha_low, r.alpha_high, f2), f2(r.omega), range(r.omega_low, r.omega_high, f2), r.warning ?? "—"])));
    }
    const suspect = new Set(input.facts.flags.filter((f) => f.year === year && f.level === "suspect").map((f) => f.project_id));
    const reviewF = new Set(input.facts.flags.filter((f) => f.year === year && f.level === "review").map((f) => f.project_id));
    blocks.push(p(flags.length ? `诚信核查：作答存疑的项目 ${suspect.size} 个，需复核的项目 ${reviewF.size} 个（各类情况见下表；存疑问卷已按规则剔除或降权）。` : "诚信核查：本年度没有发现作答异常。"));
    if (flags.length) blocks.push(table("integrity", "integrity_flags.csv", ["情况", "级别", "项目数", "涉及问卷"], flags.map((r) => [zh(INTEGRITY_FLAG)(r.flag), zh(INTEGRITY_LEVEL)(r.level), count(r.projects), count(r.responses)])));
    sections.push({ id: "quality", title: "五、评估质量与诚信", blocks });
  }

  // 六、学时达标
  {
    const hy = Math.max(...input.facts.hours.map((h) => h.year), -Infinity);
    const hours = input.facts.hours.filter((h) => h.year === hy);
    const h = policy.hours;
    const blocks: Block[] = [];
    if (!hours.length) blocks.push(p("结果中没有可公开的学时档案统计。"));
    else {
      const teachers = sum(hours, "teachers");
      const share = sum(hours.map((r) => ({ v: r.share_meeting_hours * r.teachers })), "v") / teachers;
      const low = hours.filter((r) => r.share_meeting_hours < share).sort((a, b) => a.share_meeting_hours - b.share_meeting_hours);
      blocks.push(
        p(
          `学时按每 ${h.cycle_years} 年周期 ${h.cycle_hours} 学时、信息技术应用能力 ${h.it_hours} 学时计（统计截至 ${hy} 年）。公开的 ${hours.length} 个区县（每县教师不少于 ${minN} 人）共 ${teachers} 名教师，周期学时达标率 ${pct(share)}。` +
            (low.length ? `达标率低于这些区县平均水平的有：${list(low.slice(0, 8).map((r) => `${countyName(input, r.county_code)}（${pct(r.share_meeting_hours)}）`))}。` : ""),
        ),
      );
      blocks.push(table("hours", "hours_by_county.csv", ["区县", "教师数", "周期学时达标率", "信息技术学时达标率", "平均欠缺学时"], hours.map((r) => [countyName(input, r.county_code), count(r.teachers), pct(r.share_meeting_hours), pct(r.share_meeting_it), f1(r.mean_behind_hours)])));
    }
    sections.push({ id: "hours", title: "六、学时达标", blocks });
  }

  // 七、训中预警概况 (aggregates only: no teacher, school or project appears here)
  {
    const w = input.warning;
    const agg = input.facts.warnings.at(-1);
    const m = w?.metrics;
    const blocks: Block[] = [];
    if (!agg) blocks.push(p("本次运行没有在训项目，未计算训中预警。"));
    else {
      blocks.push(
        p(
          `截至 ${w?.as_of ?? input.asOf ?? "—"}，对 ${agg.year} 年在训项目的 ${agg.assessed} 名学员计算了结业与学用转化风险，` +
            (agg.high === null ? `高、中风险人数少于 ${minN} 人，不公开具体人数。` : `其中高风险 ${agg.high} 人、中风险 ${agg.medium} 人。`) +
            `名单仅在内部版中提供给区县和承训机构，用于“预警—诊断—干预”。`,
        ),
      );
      if (m && w?.method === "model") blocks.push(p(`预警模型经样本外检验：AUC ${f2(m.auc)}（规则基线 ${f2(m.rule_auc)}），Brier 分数 ${f2(m.brier)}，检验样本 ${m.validation_rows} 人。`));
      else if (w) blocks.push(p(`本次使用规则预警：${w.why ?? ""}`));
    }
    sections.push({ id: "warnings", title: "七、训中预警概况", blocks });
  }

  // 八、学员意见
  {
    const themes = input.comments.themes.filter((t) => t.year === year).slice(0, 15);
    const scrubbed = Object.entries(input.scrubbed).filter(([k]) => k !== "comments").reduce((s, [, v]) => s + Number(v), 0);
    const blocks: Block[] = [
      p(
        themes.length
          ? `学员匿名意见中提及最多的主题词是${list(themes.slice(0, 5).map((t) => `“${t.term}”（${t.n} 条）`))}。意见在公开前已去除个人信息（全部年度共 ${scrubbed} 处），提及人数少于 ${input.comments.min_group} 的主题词不列出。`
          : `本年度没有达到公开最低人数（${input.comments.min_group} 条）的意见主题。`,
      ),
    ];
    if (themes.length) blocks.push(table("themes", "comments.json（网站数据 site data）", ["主题词", "提及条数", "提及者平均评分"], themes.map((t) => [t.term, count(t.n), f1(t.mean_score)])));
    sections.push({ id: "comments", title: "八、学员意见", blocks });
  }

  // 九、问题与建议
  {
    const items: string[] = [];
    const drop = inst.filter((r) => r.recommendation === "drop");
    const review = inst.filter((r) => r.recommendation === "review");
    if (drop.length) items.push(`建议淘汰承训机构 ${drop.length} 家：${list(drop.map((r) => `${nameOf(r)}（${r.reasons ? reasonsZh(r.reasons) : tier(r.tier)}）`))}。`);
    if (review.length) items.push(`建议复核承训机构 ${review.length} 家：${list(review.map((r) => `${nameOf(r)}（${r.reasons ? reasonsZh(r.reasons) : tier(r.tier)}）`))}。`);
    const dims = provinceDimensions(input, year);
    if (dims.length >= 3) {
      const all = mean(dims.map((d) => d.score))!;
      const weakest = dims.slice(0, 2);
      if (all - weakest[0]!.score >= 1)
        items.push(`全省学员评价最低的维度是${list(weakest.map((d) => `${dim(d.dimension)}（${d.score.toFixed(1)} 分）`))}，低于各维度平均（${all.toFixed(1)} 分）；建议在下一年度项目申报评审和过程监管中把这些方面列为重点。`);
      else items.push(`全省学员对各维度的评价接近（最低的${dim(weakest[0]!.dimension)} ${weakest[0]!.score.toFixed(1)} 分，与各维度平均 ${all.toFixed(1)} 分相差不足 1 分），没有明显的薄弱维度。`);
    }
    const below = input.counties.filter((r) => r.year === year && r.score !== null && Number(r.score) < policy.county.qualified);
    const unq = policy.county.support_cny.unqualified;
    if (below.length) items.push(`项目县绩效低于合格线（${policy.county.qualified} 分）的有 ${below.length} 个：${list(below.map((r) => r.name ?? r.county_code))}；${unq === 0 ? "按政策明年不予支持" : `按政策明年支持 ${wan(unq)} 万元`}，建议督促整改。`);
    const hy = Math.max(...input.facts.hours.map((h) => h.year), -Infinity);
    const hrs = input.facts.hours.filter((h) => h.year === hy);
    const lowHours = hrs.filter((h) => h.share_meeting_hours < 0.5);
    if (lowHours.length) items.push(`学时达标率不足一半的区县 ${lowHours.length} 个（${list(lowHours.slice(0, 8).map((h) => countyName(input, h.county_code)))}${lowHours.length > 8 ? " 等" : ""}），建议在下一周期优先安排培训。`);
    const suspect = new Set(input.facts.flags.filter((f) => f.year === year && f.level === "suspect").map((f) => f.project_id));
    if (suspect.size) items.push(`${suspect.size} 个项目的问卷作答存疑（见第五部分），建议向承训机构核实问卷组织方式。`);
    const weakRel = input.quality.reliability.filter((r) => r.year === year && r.alpha !== null && Number(r.alpha) < policy.reliability.alpha_min);
    if (weakRel.length) items.push(`问卷维度${list(weakRel.map((r) => dim(r.dimension)))}的内部一致性低于 ${policy.reliability.alpha_min}，建议修订相应题目。`);
    sections.push({ id: "findings", title: "九、问题与建议", blocks: items.length ? items.map((t, i) => p(`${i + 1}. ${t}`)) : [p("本年度未发现需要特别提出的问题。")] });
  }

  // 十、附录
  {
    const loaded = input.files.filter((f) => f.status !== "skipped");
    sections.push({
      id: "appendix",
      title: "十、附录",
      blocks: [
        p(
          "（一）方法。项目得分为问卷、专家评议、考勤与跟踪回访四类证据的加权和（权重 " +
            `${policy.weights.evaluation}/${policy.weights.expert}/${policy.weights.attendance}/${policy.weights.followup}），区间来自各部分的抽样方差；机构得分以项目为单位估计机构的长期质量（随机效应模型，经验贝叶斯收缩），名次区间由后验模拟得到；` +
            "区县得分含指标与成效两部分并给出区间和达到等级的概率；预警为样本外检验过的 logistic 模型或规则。详见网站“方法说明”页。",
        ),
        p(`（二）数据。本次运行读入 ${input.files.length} 个文件，载入 ${loaded.length} 个，被拒绝的行 ${input.rejects} 行（原因见 rejects.csv）；数据生成于 ${input.generated}。`),
        table("files", "manifest.json", ["文件", "类型", "读入行", "载入行", "拒绝行", "状态"], input.files.map((f) => [f.path, zh(KIND)(f.kind), count(f.rows_read), count(f.rows_loaded), count(f.rows_rejected), f.status ?? "—"])),
        p(
          `（三）政策版本 ${policy.version}：项目与机构优秀线 ${policy.tiers.excellent} 分、合格线 ${policy.tiers.qualified} 分；区县优秀线 ${policy.county.excellent} 分、合格线 ${policy.county.qualified} 分；` +
            `项目最少问卷 ${policy.min_responses} 份；公开数据的最小群体 ${minN} 人，意见 ${policy.min_group_comments} 条。`,
        ),
      ],
    });
  }
  return { title: `${year} 年度国培计划培训质量报告`, subtitle: cur.complete ? "" : "（本年度尚未结束）", year, sections };
}

/** The feedback report a province sends to one institution about one year. */
export function feedbackReport(input: ReportInput, institutionId: string, year: number): Doc | null {
  const { policy } = input;
  const all = input.institutions.filter((r) => r.institution_id === institutionId).sort((a, b) => a.year - b.year);
  const me = all.find((r) => r.year === year);
  if (!me) return null;
  const name = nameOf(me);
  const n = input.institutions.filter((r) => r.year === year && r.rank !== null).length;
  const proj = input.projects.filter((r) => r.year === year && r.institution_id === institutionId);
  const dims = input.facts.dimensions.filter((d) => d.year === year && d.institution_id === institutionId);
  const prov = new Map(provinceDimensions(input, year).map((d) => [d.dimension, d.score]));
  const sections: Section[] = [];

  sections.push({
    id: "summary",
    title: "一、总体结论",
    blocks: [
      p(
        `${name} ${year} 年承担培训项目 ${me.n_projects} 个，回收问卷 ${me.n_responses} 份。` +
          (me.score === null
            ? `问卷少于 ${policy.min_group_public} 份，不公开得分。`
            : `综合得分 ${f1(me.score)} 分（95% 区间 ${range(me.ci_low, me.ci_high)}）` +
              (me.rank === null ? `；有评分项目少于 ${policy.institutions.min_projects} 个，暂不排名。` : `，在 ${n} 家机构中名列第 ${me.rank}（名次区间 ${range(me.rank_low, me.rank_high, (v) => String(Math.round(Number(v))))}）。`)) +
          `等级：${tier(me.tier)}；建议：${rec(me.recommendation)}。` +
          (me.reasons ? `依据：${reasonsZh(me.reasons)}。` : ""),
      ),
    ],
  });

  sections.push({
    id: "projects",
    title: "二、项目",
    blocks: [
      p(`同类项目百分位：在同一年度、同一计划类别和项目类别的项目中，得分低于本项目的比例（0–100）。`),
      table(
        "projects",
        "project_tiers.csv",
        ["项目", "名称", "方式", "问卷", "得分", "95% 区间", "同类百分位", "等级", "建议", "原因"],
        proj.map((r) => [r.project_id, r.name ?? "—", zh(MODE)(r.mode), count(r.n_responses), f1(r.score), range(r.ci_low, r.ci_high), r.peer_percentile === null || r.peer_percentile === undefined ? "—" : `${r.peer_percentile}（${r.peer_n} 个同类）`, tier(r.tier), rec(r.recommendation), reasonsZh(r.reasons)]),
      ),
    ],
  });

  const gaps = dims.map((d) => ({ ...d, gap: d.score - (prov.get(d.dimension) ?? d.score) })).sort((a, b) => a.gap - b.gap);
  sections.push({
    id: "dimensions",
    title: "三、维度画像",
    blocks: dims.length
      ? [
          p(
            (gaps[0]!.gap >= 0
              ? `本机构各维度均不低于全省平均，高出最多的是${dim(gaps.at(-1)!.dimension)}（高 ${gaps.at(-1)!.gap.toFixed(1)} 分），最少的是${dim(gaps[0]!.dimension)}（高 ${gaps[0]!.gap.toFixed(1)} 分）。`
              : gaps.at(-1)!.gap < 0
                ? `本机构各维度均低于全省平均，差距最大的是${dim(gaps[0]!.dimension)}（低 ${(-gaps[0]!.gap).toFixed(1)} 分），最小的是${dim(gaps.at(-1)!.dimension)}（低 ${(-gaps.at(-1)!.gap).toFixed(1)} 分）。`
                : `与全省相比，本机构相对最强的维度是${dim(gaps.at(-1)!.dimension)}（高 ${gaps.at(-1)!.gap.toFixed(1)} 分），相对最弱的是${dim(gaps[0]!.dimension)}（低 ${(-gaps[0]!.gap).toFixed(1)} 分）。`) +
              "百分位为本机构在当年全部机构中的位置。",
          ),
          { chart: "dimensions", data: dims.flatMap((d) => [{ dimension: dim(d.dimension), series: "本机构", value: d.score }, { dimension: dim(d.dimension), series: "全省", value: prov.get(d.dimension) ?? null }]) },
          table("dimensions", "dimension_scores.csv", ["维度", "本机构", "全省", "差值", "全省百分位"], dims.map((d) => [dim(d.dimension), f1(d.score), f1(prov.get(d.dimension)), `${d.score - (prov.get(d.dimension) ?? 0) >= 0 ? "+" : ""}${(d.score - (prov.get(d.dimension) ?? 0)).toFixed(1)}`, count(d.percentile)])),
        ]
      : [p(`问卷少于 ${policy.min_group_public} 份，不公开维度得分。`)],
  });

  sections.push({
    id: "trend",
    title: "四、历年趋势",
    blocks: [
      { chart: "trend", data: all.filter((r) => r.year <= year).map((r) => ({ year: r.year, value: r.score, series: "综合得分" })) },
      table("trend", "institution_rankings.csv", ["年度", "得分", "95% 区间", "名次", "等级", "建议"], all.filter((r) => r.year <= year).map((r) => [String(r.year), f1(r.score), range(r.ci_low, r.ci_high), count(r.rank), tier(r.tier), rec(r.recommendation)])),
    ],
  });

  const flags = input.facts.flags.filter((f) => f.year === year && f.institution_id === institutionId);
  sections.push({
    id: "integrity",
    title: "五、评估诚信",
    blocks: flags.length
      ? [
          p(`本机构 ${new Set(flags.map((f) => f.project_id)).size} 个项目的问卷作答需要说明（存疑的问卷已剔除或降权，不计入得分）。`),
          table("flags", "integrity_flags.csv", ["项目", "情况", "级别", "涉及问卷", "占比"], flags.map((f) => [f.project_id, zh(INTEGRITY_FLAG)(f.flag), zh(INTEGRITY_LEVEL)(f.level), String(f.affected_responses), pct(f.share)])),
        ]
      : [p("未发现需要说明的作答异常。")],
  });

  const todo: string[] = [];
  const weak = gaps.filter((g) => g.gap <= -2).slice(0, 3);
  if (weak.length) todo.push(`${list(weak.map((g) => dim(g.dimension)))}低于全省平均 2 分以上，是下一年度首先要改进的方面。`);
  const low = proj.filter((r) => r.tier === "unqualified");
  if (low.length) todo.push(`项目${list(low.map((r) => r.project_id))}未达到合格线（${policy.tiers.qualified} 分），请对照原因分析整改。`);
  if (flags.some((f) => f.level === "suspect")) todo.push("部分项目问卷作答存疑，请说明问卷的组织方式，确保学员独立匿名作答。");
  const lowRate = proj.filter((r) => r.response_rate !== null && r.response_rate !== undefined && Number(r.response_rate) < 0.5);
  if (lowRate.length) todo.push(`项目${list(lowRate.map((r) => r.project_id))}问卷回收率不足 50%，证据偏少会使区间变宽。`);
  sections.push({ id: "improve", title: "六、改进建议", blocks: todo.length ? todo.map((t, i) => p(`${i + 1}. ${t}`)) : [p("各维度均不低于全省平均 2 分以上，项目均达到合格线，未发现需要改进的突出问题。")] });

  const g = input.comments.groups.find((c) => c.year === year && c.institution_id === institutionId);
  sections.push({
    id: "comments",
    title: "七、学员意见",
    blocks: g
      ? [p(`共 ${g.n_comments} 条匿名意见（已去除个人信息）。常见主题词见下表。`), table("terms", "comments.json（网站数据 site data）", ["主题词", "提及条数"], (g.top_terms as Row[]).map((t) => [t.term, String(t.n)]))]
      : [p(`意见少于 ${input.comments.min_group} 条，为保护学员匿名不予展示。`)],
  });

  return { title: `${name} ${year} 年度培训质量反馈报告`, subtitle: "", year, sections };
}
