// A survey platform's evaluation export (问卷星 and its peers) in the contract's shape: one file per
// survey, `序号` restarting in every file, `提交答卷时间` with slashes, `所用时间` as `95秒`, platform
// columns that identify a respondent (`来自IP`, `来源详情`, nicknames), then one column per question
// headed by its number and text, answers as labels. Questions are matched to the instrument by
// their text; background questions stay as extra columns; the final free-text question is the
// comment. Every change is counted. Pure: rows in, rows out.
import { QUESTION, cleanHeader, halfWidth } from "./recognise.ts";

/** Answer labels of the common Chinese five-point sets (others: the policy's `labels`). */
export const LABELS: Record<string, number> = {
  非常满意: 5, 很满意: 5, 满意: 4, 比较满意: 4, 基本满意: 3, 一般: 3, 不太满意: 2, 不满意: 2, 非常不满意: 1, 很不满意: 1,
  非常同意: 5, 完全同意: 5, 同意: 4, 比较同意: 4, 不确定: 3, 中立: 3, 说不清: 3, 不太同意: 2, 不同意: 2, 非常不同意: 1, 完全不同意: 1,
  完全符合: 5, 非常符合: 5, 比较符合: 4, 符合: 4, 不太符合: 2, 不符合: 2, 完全不符合: 1, 非常不符合: 1,
  非常好: 5, 很好: 5, 好: 4, 较好: 4, 较差: 2, 差: 2, 很差: 1, 非常差: 1,
};

/** Platform columns that say who or where a respondent is: dropped at load, never stored. */
const PLATFORM_IDENTIFYING = /^(来自IP|IP|IP地址|来源详情|来源|来源渠道|渠道|用户名|用户|昵称|微信昵称|微信|openid|微信openid|OpenID|地理位置|所在地区|定位|设备|浏览器|操作系统|填写人|答题人|UA)$/i;
const SEQ = /^(序号|编号|答卷编号|答卷序号)$/;
const SUBMITTED = /^(提交答卷时间|提交时间|答题时间|填写时间|开始时间)$/;
const DURATION = /^(所用时间|答题用时|用时|填写用时|答题时长)$/;
const PROJECT = /^(项目编号|项目代码|project_id)$/i;
const COMMENT_HINT = /意见|建议|留言|其他想法|其它|说明|评语|感想/;

export interface SurveyContext {
  /** The file's path inside the input folder (response ids are made from it). */
  path: string;
  projects: { id: string; name: string | null }[];
  /** Items of the instrument with their question text (empty: no instrument supplied). */
  instrument: { item_id: string; text: string }[];
  labels: Record<string, number>;
  /** The default answer scale (policy likert): numbers outside it are not scale answers. */
  scale: { min: number; max: number };
  /** Constant columns from the policy's sources (project_id, say). */
  constants: Record<string, string>;
}

export interface SurveyNotes {
  format: "survey platform export";
  project_from: string;
  dropped_columns: string[];
  questions: { column: string; item_id: string }[];
  background_columns: string[];
  comment_column: string | null;
  /** Counts of each normalisation, so that nothing is changed silently. */
  normalised: Record<string, number>;
}

export class SurveyProblem extends Error {}

/** `95秒`, `2分5秒`, `1小时2分`, `95` → seconds. */
export function durationSeconds(v: string): number | null {
  const s = halfWidth(v).replace(/\s+/g, "");
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const m = s.match(/^(?:(\d+)(?:小时|时|h))?(?:(\d+)(?:分钟|分|m|min))?(?:(\d+)(?:秒钟|秒|s))?$/i);
  if (!m || (!m[1] && !m[2] && !m[3])) return null;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/** A question's text for matching: no numbering, question-type tag, punctuation, spaces or full width. */
export function questionText(h: string): string {
  const t = QUESTION.body(cleanHeader(h));
  return t
    .replace(/[[【(（][^\]】)）]*(题|选|量表|必答|Matrix)[^\]】)）]*[\]】)）]/gi, "")
    .replace(/[\p{P}\p{S}]/gu, "")
    .toLowerCase();
}

