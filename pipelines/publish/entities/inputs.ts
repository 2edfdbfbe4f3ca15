// The input files of the run: what each was read as, how many rows it gave and lost, and the rejected
// rows by reason and column (the Data quality page; no row's content, only counts).
import { select, type Entity } from "../entity.ts";

export const inputs: Entity = {
  async site({ db, policy, inputs: files }) {
    return {
      "data-quality.json": {
        files: files.map((f) => ({ path: f.path, kind: f.kind, encoding: f.encoding, status: f.status, message: f.message, rows_read: f.rows_read, rows_loaded: f.rows_loaded, rows_rejected: f.rows_rejected })),
        rejects: await select(db, `SELECT file, reason, "column", count(*) AS n FROM rejects GROUP BY ALL ORDER BY file, n DESC, reason, "column"`, policy),
      },
    };
  },
};
