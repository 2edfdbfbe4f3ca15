// A response's answers read across its row. `evaluations` holds one column per item; its long form
// (`evaluation_answers`: 40 M rows nationally) grouped again by response took 3.4 s for what one pass
// over the 2 M rows, item by item in one expression, computes in 0.5 s.
import { SPECS } from "../ingest/contract.ts";
import { ident, type Db } from "../lib/db.ts";
import type { Policy } from "../lib/policy.ts";

/** An item column of `evaluations` with what the instrument says of it. */
export interface ItemTerm {
  column: string;
  lo: number;
  hi: number;
  rev: boolean;
  dimension: string;
}

/**
 * Each item column of `evaluations` (or of `followups`), in table order, with each instrument row
 * it matches as the long form's join matches them (lower(item_id) = the column's name; an item the
 * instrument lacks has the policy's scale, dimension `overall`, and is not reversed; an id the
 * instrument holds twice counts twice, as there).
 */
export async function itemTerms(db: Db, policy: Policy, kind: "evaluations" | "followups" = "evaluations"): Promise<ItemTerm[]> {
  const pattern = SPECS[kind].items!.pattern;
  const columns = (await db.all<{ column_name: string }>(`DESCRIBE ${ident(kind)}`)).map((c) => c.column_name).filter((c) => pattern.test(c));
  if (!columns.length) return [];
  const rows = await db.all<{ column: string; lo: bigint; hi: bigint; rev: boolean; dimension: string }>(
    `SELECT c.item AS "column", coalesce(i.scale_min, $likert_min) AS lo, coalesce(i.scale_max, $likert_max) AS hi,
            coalesce(i.reverse, false) AS rev, coalesce(i.dimension, 'overall') AS dimension
     FROM (SELECT unnest($items::VARCHAR[]) AS item, generate_subscripts($items::VARCHAR[], 1) AS k) c
     LEFT JOIN instrument i ON lower(i.item_id) = c.item
     ORDER BY c.k, lo, hi, rev, dimension`,
    { items: JSON.stringify(columns), likert_min: policy.likert.min, likert_max: policy.likert.max },
  );
  return rows.map((r) => ({ column: r.column, lo: Number(r.lo), hi: Number(r.hi), rev: r.rev, dimension: r.dimension }));
}

// (The instrument's scale as BIGINT, the type it has in the long form's join: each item's value is
// then computed by the same arithmetic, to the last bit.)
const big = (n: number) => `CAST(${n} AS BIGINT)`;

/** The item's answer as a 0-100 score (reverse-coded, rescaled), NULL where it is not answered. */
const itemScore = (t: ItemTerm) => `to100(reverse_coded(${ident(t.column)}, ${big(t.lo)}, ${big(t.hi)}, ${t.rev}), ${big(t.lo)}, ${big(t.hi)})`;

/** How many of `terms` are answered, and the sum of their scores (0 where none is); `terms` not empty. */
function answered(terms: ItemTerm[]): { n: string; sum: string } {
  return { n: `(${terms.map((t) => `(${ident(t.column)} IS NOT NULL)::BIGINT`).join(" + ")})`, sum: `(${terms.map((t) => `coalesce(${itemScore(t)}, 0)`).join(" + ")})` };
}

/** How many of `terms` are answered, and the mean of their scores (NULL where none is). */
function meanOf(terms: ItemTerm[]): { n: string; mean: string } {
  if (!terms.length) return { n: "0", mean: "CAST(NULL AS DOUBLE)" };
  const { n, sum } = answered(terms);
  return { n, mean: `${sum} / nullif(${n}, 0)` };
}

/**
 * One row per response with at least one item answered: items answered, mean score, whether every
 * answer is the same, whether every answer is at the top of its scale (as given, or after reverse
 * coding), and a fingerprint of the answers (one hash of the item columns: equal answers, equal
 * fingerprints). (Until 2026-12-06 it was the xor of hash(item, value) over the answered items, and
 * DuckDB's hash of two values is not one that survives xor: the items cancelled out and answers with
 * the same count of each value, in any order, shared it. Nationally 2,275 responses were taken for
 * bursts that were not; test/models/response-scores.test.ts holds the difference.)
 */
export function perResponseSql(terms: ItemTerm[]): string {
  if (!terms.length) return `SELECT response_id, 0::BIGINT AS n_items, NULL::DOUBLE AS score, NULL::BOOLEAN AS same_answer, NULL::BOOLEAN AS all_top, NULL::UBIGINT AS pattern FROM evaluations WHERE false`;
  const { n, mean } = meanOf(terms);
  const cols = terms.map((t) => ident(t.column));
  const allAt = (top: (t: ItemTerm) => number) => terms.map((t) => `coalesce(${ident(t.column)} = ${big(top(t))}, true)`).join(" AND ");
  // (One hash of the row's answers, item by item in table order: the same answers, the same pattern.)
  const pattern = `hash(${[...new Set(cols)].join(", ")})`;
  return `SELECT response_id, n_items, score, same_answer, all_top, pattern FROM (
    SELECT response_id, ${n} AS n_items, ${mean} AS score,
           least(${cols.join(", ")}) = greatest(${cols.join(", ")}) AS same_answer,
           (${allAt((t) => t.hi)}) OR (${allAt((t) => (t.rev ? t.lo : t.hi))}) AS all_top,
           ${pattern} AS pattern
    FROM evaluations)
  WHERE n_items > 0`;
}

/**
 * One row per response and dimension with at least one of the dimension's items answered: the mean
 * score of those items (`v`). The instrument's dimensions side by side in one pass over the rows,
 * then one row each (UNPIVOT leaves out a dimension with no item answered).
 */
export function perDimensionSql(terms: ItemTerm[]): string {
  const dims = [...new Set(terms.map((t) => t.dimension))].sort();
  if (!dims.length) return `SELECT response_id, NULL::VARCHAR AS dimension, NULL::DOUBLE AS v FROM evaluations WHERE false`;
  const means = dims.map((d) => `${meanOf(terms.filter((t) => t.dimension === d)).mean} AS ${ident(d)}`);
  return `SELECT response_id, dimension, v FROM (
    UNPIVOT (SELECT response_id, ${means.join(",\n      ")} FROM evaluations)
    ON ${dims.map(ident).join(", ")} INTO NAME dimension VALUE v)`;
}

/**
 * One row per follow-up (project, teacher, wave) with its lesson observation, how many of its items
 * are answered (`item_n`) and the sum of their 0-100 scores (`item_sum`, NULL where none is:
 * rescaled to the item's scale, never reverse-coded, as the long form `followup_answers` is read).
 * A follow-up's items across its row, not its 15 M long rows grouped again nationally (1.4 s
 * against 0.3 s).
 */
export function followupItemsSql(terms: ItemTerm[]): string {
  if (!terms.length) return `SELECT project_id, teacher_id, wave, observation_score, 0::BIGINT AS item_n, NULL::DOUBLE AS item_sum FROM followups`;
  const { n, sum } = answered(terms.map((t) => ({ ...t, rev: false })));
  return `SELECT project_id, teacher_id, wave, observation_score, ${n} AS item_n, CASE WHEN ${n} > 0 THEN CAST(${sum} AS DOUBLE) END AS item_sum FROM followups`;
}

/** The temporary view `_followup_items` (followupItemsSql) of the models that read follow-ups' items (a model's `views`). */
export async function followupItemsView({ db, policy }: { db: Db; policy: Policy }): Promise<Record<string, string>> {
  return { _followup_items: followupItemsSql(await itemTerms(db, policy, "followups")) };
}