function matchItem(text: string, instrument: { item_id: string; text: string }[]): string | undefined {
  const q = questionText(text);
  const exact = instrument.filter((i) => questionText(i.text) === q);
  if (exact.length === 1) return exact[0]!.item_id;
  const near = instrument.filter((i) => {
    const t = questionText(i.text);
    return t.length >= 4 && q.length >= 4 && (t.includes(q) || q.includes(t));
  });
  return near.length === 1 ? near[0]!.item_id : undefined;
}

/** An answer as a scale point: a number (full width too, `5分`), or a label of the built-in or policy sets. */
function answerValue(v: string, labels: Record<string, number>): { value: number; how: "number" | "label" | "fullwidth" } | undefined {
  const t = v.replace(/\s+/g, "");
  if (/^\d+(分)?$/.test(t)) return { value: Number(t.replace("分", "")), how: "number" };
  const half = halfWidth(t);
  if (half !== t && /^\d+(分)?$/.test(half)) return { value: Number(half.replace("分", "")), how: "fullwidth" };
  const l = labels[t] ?? labels[half];
  return l === undefined ? undefined : { value: l, how: "label" };
}

/** The longest project id (or else name) contained in the file's name. */
function projectFromName(path: string, projects: SurveyContext["projects"]): string | undefined {
  const name = path.split("/").pop()!.replace(/\.[^.]+$/, "");
  const byId = projects.filter((p) => p.id && name.includes(p.id)).sort((a, b) => b.id.length - a.id.length);
  if (byId[0]) return byId[0].id;
  const byName = projects.filter((p) => p.name && p.name.length >= 4 && name.includes(p.name)).sort((a, b) => b.name!.length - a.name!.length);
  return byName[0]?.id;
}

/**
 * Reshape an export: `rows[0]` is its header; `lines[i]` the spreadsheet line of `rows[i + 1]`.
 * Returns the contract's header (response_id, project_id, submitted_at, duration_seconds, comment,
 * items, background columns) and rows, or throws SurveyProblem with one sentence for the user.
 */
