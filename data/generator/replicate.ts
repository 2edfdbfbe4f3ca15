// A larger input folder from a smaller one: every CSV replicated `copies` times in DuckDB, ids
// suffixed per copy (`-1`, `-2` …; copy 0 keeps its ids) so that keys stay unique and references
// still resolve. The bench builds national sizes this way; with `provinces`, institutions are
// replicated too, copy k belonging to provinces[k mod n], which makes a folder of several
// provinces (the roll-up test). GB18030 files stay GB18030; other files are copied as they are.
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import iconv from "iconv-lite";
import { ident, literal, openDb, type Db } from "../../pipelines/lib/db.ts";

const ID_COLUMNS = ["project_id", "项目编号", "teacher_id", "学员编号", "response_id", "问卷编号"];
const INSTITUTION_COLUMNS = ["institution_id", "机构编号", "承训机构编号"];

export interface ReplicateOptions {
  /** Replicate institutions as well, copy k in provinces[k mod n] (default: institutions as they are). */
  provinces?: string[];
}

export async function replicateFolder(src: string, dest: string, copies: number, opts: ReplicateOptions = {}): Promise<void> {
  await mkdir(dest, { recursive: true });
  const ids = new Set([...ID_COLUMNS, ...(opts.provinces ? INSTITUTION_COLUMNS : [])]);
  const db = await openDb(":memory:");
  try {
    for (const f of await readdir(src)) {
      const from = path.join(src, f);
      // Not the generator's truths (_…) nor another folder's marker (.guopei-output …): the copy is a new folder.
      if (f.startsWith("_") || f.startsWith(".")) continue;
      if (f.includes("gbk")) {
        // GB18030 stays GB18030: decode, replicate like the rest, encode again.
        const utf8 = path.join(dest, "_gbk-utf8.csv");
        const rep = path.join(dest, "_gbk-rep.csv");
        await writeFile(utf8, iconv.decode(await readFile(from), "gb18030"));
        await replicate(db, utf8, rep, copies, ids);
        await writeFile(path.join(dest, f), iconv.encode(await readFile(rep, "utf8"), "gb18030"));
        await rm(utf8);
        await rm(rep);
      } else if (!f.endsWith(".csv") || /^(counties|instrument)/.test(f) || (/^institutions/.test(f) && !opts.provinces)) await copyFile(from, path.join(dest, f));
      else await replicate(db, from, path.join(dest, f), copies, ids, /^institutions/.test(f) ? opts.provinces : undefined);
    }
  } finally {
    db.close();
  }
}

async function replicate(db: Db, src: string, dest: string, copies: number, ids: Set<string>, provinces?: string[]): Promise<void> {
  const cols = (await db.all<{ column_name: string }>(`DESCRIBE SELECT * FROM read_csv(${literal(src)}, all_varchar = true)`)).map((c) => c.column_name);
  const province = provinces ? `list_value(${provinces.map(literal).join(", ")})[k % ${provinces.length} + 1]` : null;
  const select = cols
    .map((c) =>
      ids.has(c) ? `CASE WHEN k = 0 THEN ${ident(c)} ELSE ${ident(c)} || '-' || k END AS ${ident(c)}` : province && /^(province|省份)$/.test(c) ? `${province} AS ${ident(c)}` : ident(c),
    )
    .join(", ");
  await db.run(`COPY (SELECT ${select} FROM range(${copies}) r(k), read_csv(${literal(src)}, all_varchar = true) ORDER BY k) TO ${literal(dest)} (HEADER true)`);
}
