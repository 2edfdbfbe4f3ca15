// Query results (Arrow rows from DuckDB-Wasm) as plain objects with plain numbers.
export function plainRows(result: Iterable<unknown>): Record<string, unknown>[] {
  return Array.from(result, (row) => {
    const r = row as { toJSON?: () => Record<string, unknown> } & Record<string, unknown>;
    const obj = typeof r.toJSON === "function" ? r.toJSON() : { ...r };
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v]));
  });
}
