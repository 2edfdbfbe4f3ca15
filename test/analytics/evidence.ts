// A project's evidence row for hand-built tests of the scores: 30 responses of SD 10 averaging 80,
// nothing else, unless overridden.
import type { Evidence } from "../../pipelines/analytics/scores.ts";

export const evidence = (id: string, over: Partial<Evidence>): Evidence =>
  ({
    project_id: id, year: 2025, institution_id: "I1", county_code: null, program: "provincial", category: "c", mode: "face_to_face", stage: "primary",
    enrolled: 40, population: 40, rural_share: null, n_trainees: 40, n_responses: 30, n_effective: 30, n_excluded: 0, eval_raw: 80, eval_sd: 10, eval_unweighted: 80,
    n_reviews: 0, expert_score: null, expert_sd: null, attendance_rate: null, n_results: 0, completion_rate: null, attendance_score: null,
    n_followed: 0, followup_score: null, followup_sd: null, integrity_suspect: null, ...over,
  }) as Evidence;
