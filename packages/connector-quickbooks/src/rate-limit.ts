import type { RateLimitSpec } from '@syncbridge/core';

/** Intuit's published limits per realm (company) and app. */
export const QUICKBOOKS_LIMITS = Object.freeze({ requests: 500, windowMs: 60_000, concurrency: 10 });

/** Sub-windows the minute is cut into; the client may use slices/(slices+1) of the limit (95 %). */
export const RATE_LIMIT_SLICES = 19;

/**
 * The rate-limit spec the HTTP client's limiter enforces for one realm.
 *
 * Intuit counts requests per sliding minute; core's limiter (p-queue) counts per fixed window.
 * Two fixed windows of 500 can put up to 1,000 requests inside one sliding minute, which Intuit
 * answers with 429s. Cut the minute into `slices` windows of `requests / (slices + 1)` each: any
 * sliding minute overlaps at most `slices + 1` of them, so it never holds more than `requests`,
 * while the sustained rate stays at `slices / (slices + 1)` of the limit (95 % for 19).
 *
 * ```ts
 * quickBooksRateLimit({ requests: 500, windowMs: 60_000, concurrency: 10 }, 'quickbooks:123');
 * // → { requests: 25, intervalMs: 3158, concurrency: 10, scope: 'quickbooks:123' }
 * ```
 */
export function quickBooksRateLimit(
  limits: { requests: number; windowMs: number; concurrency: number },
  scope: string,
  slices = RATE_LIMIT_SLICES,
): RateLimitSpec {
  const perSlice = Math.max(1, Math.floor(limits.requests / (slices + 1)));
  return {
    requests: perSlice,
    intervalMs: Math.ceil(limits.windowMs / slices),
    concurrency: limits.concurrency,
    scope,
  };
}
