// The input contract (shared/contract.md) as data: one spec per file kind.
// Validation SQL is generated from these specs, so a rule lives in exactly one place.

export type ColType = "id" | "text" | "int" | "num" | "date" | "ts" | "bool" | "enum";
/** The DuckDB type each contract type is stored as (typed pass and empty tables alike). */
export const SQL_TYPE: Record<ColType, string> = { id: "VARCHAR", text: "VARCHAR", enum: "VARCHAR", int: "BIGINT", num: "DOUBLE", date: "DATE", ts: "TIMESTAMP", bool: "BOOLEAN" };

export interface ColSpec {
  name: string;
  /** Chinese header(s) accepted for this column. */
  zh: string[];
  type: ColType;
  required?: boolean;
  min?: number;
  max?: number;
  /** enum: accepted spellings (lower-case English or Chinese) → canonical value */
  values?: Record<string, string>;
}

export interface RefSpec {
  cols: string[];
  kind: Kind;
  parentCols: string[];
}

export interface KindSpec {
  kind: Kind;
  label: string;
  cols: ColSpec[];
  key: string[];
  refs: RefSpec[];
  /** Item columns matched by pattern (q01…, f01…), stored long in `${kind}_answers`. */
  items?: { pattern: RegExp; answersTable: string };
  /** Headers that must never appear (anonymity). */
  forbidden?: RegExp;
}

/**
 * The kinds in load order: a kind is loaded after every kind its references point to (a trainee's
 * project must be loaded before the trainee's reference to it can be checked). test/ingest/contract
 * keeps it so.
 */
export const KINDS = [
  "institutions",
  "counties",
  "instrument",
  "projects",
  "trainees",
  "attendance",
  "evaluations",
  "assessments",
  "submissions",
  "followups",
  "expert_reviews",
  "hours",
] as const;
export type Kind = (typeof KINDS)[number];

const enumOf = (pairs: Record<string, string[]>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [canonical, spellings] of Object.entries(pairs)) {
    out[canonical] = canonical;
    for (const s of spellings) out[s.toLowerCase()] = canonical;
  }
  return out;
};

const INSTITUTION_TYPES = enumOf({
  normal_university: ["师范大学", "师范院校", "师范"],
  university: ["综合大学", "高校", "大学"],
  dev_center: ["教师发展中心", "进修学校", "教师进修学校"],
  online_platform: ["远程培训平台", "网络平台", "平台"],
  school: ["中小学", "学校", "优质学校"],
  other: ["其他"],
});
const PROGRAMS = enumOf({
  guopei_demo: ["示范项目", "国培示范"],
  guopei_cw: ["中西部项目", "中西部骨干项目", "国培中西部"],
  provincial: ["省培"],
  city: ["市培"],
  county: ["县培"],
  school: ["校本研修", "校培"],
});
const MODES = enumOf({
  face_to_face: ["集中培训", "面授", "线下"],
  online: ["在线", "网络研修", "线上"],
  blended: ["混合式", "混合"],
  shadowing: ["跟岗实践", "跟岗"],
  village: ["送教下乡"],
  workshop: ["工作坊"],
});
const STAGES = enumOf({
  kindergarten: ["幼儿园", "学前"],
  primary: ["小学"],
  junior: ["初中"],
  senior: ["高中"],
  vocational: ["中职", "职业学校"],
  all: ["全学段", "不限"],
});
const SESSION_TYPES = enumOf({
  face_to_face: ["集中", "面授", "线下"],
  online: ["在线", "线上", "网络"],
  practice: ["实践", "跟岗"],
});
const STATUS = enumOf({
  present: ["出勤", "到课"],
  late: ["迟到"],
  absent: ["缺勤", "旷课"],
  excused: ["请假"],
});
const RESULTS = enumOf({
  pass: ["合格", "通过"],
  fail: ["不合格", "未通过"],
  incomplete: ["未完成", "未结业"],
});
const DIMENSIONS = enumOf({
  design: ["需求与设计", "方案设计", "设计"],
  content: ["课程内容", "内容"],
  trainers: ["培训者", "授课专家", "师资"],
  methods: ["方式方法", "培训方式"],
  organisation: ["组织管理", "组织"],
  logistics: ["后勤保障", "后勤"],
  gains: ["学习收获", "收获"],
  overall: ["总体满意度", "总体"],
});
const LEVELS = enumOf({
  national: ["国家级", "国培"],
  provincial: ["省级", "省培"],
  city: ["市级", "市培"],
  county: ["县级", "县培"],
  school: ["校级", "校本"],
});

const pid: ColSpec = { name: "project_id", zh: ["项目编号"], type: "id", required: true };
const tid: ColSpec = { name: "teacher_id", zh: ["学员编号", "教师编号"], type: "id", required: true };
const toTrainee: RefSpec = { cols: ["project_id", "teacher_id"], kind: "trainees", parentCols: ["project_id", "teacher_id"] };
const score100 = (name: string, zh: string[]): ColSpec => ({ name, zh, type: "num", min: 0, max: 100 });

