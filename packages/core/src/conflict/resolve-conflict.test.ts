import { describe, expect, it } from 'vitest';
import { isConfigError, isValidationError } from '../errors/index.js';
import { type ConflictInput, checkConflictPolicy, resolveConflict } from './resolve-conflict.js';

const base = {
  name: 'Acme',
  email: 'a@acme.test',
  address: { city: 'Springfield', zip: '111' },
  tags: ['a'],
};
const earlier = new Date('2026-01-01T10:00:00Z');
const later = new Date('2026-01-01T11:00:00Z');

function input(overrides: Partial<ConflictInput>): ConflictInput {
  return {
    base,
    local: { ...base, name: 'Acme Ltd' },
    remote: { ...base, email: 'b@acme.test' },
    strategy: 'merge_fields',
    ...overrides,
  };
}

describe('merge_fields', () => {
  it('takes each side’s one-sided changes and applies the merge to both sides', () => {
    const res = resolveConflict(input({}));
    expect(res).toEqual({
      outcome: 'resolved',
      record: { ...base, name: 'Acme Ltd', email: 'b@acme.test' },
      applyToLocal: true,
      applyToRemote: true,
      winner: 'merged',
      conflictingFields: [],
      threeWay: true,
      reason: 'merge_fields (three-way against the base): no field changed on both sides',
    });
  });

  it('merges nested objects per leaf and treats arrays as one value', () => {
    const res = resolveConflict(
      input({
        local: { ...base, address: { city: 'Shelbyville', zip: '111' }, tags: ['a', 'b'] },
        remote: { ...base, address: { city: 'Springfield', zip: '222' }, tags: ['c'] },
        remoteUpdatedAt: later,
        localUpdatedAt: earlier,
      }),
    );
    expect(res.outcome).toBe('resolved');
    if (res.outcome !== 'resolved') return;
    expect(res.record).toEqual({ ...base, address: { city: 'Shelbyville', zip: '222' }, tags: ['c'] });
    expect(res.conflictingFields).toEqual(['tags']);
    expect(res.reason).toContain('tags: remote (remote was updated later');
  });

  it('sees a field changed on both sides to the same value as no conflict', () => {
    const res = resolveConflict(
      input({ local: { ...base, name: 'Same' }, remote: { ...base, name: 'Same', email: 'b@acme.test' } }),
    );
    expect(res).toMatchObject({
      outcome: 'resolved',
      conflictingFields: [],
      winner: 'remote',
      applyToRemote: false,
    });
  });

  it('settles fields changed on both sides by the fallback, per field', () => {
    const both = { local: { ...base, name: 'L' }, remote: { ...base, name: 'R', email: 'b@acme.test' } };
    const lww = resolveConflict(input({ ...both, localUpdatedAt: later, remoteUpdatedAt: earlier }));
    expect(lww).toMatchObject({ record: { name: 'L', email: 'b@acme.test' }, conflictingFields: ['name'] });
    const priority = resolveConflict(input({ ...both, fallback: 'source_priority', priority: 'remote' }));
    expect(priority).toMatchObject({ record: { name: 'R', email: 'b@acme.test' }, winner: 'remote' });
    const review = resolveConflict(input({ ...both, fallback: 'manual_review' }));
    expect(review).toMatchObject({
      outcome: 'manual_review',
      conflictingFields: ['name'],
      base,
      local: both.local,
    });
  });

  it('keeps a deletion made on one side and a field added on the other', () => {
    const { email: _dropped, ...withoutEmail } = base;
    const res = resolveConflict(input({ local: withoutEmail, remote: { ...base, phone: '555' } }));
    expect(res).toMatchObject({ outcome: 'resolved', record: { ...withoutEmail, phone: '555' } });
    if (res.outcome === 'resolved') expect(res.record).not.toHaveProperty('email');
  });

  it('compares two-way without a base and says so', () => {
    const res = resolveConflict(
      input({
        base: null,
        local: { name: 'L', city: 'X' },
        remote: { name: 'R', city: 'X' },
        priority: 'local',
      }),
    );
    expect(res).toMatchObject({
      outcome: 'resolved',
      threeWay: false,
      conflictingFields: ['name'],
      record: { name: 'L' },
    });
    expect(res.reason).toContain('two-way');
  });

  it('accepts the seed spelling merge', () => {
    expect(resolveConflict(input({ strategy: 'merge' }))).toEqual(resolveConflict(input({})));
  });

  it('never shares objects with its input', () => {
    const res = resolveConflict(input({}));
    if (res.outcome !== 'resolved') throw new Error('expected resolved');
    (res.record.address as Record<string, unknown>).city = 'Changed';
    expect(base.address.city).toBe('Springfield');
  });
});

