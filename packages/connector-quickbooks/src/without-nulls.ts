/**
 * A deep copy without `null` values (and without objects left empty by removing them). QuickBooks
 * has no null in its records: a field is either set or absent, so a create sends only what is set.
 *
 * ```ts
 * withoutNulls({ DisplayName: 'Ada', BillAddr: { City: null } }); // → { DisplayName: 'Ada' }
 * ```
 */
export function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.filter((v) => v !== null).map((v) => withoutNulls(v)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null) continue;
    const cleaned = withoutNulls(v);
    if (
      typeof cleaned === 'object' &&
      cleaned !== null &&
      !Array.isArray(cleaned) &&
      Object.keys(cleaned).length === 0 &&
      Object.keys(v as object).length > 0
    )
      continue;
    out[key] = cleaned;
  }
  return out as T;
}
