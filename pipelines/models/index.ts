// Every warehouse table the analysis builds, one file each; the runner orders them by dependsOn.
import attendance_projects from "./attendance_projects.ts";
import comments_public from "./comments_public.ts";
import county_hours from "./county_hours.ts";
import county_performance from "./county_performance.ts";
import county_trained from "./county_trained.ts";
import dimension_scores from "./dimension_scores.ts";
import hours_compliance from "./hours_compliance.ts";
import hours_counties from "./hours_counties.ts";
import institution_scores from "./institution_scores.ts";
import integrity_flags from "./integrity_flags.ts";
import item_stats from "./item_stats.ts";
import type { Model } from "./model.ts";
import project_base from "./project_base.ts";
import project_evidence from "./project_evidence.ts";
import project_followups from "./project_followups.ts";
import project_icc from "./project_icc.ts";
import project_scores from "./project_scores.ts";
import reliability from "./reliability.ts";
import roster_hashes from "./roster_hashes.ts";
import response_scores from "./response_scores.ts";
import submissions_projects from "./submissions_projects.ts";
import teacher_warnings from "./teacher_warnings.ts";
import warning_cuts from "./warning_cuts.ts";
import warning_features from "./warning_features.ts";
import warning_fit from "./warning_fit.ts";
import warning_roster from "./warning_roster.ts";
import warning_training from "./warning_training.ts";
import warning_windows from "./warning_windows.ts";

export const MODELS: readonly Model[] = [
  response_scores,
  integrity_flags,
  project_followups,
  attendance_projects,
  project_base,
  project_evidence,
  project_scores,
  comments_public,
  institution_scores,
  dimension_scores,
  county_hours,
  county_trained,
  county_performance,
  reliability,
  item_stats,
  project_icc,
  submissions_projects,
  hours_counties,
  warning_windows,
  warning_cuts,
  warning_roster,
  roster_hashes,
  warning_features,
  warning_training,
  warning_fit,
  teacher_warnings,
  hours_compliance,
];