export function reshapeSurvey(rows: string[][], ctx: SurveyContext): { header: string[]; rows: string[][]; notes: SurveyNotes } {
  const header = rows[0]!.map((h) => h.trim());
  const data = rows.slice(1);
  const clean = header.map(cleanHeader);
  const col = (re: RegExp) => clean.findIndex((h) => re.test(h));
  const seq = col(SEQ);
  const submitted = col(SUBMITTED);
  const duration = col(DURATION);
  const projectCol = col(PROJECT);
  const normalised: Record<string, number> = {};
  const count = (k: string, n = 1) => (normalised[k] = (normalised[k] ?? 0) + n);
  const dropped = header.filter((_, i) => PLATFORM_IDENTIFYING.test(clean[i]!));
  const labels = { ...LABELS, ...ctx.labels };

  // Question columns: numbered headers, or any other column not known above.
  const known = new Set([seq, submitted, duration, projectCol].filter((i) => i >= 0));
  const questionCols = header.map((_, i) => i).filter((i) => !known.has(i) && !PLATFORM_IDENTIFYING.test(clean[i]!) && clean[i] !== "");
  // A question with scale answers: labels of a known set, or numbers on the scale. A column of
  // numbers alone (教龄 5, say) is a question only if its text matches the instrument.
  const likert: number[] = [];
  const text: number[] = [];
  for (const i of questionCols) {
    const values = data.map((r) => (r[i] ?? "").trim()).filter((v) => v !== "");
    const answers = values.map((v) => answerValue(v, labels));
    const onScale = answers.every((a) => a !== undefined && a.value >= ctx.scale.min && a.value <= ctx.scale.max);
    const numbersOnly = answers.every((a) => a?.how !== "label");
    if (values.length && onScale && (!numbersOnly || !ctx.instrument.length || matchItem(header[i]!, ctx.instrument))) {
      likert.push(i);
    } else text.push(i);
  }
  // The comment: the last free-text question whose header asks for opinions (else none).
  const commentCol = [...text].reverse().find((i) => COMMENT_HINT.test(clean[i]!)) ?? -1;
  const background = text.filter((i) => i !== commentCol);

  const questions: { column: string; item_id: string }[] = [];
  const unmatched: string[] = [];
  const usedItems = new Map<string, string>();
  for (const i of likert) {
    const num = QUESTION.number(clean[i]!);
    const item = ctx.instrument.length ? matchItem(header[i]!, ctx.instrument) : num ? `q${num.padStart(2, "0")}` : undefined;
    if (!item) {
      unmatched.push(header[i]!);
      continue;
    }
    const before = usedItems.get(item);
    if (before) throw new SurveyProblem(`questions "${before}" and "${header[i]}" both match item ${item} of the instrument: make their texts distinct, or map them in the policy's sources`);
    usedItems.set(item, header[i]!);
    questions.push({ column: header[i]!, item_id: item.toLowerCase() });
  }
  if (unmatched.length) {
    throw new SurveyProblem(
      `${unmatched.length} question(s) match no item of the instrument by their text: ${unmatched.map((u) => `"${u}"`).join(", ")}. 问卷题目须与评估量表（instrument）的“题目”一致，或在政策文件的 sources 中把列映射到题号`,
    );
  }
  if (!questions.length) throw new SurveyProblem("no question with scale answers (非常满意…非常不满意, or numbers): nothing to evaluate");

  // The project: a column, the policy's constant, or the file's name.
  let projectFrom: string;
  let fileProject: string | undefined;
  if (projectCol >= 0) projectFrom = `column ${header[projectCol]}`;
  else if (ctx.constants.project_id) {
    fileProject = ctx.constants.project_id;
    projectFrom = "policy sources";
  } else {
    fileProject = projectFromName(ctx.path, ctx.projects);
    if (!fileProject) {
      throw new SurveyProblem(
        ctx.projects.length
          ? "the file's name holds no project id or project name of the projects file: name the file after its project (e.g. P2025001_满意度.xlsx), add a 项目编号 column, or map it in the policy's sources"
          : "no projects file to tell which project this survey belongs to: add a 项目编号 column, or give project_id in the policy's sources",
      );
    }
    projectFrom = "file name";
  }

  const backgroundNames = background.map((i) => QUESTION.body(header[i]!).trim() || header[i]!);
  const outHeader = ["response_id", "project_id", "submitted_at", "duration_seconds", "comment", ...questions.map((q) => q.item_id), ...backgroundNames];
  const out = data.map((r, n) => {
    const cell = (i: number) => (i >= 0 ? (r[i] ?? "").trim() : "");
    const seqValue = cell(seq) || String(n + 1);
    let ts = cell(submitted);
    if (ts.includes("/")) {
      ts = ts.replace(/(\d{4})\/(\d{1,2})\/(\d{1,2})/, (_m, y, mo, d) => `${y}-${mo.padStart(2, "0")}-${d.padStart(2, "0")}`);
      count("slashed_times");
    }
    let dur = cell(duration);
    if (dur && !/^\d+(\.\d+)?$/.test(dur)) {
      const s = durationSeconds(dur);
      if (s !== null) {
        dur = String(s);
        count("durations");
      }
    }
    const items = questions.map((q) => {
      const i = header.indexOf(q.column);
      const v = cell(i);
      if (!v) return "";
      const a = answerValue(v, labels)!;
      if (a.how !== "number") count(a.how === "label" ? "answer_labels" : "fullwidth_digits");
      return String(a.value);
    });
    return [`${ctx.path}#${seqValue}`, projectCol >= 0 ? cell(projectCol) : fileProject!, ts, dur, commentCol >= 0 ? cell(commentCol) : "", ...items, ...background.map((i) => cell(i))];
  });
  return {
    header: outHeader,
    rows: out,
    notes: { format: "survey platform export", project_from: projectFrom, dropped_columns: dropped, questions, background_columns: backgroundNames, comment_column: commentCol >= 0 ? header[commentCol]! : null, normalised },
  };
}
