import { canonicalJson } from '../hash/canonical-json.js';

/** Marks a key that is absent (or `undefined`) on one side. */
export const MISSING: unique symbol = Symbol('missing');
export type Node = unknown | typeof MISSING;

/** How a field changed on both sides with different values is settled. */
export type FieldDecision = 'local' | 'remote' | 'review';

/** One field changed on both sides with different values (or, without a base, differing). */
export interface FieldConflict {
  readonly path: string;
  readonly local: Node;
  readonly remote: Node;
}

export interface MergeOutcome {
  /** The merged record (fields marked `review` hold the local value). */
  readonly record: Record<string, unknown>;
  /** Dotted paths of the conflicting fields, sorted. */
  readonly conflicts: readonly FieldConflict[];
  /** Whether any conflict was decided `review`. */
  readonly needsReview: boolean;
}

/** A plain JSON-style object (not an array, Date or class instance): merged per key. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Canonical text of a node, so equal data compares equal whatever its key order or Date form. */
export function canon(node: Node): string {
  return node === MISSING || node === undefined ? '\u0000missing' : canonicalJson(node);
}

function child(node: Node, key: string): Node {
  if (!isPlainObject(node) || !Object.hasOwn(node, key)) return MISSING;
  const value = node[key];
  return value === undefined ? MISSING : value;
}

/** Deep copy of plain data (objects, arrays, Dates), so a resolution never aliases its input. */
export function copy<T>(value: T): T {
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (Array.isArray(value)) return value.map(copy) as T;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) if (value[key] !== undefined) out[key] = copy(value[key]);
    return out as T;
  }
  return value;
}

/**
 * Three-way merge of two records against their base, per leaf. Objects present on both sides
 * are merged key by key; anything else (scalars, arrays, Dates, an object on one side only) is
 * one atomic value. A value changed on one side only takes that side; changed on both sides to
 * the same value is no conflict; changed on both to different values asks `decide`. With
 * `base === null` every differing value is a conflict (two-way).
 */
export function threeWayMerge(
  base: Record<string, unknown> | null,
  local: Record<string, unknown>,
  remote: Record<string, unknown>,
  decide: (conflict: FieldConflict) => FieldDecision,
): MergeOutcome {
  const conflicts: FieldConflict[] = [];
  let needsReview = false;
  const threeWay = base !== null;

  const merge = (b: Node, l: Node, r: Node, path: string[]): Node => {
    if (isPlainObject(l) && isPlainObject(r)) {
      const out: Record<string, unknown> = {};
      const keys = [...new Set([...Object.keys(l), ...Object.keys(r)])];
      for (const key of keys) {
        const merged = merge(threeWay ? child(b, key) : MISSING, child(l, key), child(r, key), [
          ...path,
          key,
        ]);
        if (merged !== MISSING) out[key] = merged;
      }
      return out;
    }
    const lc = canon(l);
    const rc = canon(r);
    if (lc === rc) return copy(l);
    if (threeWay) {
      const bc = canon(b);
      if (lc === bc) return copy(r);
      if (rc === bc) return copy(l);
    }
    const conflict: FieldConflict = { path: path.join('.'), local: l, remote: r };
    conflicts.push(conflict);
    const decision = decide(conflict);
    if (decision === 'review') needsReview = true;
    return copy(decision === 'remote' ? r : l);
  };

  const record = merge(base ?? MISSING, local, remote, []) as Record<string, unknown>;
  conflicts.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { record, conflicts, needsReview };
}
