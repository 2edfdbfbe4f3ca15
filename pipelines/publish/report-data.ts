// Public facts the annual report and the institutions' feedback reports need beyond the pages'
// data: dimension profiles, hours by county, early-warning aggregates, integrity findings by
// institution, norms. Every row here is as public as the site (groups below the policy's minimum
// are left out or blanked), so a document built from them can be published.
import { hasTable, type Db } from "../lib/db.ts";
import type { Policy } from "../lib/policy.ts";
import { plain, select } from "./entity.ts";
import { HOURS_BY_COUNTY } from "./entities/hours.ts";
import { DIMENSION_SCORES } from "./entities/institutions.ts";
import { NORMS } from "./entities/projects.ts";

export interface DimensionRow {
  year: number;
  /** null: the province (all institutions together). */
  institution_id: string | null;
  dimension: string;
  n_responses: number;
  score: number;
  /** The institution's percentile among the year's institutions on this dimension (0-100). */
  percentile: number | null;
}

export interface HoursRow {
  year: number;
  county_code: string;
  teachers: number;
  share_meeting_hours: number;
  share_meeting_it: number;
  mean_behind_hours: number;
}

export interface WarningsRow {
  year: number;
  /** Trainees of running projects given a risk. */
  assessed: number;
  /** null when between 1 and the policy's minimum (with its complement, so neither can be worked out). */
  high: number | null;
  medium: number | null;
}

export interface FlagRow {
  year: number;
  institution_id: string;
  project_id: string;
  flag: string;
  level: string;
  affected_responses: number;
  share: number;
}

export interface NormRow {
  year: number;
  program: string;
  category: string;
  n_projects: number;
  p10: number;
  p25: number;
  p50: number;
  p75: number;
  p90: number;
}

export interface ReportFacts {
  dimensions: DimensionRow[];
  hours: HoursRow[];
  warnings: WarningsRow[];
  flags: FlagRow[];
  norms: NormRow[];
}

export async function reportFacts(db: Db, policy: Policy): Promise<ReportFacts> {
  const minN = policy.min_group_public;
  const dimensions = await select<DimensionRow>(db, DIMENSION_SCORES, policy);
  const hours = (await hasTable(db, "hours_compliance")) ? await select<HoursRow>(db, HOURS_BY_COUNTY, policy) : [];
  const warnings = (await hasTable(db, "teacher_warnings"))
    ? plain<WarningsRow>(
        await db.all(`SELECT year, count(*) AS assessed, count(*) FILTER (WHERE level = 'high') AS high, count(*) FILTER (WHERE level = 'medium') AS medium FROM teacher_warnings GROUP BY year ORDER BY year`),
      ).map((w) => {
        const small = (n: number | null) => n !== null && n > 0 && n < minN;
        // One small count and the total would give back the other: both go.
        return small(w.high) || small(w.medium) ? { ...w, high: null, medium: null } : w;
      })
    : [];
  const flags = plain<FlagRow>(
    await db.all(
      `SELECT f.year, f.institution_id, f.project_id, f.flag, f.level, f.affected_responses, round(f.share, 3) AS share
       FROM integrity_flags f JOIN project_scores p USING (project_id)
       WHERE p.n_responses >= $min AND f.level IN ('suspect', 'review') AND f.institution_id IS NOT NULL
       ORDER BY f.year, f.institution_id, CASE f.level WHEN 'suspect' THEN 0 ELSE 1 END, f.project_id, f.flag`,
      { min: minN },
    ),
  );
  const norms = await select<NormRow>(db, NORMS, policy);
  return { dimensions, hours, warnings, flags, norms };
}
