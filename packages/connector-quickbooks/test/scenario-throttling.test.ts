import { afterEach, describe, expect, it, vi } from 'vitest';
import { customerMappings } from '../src/index.js';
import { qboFailures } from '../src/testing/index.js';
import {
  connectThroughOAuth,
  quickBooksBridge,
  serveFake,
  useIntuitHosts,
} from './helpers/bridge-harness.js';

useIntuitHosts();
afterEach(() => {
  vi.useRealTimers();
});

/** Most requests inside any sliding window (Intuit's way of counting). */
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

describe('scenario: throttling at Intuit’s real limits (500/min, 10 concurrent per realm)', () => {
  it('pushes 1,200 host customers to QuickBooks within the limits, retrying the 429s Intuit sends, with none unhandled', async () => {
    const COUNT = 1200;
    const LATENCY_MS = 25;
    // Only timers and Date are faked: promises, setImmediate and msw's interception stay real,
    // so requests complete at once while the limiter's windows pass on the fake clock.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const arrivals: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    let observing = false;
    // Observe the wire: arrival times and concurrency of API requests as the fake sees them.
    const fake = serveFake({ throttle: { now: () => Date.now() } }, (handle) => async (request) => {
      if (!observing || !new URL(request.url).pathname.startsWith('/v3/')) return handle(request);
      arrivals.push(Date.now());
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      try {
        const response = await handle(request);
        // Intuit answers in tens of milliseconds: requests spread over the limiter's windows.
        await new Promise((resolve) => setTimeout(resolve, LATENCY_MS));
        return response;
      } finally {
        inFlight--;
      }
    });
    const { bridge, local } = quickBooksBridge({ fake });
    const integration = await connectThroughOAuth(bridge);
    await bridge.sync.configure(integration.id, {
      localEntity: 'customer',
      remoteEntity: 'Customer',
      direction: 'outbound',
      mappings: [...customerMappings],
    });
    await local.customer?.upsert(
      Array.from({ length: COUNT }, (_, i) => ({
        id: `host_${i}`,
        data: { name: `Host customer ${i}`, email: `host${i}@example.com`, status: 'active' },
      })),
    );
    const apiBefore = fake.requests.length;
    observing = true;
    // Another app on the same company spends some of the budget: Intuit throttles twice (XML 429).
    fake.failNext(2, qboFailures.throttled());
    const started = Date.now();
    let settled = false;
    const pushed = bridge.changes
      .notify(
        'customer',
        Array.from({ length: COUNT }, (_, i) => `host_${i}`),
      )
      .finally(() => {
        settled = true;
      });
    while (!settled) await vi.advanceTimersByTimeAsync(5);
    const logs = await pushed;
    const elapsedMs = Date.now() - started;

    expect(logs.reduce((n, l) => n + l.recordsCreated, 0)).toBe(COUNT);
    expect(logs.every((l) => l.recordsFailed === 0)).toBe(true);
    expect(fake.records('Customer')).toHaveLength(COUNT);
    const api = fake.requests.slice(apiBefore);
    // The two injected 429s were retried after a pause; the limiter itself caused none.
    expect(api.filter((r) => r.status === 429)).toHaveLength(2);
    expect(maxInSlidingWindow(arrivals, 60_000)).toBeLessThanOrEqual(500);
    expect(maxInFlight).toBeLessThanOrEqual(10);
    // It was the limiter that paced the run: 1,200 requests need more than two minutes at 500/min.
    expect(elapsedMs).toBeGreaterThan(120_000);
    await bridge.close();
  }, 60_000);
});
