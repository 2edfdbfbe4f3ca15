// The policy file: every figure a province may set, with defaults from shared/domain.md.
// Validated with zod at start; each wrong field gets its own message.
import { readFile } from "node:fs/promises";
import { z } from "zod";

const share = z.number().min(0).max(1);
const nonNeg = z.number().min(0);

export const PolicySchema = z
  .object({
    version: z.string().default("2026.1"),
    /** Evidence weights in a project's score; fixed and versioned, never fitted to the sample ranked. */
    weights: z
      .object({
        evaluation: share.default(0.5),
        expert: share.default(0.2),
        attendance: share.default(0.15),
        followup: share.default(0.15),
      })
      .strict()
      .prefault({})
      .refine((w) => Math.abs(w.evaluation + w.expert + w.attendance + w.followup - 1) < 1e-9, {
        message: "the four weights must add up to 1",
      }),
    /** Project and institution tiers: excellent ≥ 90, qualified ≥ 75 (000_…, 002_…). */
    tiers: z
      .object({ excellent: nonNeg.max(100).default(90), qualified: nonNeg.max(100).default(75) })
      .strict()
      .prefault({})
      .refine((t) => t.excellent > t.qualified, { message: "excellent must be above qualified" }),
    /** County grades and next year's support in CNY (002_…). */
    county: z
      .object({
        excellent: nonNeg.max(100).default(90),
        qualified: nonNeg.max(100).default(75),
        support_cny: z
          .object({ excellent: nonNeg.default(3_000_000), qualified: nonNeg.default(2_000_000), unqualified: nonNeg.default(0) })
          .strict()
          .prefault({}),
        trainer_team_min: z.number().int().min(0).default(50),
        studio_share_min: share.default(0.1),
        budget_share_min: share.default(0.05),
        /** Indicators vs outcomes in the county score: the project's own choice, not the documents'. */
        weights: z
          .object({ indicators: share.default(0.4), outcomes: share.default(0.6) })
          .strict()
          .prefault({})
          .refine((w) => Math.abs(w.indicators + w.outcomes - 1) < 1e-9, { message: "the two weights must add up to 1" }),
      })
      .strict()
      .prefault({})
      .refine((c) => c.excellent > c.qualified, { message: "excellent must be above qualified" })
      .refine((c) => c.support_cny.excellent >= c.support_cny.qualified && c.support_cny.qualified >= c.support_cny.unqualified, {
        message: "support must not fall as the grade rises (excellent ≥ qualified ≥ unqualified)",
      }),
    /** Institutions: fewer scored projects in a year than this → shown, but not ranked (`insufficient_data`). */
    institutions: z
      .object({
        min_projects: z.number().int().min(1).default(2),
        /** Unqualified this many years in a row (this one included) → drop (the project's own rule). */
        drop_after_unqualified_years: z.number().int().min(1).default(2),
        /** Multi-year estimate shown beside the year's: earlier years weighted by discount^age (the project's own choice). */
        multi_year: z
          .object({ discount: share.default(0.5), window: z.number().int().min(1).max(10).default(3) })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    /** Below this many responses a project gets `insufficient_data`, not a tier. */
    min_responses: z.number().int().min(1).default(10),
    /** Smallest group shown in public outputs: numbers, and comments. */
    min_group_public: z.number().int().min(5, "below 5 is too small for public outputs").default(5),
    min_group_comments: z.number().int().min(5, "below 5 is too small for public outputs").default(10),
    /** k for k-anonymous researcher extracts. */
    k_anonymity: z.number().int().min(2).default(5),
    likert: z
      .object({ min: z.number().int().default(1), max: z.number().int().default(5) })
      .strict()
      .prefault({})
      .refine((l) => l.max > l.min, { message: "max must be above min" }),
    /** Hours rules: 360 per 5-year cycle (004_…); IT 2.0: 50 hours, 25 practice (003_…). */
    hours: z
      .object({
        cycle_hours: nonNeg.default(360),
        cycle_years: z.number().int().min(1).default(5),
        it_hours: nonNeg.default(50),
        it_practice_hours: nonNeg.default(25),
      })
      .strict()
      .prefault({}),
    /** Warning levels on the calibrated risk. */
    warning: z
      .object({
        high: share.default(0.5),
        medium: share.default(0.25),
        /** A follow-up transfer score (0-100) below this counts as poor transfer. */
        poor_transfer: nonNeg.max(100).default(50),
        /** The follow-up wave (months after the course) whose transfer score is the outcome. */
        transfer_wave: z.number().int().min(1).max(36).default(6),
        /** The model's training sample: at most this many trainee-cuts of past courses with a known outcome, taken by hash. */
        training_sample: z.number().int().min(1000).max(10_000_000).default(300_000),
        /** The run date for projects still running (YYYY-MM-DD); default: the latest attendance date. */
        as_of: z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD")
          .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), "is not a real date")
          .optional(),
      })
      .strict()
      .prefault({})
      .refine((w) => w.high > w.medium, { message: "high must be above medium" }),
    /** Reliability warnings: alpha below alpha_min; suspicious responses moving alpha by more than the shift, either way. */
    reliability: z
      .object({ alpha_min: share.default(0.7), straight_lining_shift: share.default(0.01) })
      .strict()
      .prefault({}),
    /**
     * Integrity (the project's own rules, not in the programme documents): an answer faster than
     * min_seconds_per_item per item is implausibly fast; levels of integrity_flags.csv (methods page).
     */
    integrity: z
      .object({
        min_seconds_per_item: nonNeg.default(2),
        suspect_extra: z.number().int().min(1).default(2),
        block_min: z.number().int().min(2).default(7),
        block_minutes: z.number().positive().max(60).default(5),
        block_share: share.default(0.15),
        review_excluded_share: share.default(0.25),
      })
      .strict()
      .prefault({}),
    /** County outcomes: a teacher trained once per 5-year cycle means 20 % of teachers a year (004_…). */
    county_coverage_target: share.default(0.2),
    /** Practice share of courses and credits ≥ 30 % (001_…). */
    practice_share_min: share.default(0.3),
    /**
     * Files that need help to be read (docs/input.md): a file-name pattern (`*` any characters, `?`
     * one) → its kind, columns renamed to the contract's, and constant columns (the project of a
     * survey export, say). The first matching entry applies.
     */
    sources: z
      .array(
        z
          .object({
            pattern: z.string().min(1),
            kind: z.string().optional(),
            columns: z.record(z.string(), z.string()).prefault({}),
            constants: z.record(z.string(), z.string()).prefault({}),
          })
          .strict(),
      )
      .default([]),
    /** Answer labels beyond the built-in Chinese five-point sets: label → scale point. */
    labels: z.record(z.string(), z.number().int()).prefault({}),
  })
  .strict();

export type Policy = z.infer<typeof PolicySchema>;

export class PolicyError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`policy file ${file} is not valid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

export function parsePolicy(raw: unknown, file = "(policy)"): Policy {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new PolicyError(file, ["(top level): must be a JSON object { … }"]);
  const result = PolicySchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => {
    const where = i.path.length ? i.path.join(".") : "(top level)";
    return `${where}: ${i.message}`;
  });
  throw new PolicyError(file, problems);
}

export async function loadPolicy(file?: string): Promise<Policy> {
  if (!file) return parsePolicy({});
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new PolicyError(file, [`cannot be read: ${(e as Error).message}`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    throw new PolicyError(file, [`is not valid JSON: ${(e as Error).message}`]);
  }
  return parsePolicy(raw, file);
}