describe('last_write_wins', () => {
  it('takes the whole record of the side updated later, discarding the other side', () => {
    const res = resolveConflict(
      input({ strategy: 'last_write_wins', localUpdatedAt: earlier, remoteUpdatedAt: later }),
    );
    expect(res).toMatchObject({
      outcome: 'resolved',
      winner: 'remote',
      record: { ...base, email: 'b@acme.test' },
      applyToLocal: true,
      applyToRemote: false,
      conflictingFields: [],
    });
    expect(res.reason).toBe(
      'last_write_wins: remote was updated later (2026-01-01T11:00:00.000Z > 2026-01-01T10:00:00.000Z)',
    );
  });

  it('breaks ties by priority, else by canonical hash, the same way from either side', () => {
    const tie = input({ strategy: 'last_write_wins', localUpdatedAt: later, remoteUpdatedAt: later });
    expect(resolveConflict({ ...tie, priority: 'local' })).toMatchObject({ winner: 'local' });
    const a = resolveConflict({ ...tie, localUpdatedAt: null });
    const swapped = resolveConflict({ ...tie, local: tie.remote, remote: tie.local, localUpdatedAt: null });
    if (a.outcome !== 'resolved' || swapped.outcome !== 'resolved') throw new Error('expected resolved');
    expect(a.record).toEqual(swapped.record);
    expect(a.reason).toContain('a timestamp is missing; tie broken by the greater canonical hash');
  });
});

describe('source_priority and manual_review', () => {
  it('takes the priority side whole', () => {
    const res = resolveConflict(input({ strategy: 'source_priority', priority: 'local' }));
    expect(res).toMatchObject({
      winner: 'local',
      applyToLocal: false,
      applyToRemote: true,
      record: { name: 'Acme Ltd' },
    });
  });

  it('holds differing records for review with the three versions', () => {
    const res = resolveConflict(
      input({ strategy: 'manual_review', local: { ...base, name: 'L' }, remote: { ...base, name: 'R' } }),
    );
    expect(res).toEqual({
      outcome: 'manual_review',
      base,
      local: { ...base, name: 'L' },
      remote: { ...base, name: 'R' },
      conflictingFields: ['name'],
      threeWay: true,
      reason: 'manual_review: local and remote differ (conflicting: name); waiting for a person',
    });
  });
});

describe('configuration and input errors', () => {
  it('lists every problem of a conflict policy', () => {
    let problems: readonly string[] = [];
    try {
      checkConflictPolicy({ strategy: 'merge_fields', fallback: 'merge', priority: 'both' as 'local' });
    } catch (error) {
      if (isConfigError(error)) problems = error.problems;
    }
    expect(problems).toEqual([
      'fallback: cannot be merge_fields; use last_write_wins, source_priority or manual_review',
      "priority: must be 'local' or 'remote' (got \"both\")",
    ]);
    expect(() => resolveConflict(input({ strategy: 'source_priority' }))).toThrow(/priority: is required/);
  });

  it('rejects records that are not plain objects', () => {
    let error: unknown;
    try {
      resolveConflict(input({ local: [] as unknown as Record<string, unknown> }));
    } catch (e) {
      error = e;
    }
    expect(isValidationError(error)).toBe(true);
  });
});
