import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidationError } from '../errors/index.js';
import { canonicalJson, hashRecord } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined properties', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('normalises numbers, dates and bigints', () => {
    expect(canonicalJson([-0, 1.0, 1e21, 0.1 + 0.2])).toBe('[0,1,1e+21,0.30000000000000004]');
    expect(canonicalJson({ at: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) })).toBe(
      '{"at":"2026-01-02T03:04:05.000Z"}',
    );
    expect(canonicalJson(12345678901234567890n)).toBe('"12345678901234567890"');
    expect(canonicalJson([undefined, null])).toBe('[null,null]');
  });

  it('rejects values JSON cannot hold, naming the path', () => {
    for (const bad of [
      { a: Number.NaN },
      { a: [Number.POSITIVE_INFINITY] },
      { f: () => 1 },
      { d: new Date('x') },
    ]) {
      let error: unknown;
      try {
        canonicalJson(bad);
      } catch (e) {
        error = e;
      }
      expect(isValidationError(error)).toBe(true);
      expect((error as Error).message).toMatch(/\$\.(a|f|d)/);
    }
  });

  it('is the same text for any key order of the same data (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const shuffled = JSON.parse(JSON.stringify(value), (_k, v) =>
          v && typeof v === 'object' && !Array.isArray(v)
            ? Object.fromEntries(Object.entries(v).reverse())
            : v,
        );
        expect(canonicalJson(shuffled)).toBe(canonicalJson(value));
        // Canonical JSON is valid JSON that parses back to equal data.
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});

describe('hashRecord', () => {
  it('is a SHA-256 hex digest that ignores key order but not values', () => {
    const h = hashRecord({ a: 1, b: 'x' });
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(hashRecord({ b: 'x', a: 1 })).toBe(h);
    expect(hashRecord({ a: 1, b: 'y' })).not.toBe(h);
    expect(hashRecord({ a: 1, b: 'x', c: undefined })).toBe(h);
    // Known vector: sha256('{"a":1}')
    expect(hashRecord({ a: 1 })).toBe('015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862');
  });
});
