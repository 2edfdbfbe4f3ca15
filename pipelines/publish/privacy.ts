// Disclosure control for public outputs: no group below the policy's minimum, and no suppressed
// cell that can be recovered by subtracting the visible cells from a visible total.

/**
 * Primary and complementary suppression of counts within groups (e.g. counties within a year).
 * A cell below `min` becomes null. A group with exactly one suppressed cell also loses its smallest
 * visible cell, so that the total minus the visible cells no longer reveals the suppressed one.
 */
export function suppressCounts<T extends Record<string, unknown>>(rows: T[], valueKey: keyof T, groupKey: keyof T, min: number): T[] {
  const out = rows.map((r) => ({ ...r }));
  const groups = new Map<unknown, T[]>();
  for (const r of out) {
    const g = groups.get(r[groupKey]);
    if (g) g.push(r);
    else groups.set(r[groupKey], [r]);
  }
  for (const members of groups.values()) {
    const small = members.filter((r) => r[valueKey] !== null && Number(r[valueKey]) > 0 && Number(r[valueKey]) < min);
    for (const r of small) (r as Record<string, unknown>)[valueKey as string] = null;
    if (small.length === 1) {
      const visible = members.filter((r) => r[valueKey] !== null).sort((a, b) => Number(a[valueKey]) - Number(b[valueKey]));
      if (visible[0]) (visible[0] as Record<string, unknown>)[valueKey as string] = null;
    }
  }
  return out;
}

/** Blank the listed fields of rows whose group size is below `min`. */
export function blankSmall<T extends Record<string, unknown>>(rows: T[], sizeKey: keyof T, fields: (keyof T)[], min: number): T[] {
  return rows.map((r) => {
    if (Number(r[sizeKey] ?? 0) >= min) return r;
    const copy = { ...r };
    for (const f of fields) (copy as Record<string, unknown>)[f as string] = null;
    return copy;
  });
}
