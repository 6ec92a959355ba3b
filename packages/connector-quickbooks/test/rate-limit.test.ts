import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QUICKBOOKS_LIMITS, quickBooksRateLimit, RATE_LIMIT_SLICES } from '../src/index.js';

/** Most requests inside any sliding window of `windowMs` (ends exclusive, as Intuit counts). */
function maxInSlidingWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] as number) - (sorted[start] as number) >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

describe('quickBooksRateLimit', () => {
  const spec = quickBooksRateLimit(QUICKBOOKS_LIMITS, 'quickbooks:1');

  it('keeps ≥ 90 % of the allowed rate', () => {
    const perMinute = (spec.requests * 60_000) / spec.intervalMs;
    expect(perMinute / QUICKBOOKS_LIMITS.requests).toBeGreaterThanOrEqual(0.9);
    expect(spec.concurrency).toBe(10);
  });

  it('never lets a fixed-window limiter put more than 500 requests in a sliding minute, wherever in its windows they start', () => {
    const windows = 3 * RATE_LIMIT_SLICES;
    fc.assert(
      fc.property(
        fc.array(
          fc.array(fc.integer({ min: 0, max: spec.intervalMs - 1 }), {
            minLength: spec.requests,
            maxLength: spec.requests,
          }),
          {
            minLength: windows,
            maxLength: windows,
          },
        ),
        (offsets) => {
          const times = offsets.flatMap((inWindow, k) => inWindow.map((o) => k * spec.intervalMs + o));
          return maxInSlidingWindow(times, QUICKBOOKS_LIMITS.windowMs) <= QUICKBOOKS_LIMITS.requests;
        },
      ),
      { numRuns: 200 },
    );
    // The adversarial case: one window's requests at its very end, the next ones' at their starts.
    const times = Array.from({ length: windows }, (_, k) =>
      Array.from({ length: spec.requests }, () => k * spec.intervalMs + (k === 0 ? spec.intervalMs - 1 : 0)),
    ).flat();
    expect(maxInSlidingWindow(times, QUICKBOOKS_LIMITS.windowMs)).toBeLessThanOrEqual(500);
    // The naive spec (500 per fixed minute) does not hold: that is why the windows are cut.
    const naive = [...Array(500).fill(59_999), ...Array(500).fill(60_000)];
    expect(maxInSlidingWindow(naive, 60_000)).toBe(1000);
  });
});
