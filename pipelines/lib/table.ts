// Results computed in TypeScript go back into DuckDB through the Appender (bulk, typed),
// so that publishing stays one SQL path for every output.
import { setImmediate as turn } from "node:timers/promises";
import { ident, type Db } from "./db.ts";

export type ColumnType = "VARCHAR" | "DOUBLE" | "BIGINT" | "BOOLEAN";
export interface Column {
  name: string;
  type: ColumnType;
}

/** Write rows (arrays in the columns' order, or objects by the columns' names) as a new table. */
export async function writeTable(db: Db, table: string, columns: Column[], rows: readonly unknown[][] | readonly Record<string, unknown>[]): Promise<void> {
  await db.run(`CREATE OR REPLACE TABLE ${ident(table)} (${columns.map((c) => `${ident(c.name)} ${c.type}`).join(", ")})`);
  const appender = await db.conn.createAppender(table);
  // (One writer a column, chosen once; the values read from each row in place, not copied into an
  // array a row first: 58 k projects of 32 columns nationally.)
  const writers = columns.map((c): ((v: unknown) => void) => {
    if (c.type === "DOUBLE") return (v) => appender.appendDouble(Number(v));
    if (c.type === "BIGINT") return (v) => appender.appendBigInt(BigInt(Math.round(Number(v))));
    if (c.type === "BOOLEAN") return (v) => appender.appendBoolean(Boolean(v));
    return (v) => appender.appendVarchar(String(v));
  });
  const names = columns.map((c) => c.name);
  const n = columns.length;
  let r = 0;
  for (const row of rows) {
    // (The event loop turned every few thousand rows: SQL run beside on another connection goes on.)
    if (++r % 4096 === 0) await turn();
    const byName = !Array.isArray(row);
    for (let i = 0; i < n; i++) {
      const v = byName ? (row as Record<string, unknown>)[names[i]!] : (row as unknown[])[i];
      if (v === null || v === undefined || (typeof v === "number" && !Number.isFinite(v))) appender.appendNull();
      else writers[i]!(v);
    }
    appender.endRow();
  }
  appender.flushSync();
  appender.closeSync();
}

/** Column list from an object whose keys are names and values types, in order. */
export const cols = (spec: Record<string, ColumnType>): Column[] => Object.entries(spec).map(([name, type]) => ({ name, type }));