export const SPECS: Record<Kind, KindSpec> = {
  institutions: {
    kind: "institutions",
    label: "承训机构",
    cols: [
      { name: "institution_id", zh: ["机构编号"], type: "id", required: true },
      { name: "name", zh: ["机构名称"], type: "text" },
      { name: "type", zh: ["机构类型"], type: "enum", values: INSTITUTION_TYPES },
      { name: "province", zh: ["省份"], type: "text" },
    ],
    key: ["institution_id"],
    refs: [],
  },
  counties: {
    kind: "counties",
    label: "项目区县",
    cols: [
      { name: "county_code", zh: ["区县代码"], type: "id", required: true },
      { name: "name", zh: ["区县名称"], type: "text" },
      { name: "province", zh: ["省份"], type: "text" },
      { name: "teachers_total", zh: ["教师总数"], type: "int", min: 0 },
      { name: "trainer_team_size", zh: ["培训师队伍人数"], type: "int", min: 0 },
      { name: "studios", zh: ["名师工作室数"], type: "int", min: 0 },
      { name: "has_dev_center", zh: ["是否建立教师发展中心"], type: "bool" },
      { name: "five_year_plan", zh: ["是否制订五年规划"], type: "bool" },
      { name: "training_budget_share", zh: ["培训经费占比"], type: "num", min: 0, max: 1 },
    ],
    key: ["county_code"],
    refs: [],
  },
  instrument: {
    kind: "instrument",
    label: "评估量表",
    cols: [
      { name: "item_id", zh: ["题号"], type: "id", required: true },
      { name: "dimension", zh: ["维度"], type: "enum", values: DIMENSIONS },
      { name: "text_zh", zh: ["题目"], type: "text" },
      { name: "text_en", zh: ["英文题目"], type: "text" },
      { name: "reverse", zh: ["反向计分"], type: "bool" },
      { name: "scale_min", zh: ["最小值"], type: "int" },
      { name: "scale_max", zh: ["最大值"], type: "int" },
    ],
    key: ["item_id"],
    refs: [],
  },
  projects: {
    kind: "projects",
    label: "培训项目",
    cols: [
      pid,
      { name: "year", zh: ["年度"], type: "int", required: true, min: 2000, max: 2100 },
      { name: "name", zh: ["项目名称"], type: "text" },
      { name: "program", zh: ["计划类别"], type: "enum", values: PROGRAMS },
      { name: "category", zh: ["项目类别"], type: "text" },
      { name: "institution_id", zh: ["承训机构编号"], type: "id", required: true },
      { name: "county_code", zh: ["项目区县代码"], type: "id" },
      { name: "stage", zh: ["学段"], type: "enum", values: STAGES },
      { name: "subject", zh: ["学科"], type: "text" },
      { name: "mode", zh: ["培训方式"], type: "enum", values: MODES },
      { name: "planned_hours", zh: ["计划学时"], type: "num", min: 0, max: 10000 },
      { name: "practice_hours", zh: ["实践学时"], type: "num", min: 0 },
      { name: "start_date", zh: ["开始日期"], type: "date" },
      { name: "end_date", zh: ["结束日期"], type: "date" },
      { name: "enrolled", zh: ["参训人数"], type: "int", min: 0 },
    ],
    key: ["project_id"],
    refs: [
      { cols: ["institution_id"], kind: "institutions", parentCols: ["institution_id"] },
      { cols: ["county_code"], kind: "counties", parentCols: ["county_code"] },
    ],
  },
  trainees: {
    kind: "trainees",
    label: "参训学员",
    cols: [
      pid,
      tid,
      { name: "school_id", zh: ["学校编号"], type: "id" },
      { name: "county_code", zh: ["区县代码"], type: "id" },
      { name: "stage", zh: ["学段"], type: "enum", values: STAGES },
      { name: "subject", zh: ["学科"], type: "text" },
      { name: "rural", zh: ["是否乡村"], type: "bool" },
      { name: "title", zh: ["职称"], type: "text" },
      { name: "years_teaching", zh: ["教龄"], type: "int", min: 0, max: 60 },
      { name: "backbone_level", zh: ["骨干级别"], type: "text" },
    ],
    key: ["project_id", "teacher_id"],
    refs: [
      { cols: ["project_id"], kind: "projects", parentCols: ["project_id"] },
      { cols: ["county_code"], kind: "counties", parentCols: ["county_code"] },
    ],
  },
  attendance: {
    kind: "attendance",
    label: "考勤",
    cols: [
      pid,
      tid,
      { name: "session_id", zh: ["课次编号"], type: "id", required: true },
      { name: "session_date", zh: ["日期"], type: "date" },
      { name: "session_type", zh: ["形式"], type: "enum", values: SESSION_TYPES },
      { name: "planned_minutes", zh: ["计划时长"], type: "num", min: 0, max: 24 * 60 },
      { name: "sign_in", zh: ["签到时间"], type: "ts" },
      { name: "sign_out", zh: ["签退时间"], type: "ts" },
      { name: "status", zh: ["状态"], type: "enum", values: STATUS, required: true },
    ],
    key: ["project_id", "teacher_id", "session_id"],
    refs: [toTrainee],
  },
  evaluations: {
    kind: "evaluations",
    label: "匿名评估",
    cols: [
      { name: "response_id", zh: ["问卷编号"], type: "id", required: true },
      pid,
      { name: "submitted_at", zh: ["提交时间"], type: "ts" },
      { name: "duration_seconds", zh: ["答题用时"], type: "num", min: 0, max: 7 * 86400 },
      { name: "comment", zh: ["意见建议"], type: "text" },
    ],
    key: ["response_id"],
    refs: [{ cols: ["project_id"], kind: "projects", parentCols: ["project_id"] }],
    items: { pattern: /^q\d+$/i, answersTable: "evaluation_answers" },
    forbidden:
      /^(teacher_id|teacher|teacher_name|trainee_id|name|id_card|phone|mobile|学员编号|教师编号|学员|教师|姓名|学员姓名|教师姓名|身份证号?|手机号?|联系电话)$/i,
  },
  assessments: {
    kind: "assessments",
    label: "考核",
    cols: [
      pid,
      tid,
      { name: "assignments_required", zh: ["应交作业"], type: "int", min: 0 },
      { name: "assignments_done", zh: ["已交作业"], type: "int", min: 0 },
      { name: "practice_hours_done", zh: ["实践学时"], type: "num", min: 0 },
      { name: "final_result", zh: ["考核结果"], type: "enum", values: RESULTS },
      { name: "credits", zh: ["学分"], type: "num", min: 0 },
    ],
    key: ["project_id", "teacher_id"],
    refs: [toTrainee],
  },
  submissions: {
    kind: "submissions",
    label: "作业提交",
    cols: [
      pid,
      tid,
      { name: "assignment_id", zh: ["作业编号"], type: "id", required: true },
      { name: "due_date", zh: ["截止日期"], type: "date" },
      { name: "submitted_at", zh: ["提交时间"], type: "ts" },
      score100("score", ["得分"]),
    ],
    key: ["project_id", "teacher_id", "assignment_id"],
    refs: [toTrainee],
  },
  followups: {
    kind: "followups",
    label: "训后回访",
    cols: [
      pid,
      tid,
      { name: "wave", zh: ["回访月数"], type: "int", required: true, min: 1, max: 60 },
      score100("observation_score", ["观课评分"]),
      { name: "submitted_at", zh: ["提交时间"], type: "ts" },
    ],
    key: ["project_id", "teacher_id", "wave"],
    refs: [toTrainee],
    items: { pattern: /^f\d+$/i, answersTable: "followup_answers" },
  },
  expert_reviews: {
    kind: "expert_reviews",
    label: "专家评审",
    cols: [
      pid,
      { name: "reviewer_id", zh: ["专家编号"], type: "id", required: true },
      { name: "review_date", zh: ["评审日期"], type: "date" },
      score100("design", ["方案设计"]),
      score100("delivery", ["实施过程"]),
      score100("management", ["组织管理"]),
      score100("outcomes", ["培训成效"]),
    ],
    key: ["project_id", "reviewer_id"],
    refs: [{ cols: ["project_id"], kind: "projects", parentCols: ["project_id"] }],
  },
  hours: {
    kind: "hours",
    label: "学时档案",
    cols: [
      tid,
      { name: "year", zh: ["年度"], type: "int", required: true, min: 2000, max: 2100 },
      { name: "level", zh: ["培训级别"], type: "enum", values: LEVELS, required: true },
      { name: "hours", zh: ["学时"], type: "num", required: true, min: 0, max: 5000 },
      { name: "it_hours", zh: ["信息技术学时"], type: "num", min: 0 },
      { name: "it_practice_hours", zh: ["信息技术实践学时"], type: "num", min: 0 },
      // The archive (学分银行) covers every teacher of a county, trained this year or not.
      { name: "county_code", zh: ["区县代码"], type: "id" },
    ],
    key: ["teacher_id", "year", "level"],
    refs: [],
  },
};

/** File kind from the file name's first word: `evaluations_inst01.csv` → evaluations. */
export function kindOfFile(basename: string): Kind | undefined {
  const stem = basename.toLowerCase().replace(/\.(csv|tsv|txt|xlsx)$/, "");
  // Longest first so that `expert_reviews` is not read as something shorter.
  const byLength = [...KINDS].sort((a, b) => b.length - a.length);
  return byLength.find((k) => stem === k || (stem.startsWith(k) && /^[^a-z]/.test(stem.slice(k.length))));
}

/** Map one header cell to a contract column name (or item id), or undefined when it is extra. */
export function canonicalHeader(spec: KindSpec, header: string): string | undefined {
  const h = header.trim().replace(/^\uFEFF/, "");
  const lower = h.toLowerCase();
  for (const c of spec.cols) {
    if (c.name === lower || c.zh.includes(h)) return c.name;
  }
  if (spec.items?.pattern.test(h)) return lower;
  return undefined;
}
