// Anonymous responses for the researchers' SQL page: responses of projects with enough responses,
// capped so a page stays light (a seeded sample beyond the cap; the page says how many rows it has).
import { csvText } from "../../lib/csv.ts";
import { select, type Entity } from "../entity.ts";

// 10,000 rows of about 80 bytes: some 800 kB, within the site's page budget (site/budget.ts) at any size.
const EXPLORER_ROWS = 10_000;

export const responses: Entity = {
  async site({ db, policy }) {
    const rows = await select(
      db,
      `SELECT r.year, r.project_id, r.institution_id, p.program, p.mode, p.stage, round(r.score, 2) AS response_score,
              r.straight_line, r.too_fast, r.burst, r.weight, r.duration_seconds
       FROM response_scores r JOIN project_scores p USING (project_id)
       WHERE p.n_responses >= $min_group
       -- A sample by hash of the id, not DuckDB's reservoir (which differs with the threads): the same rows every run.
       ORDER BY hash(r.response_id), r.response_id LIMIT ${EXPLORER_ROWS}`,
      policy,
    );
    const columns = Object.keys(rows[0] ?? {});
    // CSV for DuckDB-Wasm (no BOM).
    return { "explorer-evaluations.csv": csvText(columns, rows.map((row) => columns.map((c) => row[c])), { bom: false }) };
  },
};
