// Trainees' comments in public: scrubbed texts only (comments_public.sql), of institutions with at
// least the policy's minimum of comments, with their commonest terms; themes by year across them.
import type { Db } from "../../lib/db.ts";
import type { Policy } from "../../lib/policy.ts";
import { terms } from "../../lib/terms.ts";
import type { Entity } from "../entity.ts";

export const comments: Entity = {
  async site({ db, policy }) {
    return { "comments.json": await commentGroups(db, policy) };
  },
};

async function commentGroups(db: Db, policy: Policy) {
  // Each distinct text of a group once, with how many comments wrote it, their score sum and the
  // rank of its lowest score: a text repeated (无, 很好 …) is segmented once, and the process reads
  // the distinct texts, not every comment (1.3 M nationally).
  const rows = await db.all<{ year: number; institution_id: string; name: string | null; comment: string; n: bigint; score_sum: number; group_n: bigint; lowest_rank: bigint }>(
    // Scrubbed comments only (comments_public.sql), and only of projects large enough to show them.
    `WITH c AS (
       SELECT r.year, r.institution_id, c.comment, r.score, c.response_id
       FROM comments_public c JOIN response_scores r USING (response_id)
       WHERE r.weight > 0 AND r.institution_id IS NOT NULL),
     t AS (
       SELECT year, institution_id, comment, count(*) AS n,
              sum(score ORDER BY response_id) AS score_sum, min(response_id) AS first_id,
              min({'score': score, 'id': response_id}) AS lowest,
              sum(count(*)) OVER (PARTITION BY year, institution_id) AS group_n
       FROM c GROUP BY year, institution_id, comment)
     SELECT t.year, t.institution_id, i.name, t.comment, t.n, t.score_sum, t.group_n,
            row_number() OVER (PARTITION BY t.year, t.institution_id ORDER BY t.lowest.score, t.lowest.id) AS lowest_rank
     FROM t LEFT JOIN institutions i USING (institution_id)
     -- A group below the policy's minimum for comments shows nothing, not even its terms.
     WHERE t.group_n >= $min_group
     ORDER BY t.year, t.institution_id, t.first_id`,
    { min_group: policy.min_group_comments },
  );
  const groups = new Map<string, typeof rows>();
  for (const r of rows) {
    const k = `${r.year}|${r.institution_id}`;
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  const termsOf = new Map<string, string[]>();
  const themes = new Map<string, { year: number; term: string; n: number; scoreSum: number }>();
  const shown: unknown[] = [];
  for (const [, g] of groups) {
    const counts = new Map<string, number>();
    for (const r of g) {
      let ts = termsOf.get(r.comment);
      if (!ts) termsOf.set(r.comment, (ts = [...new Set(terms(r.comment))]));
      const n = Number(r.n);
      for (const t of ts) {
        counts.set(t, (counts.get(t) ?? 0) + n);
        const k = `${r.year}|${t}`;
        const th = themes.get(k) ?? { year: Number(r.year), term: t, n: 0, scoreSum: 0 };
        th.n += n;
        th.scoreSum += Number(r.score_sum);
        themes.set(k, th);
      }
    }
    shown.push({
      year: Number(g[0]!.year),
      institution_id: g[0]!.institution_id,
      name: g[0]!.name,
      n_comments: Number(g[0]!.group_n),
      top_terms: [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([term, n]) => ({ term, n })),
      // Distinct texts, lowest-scoring first: what unhappy trainees said is what a report needs.
      examples: g.slice().sort((a, b) => Number(a.lowest_rank - b.lowest_rank)).map((r) => r.comment).slice(0, 6),
    });
  }
  return {
    min_group: policy.min_group_comments,
    themes: [...themes.values()].filter((t) => t.n >= policy.min_group_comments).map((t) => ({ year: t.year, term: t.term, n: t.n, mean_score: Math.round((t.scoreSum / t.n) * 10) / 10 })).sort((a, b) => b.n - a.n),
    groups: shown,
  };
}

