import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRateLimiterRegistry } from './rate-limiter.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createRateLimiterRegistry', () => {
  it('holds a paused scope until the pause ends, and only that scope', async () => {
    const limiter = createRateLimiterRegistry();
    const started: string[] = [];
    limiter.pause('a', 2000);
    limiter.pause('a', 500); // never shortens a running pause
    const a = limiter.schedule('a', undefined, async () => started.push('a'));
    const b = limiter.schedule('b', undefined, async () => started.push('b'));
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toEqual(['b']);
    expect(limiter.pausedFor('a')).toBe(2000);
    await vi.advanceTimersByTimeAsync(1999);
    expect(started).toEqual(['b']);
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all([a, b]);
    expect(started).toEqual(['b', 'a']);
    expect(limiter.pausedFor('a')).toBe(0);
  });

  it('applies the spec of the first request even when a pause created the scope', async () => {
    const limiter = createRateLimiterRegistry();
    limiter.pause('s', 100);
    await vi.advanceTimersByTimeAsync(100);
    const started: number[] = [];
    const spec = { requests: 1, intervalMs: 1000 };
    const all = Promise.all([1, 2].map((n) => limiter.schedule('s', spec, async () => started.push(n))));
    await vi.advanceTimersByTimeAsync(10);
    expect(started).toEqual([1]);
    await vi.advanceTimersByTimeAsync(1000);
    await all;
    expect(started).toEqual([1, 2]);
  });

  it('limits concurrency per scope', async () => {
    const limiter = createRateLimiterRegistry();
    let running = 0;
    let peak = 0;
    const spec = { requests: 100, intervalMs: 1000, concurrency: 2 };
    const task = () =>
      limiter.schedule('c', spec, async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 10));
        running -= 1;
      });
    const all = Promise.all([task(), task(), task(), task(), task()]);
    await vi.advanceTimersByTimeAsync(100);
    await all;
    expect(peak).toBe(2);
  });
});
