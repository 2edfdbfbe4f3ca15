import { count, projectAttributes, projectId, score100, share, year } from "./columns.ts";
import { defineModel } from "./model.ts";

export default defineModel({
  name: "project_base",
  grain: "one row per project (every project in projects, plus any that only the evaluations name): its evidence apart from its attendance (project_evidence adds that)",
  key: ["project_id"],
  dependsOn: ["projects", "trainees", "response_scores", "integrity_flags", "expert_reviews", "assessments", "project_followups"],
  columns: {
    project_id: projectId,
    year: year(false),
    ...projectAttributes,
    enrolled: count("计划人数 enrolled (projects file)"),
    population: count("应参训人数 population the evaluation was sent to"),
    n_trainees: count("名单人数 trainees on the roster (null: no roster)"),
    rural_share: share("乡村教师占比 rural share of the roster"),
    n_responses: count("问卷数 loaded responses", true),
    n_effective: { type: "number", doc: "有效问卷 sum of integrity weights (null: no response)", min: 0 },
    n_excluded: count("剔除问卷 responses with weight 0 (null: no response)"),
    eval_raw: score100("学员评价 integrity-weighted mean response score"),
    eval_sd: { type: "number", doc: "评价标准差 weighted SD of response scores", min: 0 },
    eval_unweighted: score100("未加权评价 unweighted mean response score"),
    n_reviews: count("专家评审数 expert reviews (null: none)"),
    expert_score: score100("专家评分 mean over reviewers of their mean dimension score"),
    expert_sd: { type: "number", doc: "专家评分标准差 SD between reviewers", min: 0 },
    n_results: count("有结业结果人数 trainees with a final result (null: no assessments)"),
    completion_rate: share("结业率 pass over trainees with a final result"),
    n_followed: count("跟踪人数 teachers followed up (null: none)"),
    followup_score: score100("跟踪评价 mean of application items (rescaled) and lesson observation"),
    followup_sd: { type: "number", doc: "跟踪评价标准差", min: 0 },
    integrity_suspect: { type: "text", doc: "诚信存疑 flags at level suspect, '+'-joined" },
  },
  build: {
    sql: () => ({}),
  },
});
