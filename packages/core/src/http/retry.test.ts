import { describe, expect, it } from 'vitest';
import { isConfigError } from '../errors/config-error.js';
import { backoffDelay, normalizeRetry, retryDelayFor } from './retry.js';

const options = normalizeRetry({
  limit: 3,
  baseDelayMs: 1000,
  maxDelayMs: 5000,
  maxRetryAfterMs: 60_000,
  random: () => 0.5,
});
const decide = (status: number, extra: Partial<Parameters<typeof retryDelayFor>[0]> = {}) =>
  retryDelayFor({
    status,
    shouldRetryHeader: null,
    canRetry: true,
    retries: 0,
    retryAfterMs: undefined,
    options,
    ...extra,
  });

describe('retryDelayFor', () => {
  it('retries 408, 429 and 5xx but never other 4xx', () => {
    expect([408, 429, 500, 502, 503, 504].map((s) => decide(s))).toEqual([500, 500, 500, 500, 500, 500]);
    expect([400, 401, 403, 404, 409, 422].map((s) => decide(s))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('retries non-idempotent requests only on 429', () => {
    expect(decide(500, { canRetry: false })).toBeUndefined();
    expect(decide(429, { canRetry: false, retryAfterMs: 2000 })).toBe(2000);
  });

  it('lets Stripe-Should-Retry override the status, and respects the limit and the Retry-After cap', () => {
    expect(decide(409, { shouldRetryHeader: 'true' })).toBe(500);
    expect(decide(503, { shouldRetryHeader: 'false' })).toBeUndefined();
    expect(decide(429, { shouldRetryHeader: 'false' })).toBeUndefined();
    expect(decide(503, { retries: 3 })).toBeUndefined();
    expect(decide(503, { retryAfterMs: 60_001 })).toBeUndefined();
    expect(decide(503, { retryAfterMs: 7000 })).toBe(7000);
  });

  it('backs off exponentially with full jitter up to the cap', () => {
    expect([0, 1, 2, 3, 4].map((n) => backoffDelay(n, { ...options, random: () => 0.999 }))).toEqual([
      999, 1998, 3996, 4995, 4995,
    ]);
    expect(backoffDelay(2, { ...options, random: () => 0 })).toBe(0);
  });

  it('accepts the numeric shorthand and rejects bad values with ConfigError', () => {
    expect(normalizeRetry(5).limit).toBe(5);
    let error: unknown;
    try {
      normalizeRetry({ limit: -1, baseDelayMs: 1.5 });
    } catch (e) {
      error = e;
    }
    expect(isConfigError(error)).toBe(true);
    expect((error as Error).message).toContain('retry.limit');
    expect((error as Error).message).toContain('retry.baseDelayMs');
  });
});
