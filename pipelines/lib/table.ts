// Results computed in TypeScript go back into DuckDB through the Appender (bulk, typed),
// so that publishing stays one SQL path for every output.
import { ident, type Db } from "./db.ts";

export type ColumnType = "VARCHAR" | "DOUBLE" | "BIGINT" | "BOOLEAN";
export interface Column {
  name: string;
  type: ColumnType;
}

export async function writeTable(db: Db, table: string, columns: Column[], rows: unknown[][]): Promise<void> {
  await db.run(`CREATE OR REPLACE TABLE ${ident(table)} (${columns.map((c) => `${ident(c.name)} ${c.type}`).join(", ")})`);
  const appender = await db.conn.createAppender(table);
  for (const row of rows) {
    columns.forEach((c, i) => {
      const v = row[i];
      if (v === null || v === undefined || (typeof v === "number" && !Number.isFinite(v))) appender.appendNull();
      else if (c.type === "DOUBLE") appender.appendDouble(Number(v));
      else if (c.type === "BIGINT") appender.appendBigInt(BigInt(Math.round(Number(v))));
      else if (c.type === "BOOLEAN") appender.appendBoolean(Boolean(v));
      else appender.appendVarchar(String(v));
    });
    appender.endRow();
  }
  appender.flushSync();
  appender.closeSync();
}

/** Column list from an object whose keys are names and values types, in order. */
export const cols = (spec: Record<string, ColumnType>): Column[] => Object.entries(spec).map(([name, type]) => ({ name, type }));
