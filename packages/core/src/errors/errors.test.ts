import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AuthError,
  ConfigError,
  ConflictError,
  isAuthError,
  isConflictError,
  isProviderError,
  isRateLimitError,
  isStorageError,
  isSyncBridgeError,
  isValidationError,
  NotFoundError,
  ProviderError,
  parseWith,
  RateLimitError,
  StorageError,
  SyncBridgeError,
  ValidationError,
} from './index.js';

describe('errors', () => {
  it('gives every subclass a name, a stable default code and keeps the cause', () => {
    const cause = new Error('socket hang up');
    const cases: [SyncBridgeError, string, string][] = [
      [new ConfigError('x', { cause }), 'ConfigError', 'CONFIG_INVALID'],
      [new ValidationError('x', { cause }), 'ValidationError', 'VALIDATION_FAILED'],
      [new AuthError('x', { cause }), 'AuthError', 'AUTH_FAILED'],
      [new RateLimitError('x', { cause, retryAfterMs: 2000 }), 'RateLimitError', 'RATE_LIMITED'],
      [
        new ProviderError('x', { provider: 'stripe', status: 500 }, { cause }),
        'ProviderError',
        'PROVIDER_ERROR',
      ],
      [new NotFoundError('x', { cause, resource: 'integration' }), 'NotFoundError', 'NOT_FOUND'],
      [new ConflictError('x', { cause }), 'ConflictError', 'CONFLICT'],
      [new StorageError('x', { cause, operation: 'op' }), 'StorageError', 'STORAGE_ERROR'],
    ];
    for (const [error, name, code] of cases) {
      expect(error.name).toBe(name);
      expect(error.code).toBe(code);
      expect(error.cause).toBe(cause);
      expect(error).toBeInstanceOf(SyncBridgeError);
      expect(error).toBeInstanceOf(Error);
      expect(error.stack).toContain(name);
    }
  });

  it('derives storage codes from the failure kind and lets callers choose a specific code', () => {
    expect(new StorageError('x', { operation: 'o', failure: 'unique_violation' }).code).toBe(
      'STORAGE_UNIQUE_VIOLATION',
    );
    expect(new ConflictError('x', { code: 'STALE_VERSION' }).code).toBe('STALE_VERSION');
    expect(new RateLimitError('x', { retryAfterMs: 2000 }).retryAfterMs).toBe(2000);
  });

  it('recognises errors from a duplicated copy of the package by brand and name', () => {
    // A second copy of core has its own classes: instanceof fails, the guards must not.
    const brand = Symbol.for('@syncbridge/error');
    const foreign = Object.assign(new Error('from another copy'), {
      name: 'ProviderError',
      code: 'PROVIDER_ERROR',
      [brand]: true,
    });
    expect(foreign instanceof ProviderError).toBe(false);
    expect(isSyncBridgeError(foreign)).toBe(true);
    expect(isProviderError(foreign)).toBe(true);
    expect(isAuthError(foreign)).toBe(false);
    // A plain error that happens to share a name is not ours.
    expect(isProviderError(Object.assign(new Error('x'), { name: 'ProviderError' }))).toBe(false);
    expect(isSyncBridgeError(null)).toBe(false);
    expect(isRateLimitError(new RateLimitError('x'))).toBe(true);
    expect(isConflictError(new StorageError('x', { operation: 'o' }))).toBe(false);
    expect(isStorageError(new StorageError('x', { operation: 'o' }))).toBe(true);
  });

  it('turns zod failures into a ValidationError that lists every issue with its path', () => {
    const schema = z.object({ name: z.string(), age: z.number().int(), tags: z.array(z.string()) });
    let error: unknown;
    try {
      parseWith(schema, { name: 1, age: 1.5, tags: ['a', 2] }, 'customers.create');
    } catch (e) {
      error = e;
    }
    expect(isValidationError(error)).toBe(true);
    const v = error as ValidationError;
    expect(v.message).toMatch(/^customers\.create: invalid input\./);
    expect(v.message).toContain('name:');
    expect(v.message).toContain('tags.1:');
    expect(v.issues.map((i) => i.path.join('.'))).toEqual(['name', 'age', 'tags.1']);
    expect(parseWith(schema, { name: 'a', age: 1, tags: [] }, 'op')).toEqual({ name: 'a', age: 1, tags: [] });
  });
});
