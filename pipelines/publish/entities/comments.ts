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
  const rows = await db.all<{ year: number; institution_id: string; name: string | null; comment: string; score: number }>(
    // Scrubbed comments only (comments_public.sql), and only of projects large enough to show them.
    `SELECT r.year, r.institution_id, i.name, c.comment, r.score
     FROM comments_public c JOIN response_scores r USING (response_id) LEFT JOIN institutions i USING (institution_id)
     WHERE r.weight > 0 AND r.institution_id IS NOT NULL
     ORDER BY r.year, r.institution_id, c.response_id`,
  );
  const groups = new Map<string, typeof rows>();
  for (const r of rows) {
    const k = `${r.year}|${r.institution_id}`;
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  const themes = new Map<string, { year: number; term: string; n: number; scoreSum: number }>();
  const shown: unknown[] = [];
  for (const [, g] of groups) {
    // A group below the policy's minimum for comments shows nothing, not even its terms.
    if (g.length < policy.min_group_comments) continue;
    const counts = new Map<string, number>();
    for (const r of g) {
      for (const t of new Set(terms(r.comment))) {
        counts.set(t, (counts.get(t) ?? 0) + 1);
        const k = `${r.year}|${t}`;
        const th = themes.get(k) ?? { year: Number(r.year), term: t, n: 0, scoreSum: 0 };
        th.n++;
        th.scoreSum += Number(r.score);
        themes.set(k, th);
      }
    }
    shown.push({
      year: Number(g[0]!.year),
      institution_id: g[0]!.institution_id,
      name: g[0]!.name,
      n_comments: g.length,
      top_terms: [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([term, n]) => ({ term, n })),
      // Distinct texts, lowest-scoring first: what unhappy trainees said is what a report needs.
      examples: [...new Set([...g].sort((a, b) => Number(a.score) - Number(b.score)).map((r) => r.comment))].slice(0, 6),
    });
  }
  return {
    min_group: policy.min_group_comments,
    themes: [...themes.values()].filter((t) => t.n >= policy.min_group_comments).map((t) => ({ year: t.year, term: t.term, n: t.n, mean_score: Math.round((t.scoreSum / t.n) * 10) / 10 })).sort((a, b) => b.n - a.n),
    groups: shown,
  };
}

