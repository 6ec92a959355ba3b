import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConflictStrategy } from '../domain/sync-config.js';
import { canonicalJson } from '../hash/index.js';
import { type ConflictInput, resolveConflict } from './resolve-conflict.js';

type Rec = Record<string, unknown>;
const DELETE = Symbol('delete');

const scalar = fc.oneof(
  fc.integer({ min: 0, max: 3 }),
  fc.constantFrom('x', 'y', ''),
  fc.constant(null),
  fc.boolean(),
);
const value = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 2 }),
  fc.dictionary(fc.constantFrom('p', 'q', 'r'), scalar, { maxKeys: 3 }),
);
const record = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', 'e'), value, { maxKeys: 5 });
/** Edits to a record: per key, a new value or a deletion; nested objects edited per key too. */
const edits = fc.dictionary(
  fc.constantFrom('a', 'b', 'c', 'd', 'e'),
  fc.oneof(
    value,
    fc.constant(DELETE),
    fc
      .dictionary(fc.constantFrom('p', 'q', 'r'), fc.oneof(scalar, fc.constant(DELETE)), { maxKeys: 2 })
      .map((e) => ({
        nested: e,
      })),
  ),
  { maxKeys: 3 },
);

function isObject(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function apply(base: Rec, change: Record<string, unknown>): Rec {
  const out: Rec = structuredClone(base);
  for (const [key, edit] of Object.entries(change)) {
    if (edit === DELETE) delete out[key];
    else if (isObject(edit) && 'nested' in edit && isObject(edit.nested)) {
      const inner: Rec = isObject(out[key]) ? { ...(out[key] as Rec) } : {};
      for (const [k, v] of Object.entries(edit.nested)) {
        if (v === DELETE) delete inner[k];
        else inner[k] = v;
      }
      out[key] = inner;
    } else out[key] = structuredClone(edit);
  }
  return out;
}

const same = (a: unknown, b: unknown) =>
  canonicalJson(a ?? null) === canonicalJson(b ?? null) && (a === undefined) === (b === undefined);

/** Every atomic field changed on exactly one side must hold that side's value in the merge. */
function checkOneSidedChanges(
  base: unknown,
  local: unknown,
  remote: unknown,
  merged: unknown,
  path: string,
): void {
  if (isObject(local) && isObject(remote)) {
    const b = isObject(base) ? base : {};
    for (const key of new Set([...Object.keys(local), ...Object.keys(remote)]))
      checkOneSidedChanges(
        b[key],
        local[key],
        remote[key],
        isObject(merged) ? merged[key] : undefined,
        `${path}.${key}`,
      );
    return;
  }
  if (!same(local, base) && same(remote, base))
    expect(same(merged, local), `${path} changed locally`).toBe(true);
  if (!same(remote, base) && same(local, base))
    expect(same(merged, remote), `${path} changed remotely`).toBe(true);
}

const strategies: ConflictStrategy[] = [
  'last_write_wins',
  'source_priority',
  'manual_review',
  'merge_fields',
  'merge',
];
const timestamp = fc.option(fc.date({ min: new Date(0), max: new Date(1e12), noInvalidDate: true }), {
  nil: null,
});
const conflictInput = fc
  .record({
    base: fc.option(record, { nil: null }),
    localEdits: edits,
    remoteEdits: edits,
    localUpdatedAt: timestamp,
    remoteUpdatedAt: timestamp,
    strategy: fc.constantFrom(...strategies),
    priority: fc.constantFrom('local' as const, 'remote' as const),
    fallback: fc.constantFrom<ConflictStrategy | null>(
      null,
      'last_write_wins',
      'source_priority',
      'manual_review',
    ),
    other: record,
  })
  .map(
    ({ base, localEdits, remoteEdits, other, ...rest }): ConflictInput => ({
      ...rest,
      base,
      local: apply(base ?? other, localEdits),
      remote: apply(base ?? other, remoteEdits),
    }),
  );

describe('resolveConflict properties', () => {
  it('merge_fields never drops a change made on only one side', () => {
    fc.assert(
      fc.property(conflictInput, (input) => {
        const res = resolveConflict({
          ...input,
          strategy: 'merge_fields',
          fallback: input.fallback === 'manual_review' ? null : input.fallback,
        });
        if (res.outcome !== 'resolved') throw new Error('expected resolved without a manual_review fallback');
        if (input.base !== null) checkOneSidedChanges(input.base, input.local, input.remote, res.record, '$');
      }),
      { numRuns: 500 },
    );
  });

  it('is deterministic: the same input, also copied or with keys in another order, resolves the same', () => {
    const reorder = (v: unknown): unknown =>
      isObject(v)
        ? Object.fromEntries(
            Object.keys(v)
              .reverse()
              .map((k) => [k, reorder(v[k])]),
          )
        : v;
    fc.assert(
      fc.property(conflictInput, (input) => {
        const first = resolveConflict(input);
        expect(resolveConflict(input)).toEqual(first);
        const shuffled = resolveConflict({
          ...input,
          base: reorder(input.base) as Rec | null,
          local: reorder(input.local) as Rec,
          remote: reorder(input.remote) as Rec,
        });
        expect(canonicalJson({ ...shuffled })).toBe(canonicalJson({ ...first }));
      }),
      { numRuns: 300 },
    );
  });

  it('resolving an already-resolved record is a no-op under every strategy', () => {
    fc.assert(
      fc.property(conflictInput, (input) => {
        const res = resolveConflict({ ...input, local: input.local, remote: structuredClone(input.local) });
        expect(res).toMatchObject({
          outcome: 'resolved',
          applyToLocal: false,
          applyToRemote: false,
          conflictingFields: [],
        });
      }),
      { numRuns: 300 },
    );
  });

  it('says to apply a resolved record exactly to the sides it differs from', () => {
    fc.assert(
      fc.property(conflictInput, (input) => {
        const res = resolveConflict(input);
        if (res.outcome !== 'resolved') return;
        expect(res.applyToLocal).toBe(canonicalJson(res.record) !== canonicalJson(input.local));
        expect(res.applyToRemote).toBe(canonicalJson(res.record) !== canonicalJson(input.remote));
        if (res.winner === 'local') expect(canonicalJson(res.record)).toBe(canonicalJson(input.local));
        if (res.winner === 'remote') expect(canonicalJson(res.record)).toBe(canonicalJson(input.remote));
      }),
      { numRuns: 300 },
    );
  });
  it('breaks ties without a priority the same way whichever side is called local', () => {
    fc.assert(
      fc.property(
        conflictInput,
        fc.constantFrom<ConflictStrategy>('last_write_wins', 'merge_fields'),
        (input, strategy) => {
          const tie = {
            ...input,
            strategy,
            fallback: null,
            priority: null,
            localUpdatedAt: null,
            remoteUpdatedAt: null,
          };
          const a = resolveConflict(tie);
          const b = resolveConflict({ ...tie, local: tie.remote, remote: tie.local });
          if (a.outcome !== 'resolved' || b.outcome !== 'resolved') throw new Error('expected resolved');
          expect(canonicalJson(b.record)).toBe(canonicalJson(a.record));
          expect(b.conflictingFields).toEqual(a.conflictingFields);
        },
      ),
      { numRuns: 300 },
    );
  });
});
