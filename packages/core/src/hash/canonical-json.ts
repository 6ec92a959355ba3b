import { createHash } from 'node:crypto';
import { ValidationError } from '../errors/validation-error.js';

/**
 * Serialises a value to canonical JSON, so equal data always gives equal text:
 * - object keys sorted (by UTF-16 code units); properties whose value is `undefined` dropped;
 * - numbers in shortest round-trip form, `-0` as `0`; `NaN` and `Infinity` rejected;
 * - `Date` as ISO 8601 UTC (`2026-01-02T03:04:05.000Z`); `bigint` as its decimal string;
 * - `undefined` inside arrays as `null` (as JSON.stringify does).
 * Functions and symbols are rejected: they are not data.
 *
 * ```ts
 * canonicalJson({ b: 1, a: new Date(0) }) // '{"a":"1970-01-01T00:00:00.000Z","b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$');
}

function write(value: unknown, path: string): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value))
        throw new ValidationError(`canonicalJson: ${path} is ${value}, which JSON cannot hold.`);
      return Object.is(value, -0) ? '0' : String(value);
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'undefined':
      return 'null';
    case 'object': {
      if (value === null) return 'null';
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime()))
          throw new ValidationError(`canonicalJson: ${path} is an invalid Date.`);
        return JSON.stringify(value.toISOString());
      }
      if (Array.isArray(value)) return `[${value.map((v, i) => write(v, `${path}[${i}]`)).join(',')}]`;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${write(record[k], `${path}.${k}`)}`).join(',')}}`;
    }
    default:
      throw new ValidationError(`canonicalJson: ${path} is a ${typeof value}, which is not data.`);
  }
}

/**
 * SHA-256 (hex) of the canonical JSON of `value`: the change detector of the sync engine.
 * Key order, `undefined` fields and Date-vs-ISO-string differences do not change it.
 *
 * ```ts
 * hashRecord({ a: 1, b: 2 }) === hashRecord({ b: 2, a: 1 }) // true
 * ```
 */
export function hashRecord(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
