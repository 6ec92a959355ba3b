import { canonicalJson } from '../hash/canonical-json.js';

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

/**
 * Writes the mapped fields into a host record without losing the host's unmapped fields:
 * nested objects merge per key, everything else (arrays included) is replaced.
 */
export function mergeInto(
  target: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] = isPlainObject(value) && isPlainObject(current) ? mergeInto(current, value) : value;
  }
  return out;
}

/**
 * Dotted leaf paths whose values differ between two mapped records (arrays compare whole).
 * A path present on one side only counts as different.
 */
export function changedFields(
  a: Record<string, unknown> | null,
  b: Record<string, unknown> | null,
): string[] {
  const out: string[] = [];
  walk(a ?? {}, b ?? {}, '', out);
  return out;
}

function walk(a: Record<string, unknown>, b: Record<string, unknown>, prefix: string, out: string[]): void {
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const path = prefix ? `${prefix}.${key}` : key;
    const x = a[key];
    const y = b[key];
    if (isPlainObject(x) && isPlainObject(y)) walk(x, y, path, out);
    else if (canonicalJson(x ?? null) !== canonicalJson(y ?? null)) out.push(path);
  }
}
