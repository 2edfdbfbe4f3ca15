// User-facing labels: Chinese first, English after.
export const TIER: Record<string, string> = {
  excellent: "优秀 excellent",
  qualified: "合格 qualified",
  unqualified: "不合格 unqualified",
  insufficient_data: "数据不足 insufficient data",
};
export const RECOMMENDATION: Record<string, string> = {
  priority: "优先支持 priority",
  continue: "免评备案继续承担 continue without re-tender",
  keep: "保留 keep",
  review: "复核 review",
  drop: "淘汰 drop",
  insufficient_data: "数据不足，暂不排名 insufficient data, not ranked",
};
export const MODE: Record<string, string> = {
  face_to_face: "集中培训 face-to-face",
  online: "网络研修 online",
  blended: "混合式 blended",
  shadowing: "跟岗实践 shadowing",
  village: "送教下乡 village",
  workshop: "工作坊 workshop",
};
export const INTEGRITY_LEVEL: Record<string, string> = {
  suspect: "存疑 suspect",
  review: "需复核 review",
  info: "提示 info",
};
export const INTEGRITY_FLAG: Record<string, string> = {
  straight_line: "整齐划一作答 straight-lining",
  too_fast: "作答过快 too fast",
  burst: "集中提交相同答案 burst",
  excluded: "剔除问卷 excluded",
  downweighted: "降权问卷 down-weighted",
  more_responses_than_enrolled: "问卷多于参训人数 more responses than enrolled",
  duplicate_delivery: "重复提交 re-delivered",
  top_mark_block: "短时集中满分 top-mark block",
};
export const INSTITUTION_TYPE: Record<string, string> = {
  normal_university: "师范院校 normal university",
  university: "综合院校 university",
  dev_center: "教师发展中心 development centre",
  online_platform: "网络研修平台 online platform",
  school: "中小学校 school",
  other: "其他 other",
};
export const PROGRAM: Record<string, string> = {
  guopei_demo: "国培示范 Guopei demonstration",
  guopei_cw: "国培中西部 Guopei central & western",
  provincial: "省培 provincial",
  city: "市培 city",
  county: "县培 county",
  school: "校本研修 school-based",
};
/** CNY as 万元 (ten thousands), as budgets are read. */
export const wan = (v: unknown) => (v === null || v === undefined ? "—" : `${(Number(v) / 10000).toLocaleString("zh-CN")} 万元`);
export const TIER_COLORS = { domain: ["excellent", "qualified", "unqualified", "insufficient_data"], range: ["#1a9850", "#91cf60", "#d73027", "#bbbbbb"] };

export const label = (map: Record<string, string>) => (v: unknown) => (v === null || v === undefined ? "—" : map[String(v)] ?? String(v));
export const fixed = (digits = 1) => (v: unknown) => (v === null || v === undefined || Number.isNaN(Number(v)) ? "—" : Number(v).toFixed(digits));
export const percent = (v: unknown) => (v === null || v === undefined ? "—" : `${(Number(v) * 100).toFixed(1)}%`);
export const STAGE: Record<string, string> = {
  kindergarten: "幼儿园 kindergarten",
  primary: "小学 primary",
  junior: "初中 junior secondary",
  senior: "高中 senior secondary",
  vocational: "中职 vocational",
  special: "特殊教育 special education",
};
/** Dimensions of the demo instrument (an instrument's own dimensions show as written). */
export const DIMENSION: Record<string, string> = {
  design: "方案设计 design",
  content: "课程内容 content",
  trainers: "培训师资 trainers",
  methods: "方式方法 methods",
  organisation: "组织管理 organisation",
  logistics: "后勤服务 logistics",
  gains: "学习收获 gains",
  overall: "总体评价 overall",
};
export const WARNING_LEVEL: Record<string, string> = { high: "高 high", medium: "中 medium", low: "低 low" };
/** The Chinese part of a bilingual label ("优秀 excellent" → "优秀"), for documents in Chinese. */
export const zh = (map: Record<string, string>) => (v: unknown) => (v === null || v === undefined || v === "" ? "—" : (map[String(v)] ?? String(v)).split(" ")[0]!);
/** Input file kinds (the contract's names). */
export const KIND: Record<string, string> = {
  institutions: "承训机构 institutions",
  counties: "区县 counties",
  projects: "项目 projects",
  trainees: "学员名册 trainees",
  attendance: "考勤 attendance",
  evaluations: "匿名评估 evaluations",
  instrument: "评估题目 instrument",
  assessments: "考核结业 assessments",
  submissions: "作业 submissions",
  followups: "跟踪回访 follow-ups",
  expert_reviews: "专家评审 expert reviews",
  hours: "学时档案 hours",
};
/** Why a row was rejected at load (rejects.csv `reason`). */
export const REJECT_REASON: Record<string, string> = {
  duplicate_key: "键重复 duplicate key",
  missing_required: "必填项缺失 missing required value",
  out_of_range: "超出范围 out of range",
  unknown_value: "不在允许的取值中 value not allowed",
  likert_out_of_scale: "超出量表 outside the scale",
  bad_date: "日期无法识别 bad date",
  bad_datetime: "时间无法识别 bad date-time",
  unknown_reference: "引用的编号不存在 unknown reference",
  not_a_number: "不是数字 not a number",
  not_an_integer: "不是整数 not an integer",
  empty_row: "空行 empty row",
  value_without_header: "多出无表头的值 value without a header",
  ends_before_start: "结束早于开始 ends before it starts",
  exceeds_planned_hours: "超过计划学时 exceeds planned hours",
  more_done_than_required: "完成数多于要求 more done than required",
  scale_max_not_above_min: "量表上限不大于下限 scale max not above min",
  sign_out_before_sign_in: "签退早于签到 sign-out before sign-in",
};
