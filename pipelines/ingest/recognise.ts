// Which kind of input a file is, when its name does not start with a kind's English word: Chinese
// words anywhere in its name, then its header (the columns a kind has), and the policy's `sources`
// before both. Where a header sits under a title row or a merged group row, the first rows are
// tried in turn. Pure functions over names and header cells.
import { KINDS, SPECS, canonicalHeader, kindOfFile, type Kind } from "./contract.ts";

/** The words that name each kind in a Chinese file name (anywhere in it). */
export const KIND_WORDS: Record<Kind, string[]> = {
  institutions: ["机构"],
  counties: ["区县", "项目县"],
  instrument: ["题目", "量表"],
  projects: ["项目"],
  trainees: ["学员", "名册"],
  attendance: ["考勤", "签到"],
  evaluations: ["评估", "评价", "满意度", "问卷"],
  assessments: ["考核", "结业"],
  submissions: ["作业"],
  followups: ["回访", "跟踪"],
  expert_reviews: ["专家"],
  hours: ["学时"],
};

/** Full-width ASCII (０-９, Ａ-Ｚ, ａ-ｚ, punctuation) → half-width; the ideographic space → a space. */
export function halfWidth(s: string): string {
  return s.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, " ");
}

/** A header cell as offices write it, for matching: no BOM, line breaks, spaces or full-width characters. */
export function cleanHeader(h: string): string {
  return halfWidth(h.replace(/^\uFEFF/, "")).replace(/\s+/g, "");
}

export interface NameDecision {
  kinds: Kind[];
  by: "file name" | "file name (Chinese)" | "none";
}

/** Kinds the file name names: its English first word (one), or the Chinese words in it (any number). */
export function kindsInName(basename: string): NameDecision {
  const english = kindOfFile(basename);
  if (english) return { kinds: [english], by: "file name" };
  const stem = basename.replace(/\.[^.]+$/, "");
  let kinds = KINDS.filter((k) => KIND_WORDS[k].some((w) => stem.includes(w)));
  // 项目县 names counties, not projects as well.
  if (kinds.includes("counties") && kinds.includes("projects") && !stem.replace(/项目县/g, "").includes("项目")) kinds = kinds.filter((k) => k !== "projects");
  return { kinds, by: kinds.length ? "file name (Chinese)" : "none" };
}

/** A survey platform's export (问卷星 and its peers): a running number, a submit time or numbered questions. */
export function isSurveyExport(headers: string[]): boolean {
  const h = headers.map(cleanHeader);
  const numbered = h.filter((x) => QUESTION.test(x)).length;
  return (h.includes("序号") && (h.includes("提交答卷时间") || h.includes("所用时间"))) || numbered >= 3;
}

/** A numbered question header: `5、课程内容…`, `5.课程…`, `第5题`, `第5题：…`, `Q5 …`. */
const QUESTION_RE = /^(?:第(\d{1,3})题[、.．:：)）\s]*|(?:Q|q)?(\d{1,3})[、.．:：)）\s]\s*)(.*)$/s;
export const QUESTION = {
  test: (h: string) => QUESTION_RE.test(h),
  /** The question's number, or undefined when the header is not a numbered question. */
  number: (h: string) => {
    const m = h.match(QUESTION_RE);
    return m ? (m[1] ?? m[2]) : undefined;
  },
  /** The header without its number (the question's text). */
  body: (h: string) => h.replace(QUESTION_RE, "$3"),
};

export interface HeaderDecision {
  kind?: Kind;
  /** Kinds whose required columns the header has, best first (more than one: a tie). */
  candidates: Kind[];
  survey: boolean;
}

/** The kind whose columns a header has: all its required columns, and the most of its others. */
export function kindByHeader(headers: string[], among: readonly Kind[] = KINDS): HeaderDecision {
  if (among.includes("evaluations") && isSurveyExport(headers)) return { kind: "evaluations", candidates: ["evaluations"], survey: true };
  const clean = headers.map(cleanHeader).filter((h) => h !== "");
  const fits: { kind: Kind; n: number }[] = [];
  for (const kind of among) {
    const spec = SPECS[kind];
    const got = new Set(clean.map((h) => canonicalHeader(spec, h)).filter((c): c is string => c !== undefined));
    const required = spec.cols.filter((c) => c.required).every((c) => got.has(c.name));
    const items = kind !== "evaluations" || [...got].some((g) => spec.items!.pattern.test(g));
    if (required && items) fits.push({ kind, n: got.size });
  }
  fits.sort((a, b) => b.n - a.n);
  const best = fits.filter((f) => f.n === fits[0]?.n).map((f) => f.kind);
  return { kind: best.length === 1 ? best[0] : undefined, candidates: best, survey: false };
}

/** A file-name pattern of the policy's `sources` (`*` any run of characters, `?` one), against the path or the name. */
export function patternMatches(pattern: string, relPath: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
  const p = relPath.replace(/\\/g, "/");
  return re.test(p) || re.test(p.split("/").pop()!);
}
