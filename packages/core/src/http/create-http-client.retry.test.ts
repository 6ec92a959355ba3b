import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { apiKey } from '../connector/auth-spec.js';
import type { RateLimitSpec } from '../connector/connector.js';
import { defineConnector } from '../connector/define-connector.js';
import { isProviderError, type ProviderError } from '../errors/provider-error.js';
import { isRateLimitError, type RateLimitError } from '../errors/rate-limit-error.js';
import { createHttpClient, type HttpClientOptions } from './create-http-client.js';
import { createRateLimiterRegistry } from './rate-limiter.js';

const BASE = 'https://api.acme.test';
const server = setupServer();

function connector(rateLimit?: RateLimitSpec) {
  return defineConnector({
    provider: 'acme',
    displayName: 'Acme',
    category: 'crm',
    auth: apiKey({
      credentials: z.object({ apiKey: z.string() }),
      apply: (headers, c) => headers.set('x-api-key', c.apiKey ?? ''),
    }),
    baseUrl: `${BASE}/api`,
    defaultHeaders: { 'x-acme-version': '2026-01' },
    ...(rateLimit ? { rateLimit } : {}),
    entities: {},
  });
}

function client(overrides: Partial<HttpClientOptions> = {}) {
  return createHttpClient({
    connector: connector(),
    integration: { id: 'int_1', organizationId: 'org_1', provider: 'acme', config: {} },
    auth: { apply: async (headers) => headers.set('x-api-key', 'key-123') },
    retry: { limit: 3, baseDelayMs: 1000, maxDelayMs: 8000, random: () => 0.5 },
    ...overrides,
  });
}

/** Replies with each response in turn (the last one repeats) and counts hits. */
function sequence(method: 'get' | 'post', path: string, replies: (() => Response | Promise<Response>)[]) {
  const hits: Request[] = [];
  server.use(
    http[method](`${BASE}${path}`, ({ request }) => {
      hits.push(request.clone());
      const reply = replies[Math.min(hits.length - 1, replies.length - 1)] as () => Response;
      return reply();
    }),
  );
  return hits;
}

async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

/** Lets in-flight work that needs no timer (msw's interceptor, body reads) finish: real macrotask turns, no waiting. */
async function flush(): Promise<void> {
  for (let i = 0; i < 10; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Settles pending work, moves fake time forward by `ms`, and settles again. */
async function advance(ms: number): Promise<void> {
  await flush();
  await vi.advanceTimersByTimeAsync(ms);
  await flush();
}

const ok = () => HttpResponse.json({ ok: true });
const status =
  (code: number, headers: Record<string, string> = {}) =>
  () =>
    HttpResponse.json({ error: { message: `status ${code}` } }, { status: code, headers });

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
beforeEach(() => {
  // setImmediate stays real: `flush` uses it to let in-process work settle between time steps.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
  server.resetHandlers();
});
afterAll(() => server.close());

describe('createHttpClient requests', () => {
  it('joins base URL and path, encodes query arrays and sends default, request and auth headers', async () => {
    const hits = sequence('post', '/api/v1/items', [ok]);
    const response = await client().request<{ ok: boolean }>({
      method: 'POST',
      path: '/v1/items',
      query: { 'expand[]': ['a', 'b'], limit: 10, skip: undefined, none: null },
      headers: { 'x-request': 'r1' },
      json: { name: 'n' },
    });
    expect(response).toMatchObject({ status: 200, data: { ok: true } });
    const request = hits[0] as Request;
    expect(request.url).toBe(`${BASE}/api/v1/items?expand%5B%5D=a&expand%5B%5D=b&limit=10`);
    expect(request.headers.get('x-acme-version')).toBe('2026-01');
    expect(request.headers.get('x-request')).toBe('r1');
    expect(request.headers.get('x-api-key')).toBe('key-123');
    expect(await request.json()).toEqual({ name: 'n' });
  });

  it('sends form bodies url-encoded', async () => {
    const hits = sequence('post', '/api/v1/form', [ok]);
    await client().request({ method: 'POST', path: '/v1/form', form: { 'metadata[k]': 'v w' } });
    expect(hits[0]?.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(await hits[0]?.text()).toBe('metadata%5Bk%5D=v+w');
  });
});

describe('createHttpClient retries', () => {
  it('retries 500, 502 and a timed-out attempt with jittered backoff, then succeeds', async () => {
    const hits = sequence('get', '/api/r', [
      status(500),
      status(502),
      () => new Promise<Response>(() => {}), // never answers: the attempt times out
      ok,
    ]);
    const pending = settle(client({ timeoutMs: 5000 }).request({ method: 'GET', path: '/r' }));
    await advance(0);
    expect(hits).toHaveLength(1);
    await advance(499); // backoff 0.5 · 1000
    expect(hits).toHaveLength(1);
    await advance(1);
    expect(hits).toHaveLength(2);
    await advance(1000); // 0.5 · 2000
    expect(hits).toHaveLength(3);
    await advance(5000 + 2000); // the timeout, then 0.5 · 4000
    expect(hits).toHaveLength(4);
    expect((await pending).value?.data).toEqual({ ok: true });
  });

  it('does not retry a 400 and reports it as a rejected request', async () => {
    const hits = sequence('get', '/api/bad', [status(400)]);
    const { error } = await settle(
      client().request({ method: 'GET', path: '/bad', query: { q: 'secret-ish' } }),
    );
    expect(hits).toHaveLength(1);
    expect(isProviderError(error)).toBe(true);
    const e = error as ProviderError;
    expect(e.code).toBe('PROVIDER_REJECTED');
    expect(e.retryable).toBe(false);
    expect(e.message).toBe(
      'Acme GET /api/bad failed with 400 (status 400). The provider rejected the request; fix the data or the request.',
    );
  });

  it('retries a POST on 500 only when it carries an idempotency key', async () => {
    const without = sequence('post', '/api/p', [status(500), ok]);
    const first = await settle(client().request({ method: 'POST', path: '/p', json: {} }));
    expect(without).toHaveLength(1);
    expect(isProviderError(first.error) && (first.error as ProviderError).retryable).toBe(true);

    server.resetHandlers();
    const withKey = sequence('post', '/api/p', [status(500), ok]);
    const second = settle(client().request({ method: 'POST', path: '/p', json: {}, idempotencyKey: 'k1' }));
    await advance(500);
    expect(withKey).toHaveLength(2);
    expect((await second).value?.status).toBe(200);
  });

  it('honours Stripe-Should-Retry over the status', async () => {
    const no = sequence('get', '/api/s', [status(500, { 'stripe-should-retry': 'false' }), ok]);
    expect(isProviderError((await settle(client().request({ method: 'GET', path: '/s' }))).error)).toBe(true);
    expect(no).toHaveLength(1);
    server.resetHandlers();
    const yes = sequence('get', '/api/s', [status(409, { 'stripe-should-retry': 'true' }), ok]);
    const pending = settle(client().request({ method: 'GET', path: '/s' }));
    await advance(500);
    expect(yes).toHaveLength(2);
    expect((await pending).value?.status).toBe(200);
  });

  it('waits for a Retry-After given as an HTTP date', async () => {
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    const hits = sequence('get', '/api/d', [
      status(503, { 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }),
      ok,
    ]);
    const pending = settle(client().request({ method: 'GET', path: '/d' }));
    await advance(4999);
    expect(hits).toHaveLength(1);
    await advance(1);
    expect(hits).toHaveLength(2);
    expect((await pending).value?.status).toBe(200);
  });

  it('gives up after the retry limit with a retryable ProviderError', async () => {
    const hits = sequence('get', '/api/down', [status(503)]);
    const pending = settle(client({ retry: 2 }).request({ method: 'GET', path: '/down' }));
    await advance(500);
    expect(hits).toHaveLength(2);
    await advance(1000);
    const { error } = await pending;
    expect(hits).toHaveLength(3);
    expect((error as ProviderError).retryable).toBe(true);
    expect((error as ProviderError).status).toBe(503);
  });

  it("rejects with the caller's abort reason and stops retrying", async () => {
    const hits = sequence('get', '/api/abort', [status(500)]);
    const controller = new AbortController();
    const pending = settle(client().request({ method: 'GET', path: '/abort', signal: controller.signal }));
    await advance(100);
    controller.abort();
    const { error } = await pending;
    expect((error as Error).name).toBe('AbortError');
    await advance(60_000);
    expect(hits).toHaveLength(1);
  });

  it('fails with PROVIDER_TIMEOUT when the total timeout passes', async () => {
    sequence('get', '/api/slow', [status(500)]);
    const pending = settle(
      client({ totalTimeoutMs: 1200, retry: { limit: 10, baseDelayMs: 1000, random: () => 0.9 } }).request({
        method: 'GET',
        path: '/slow',
      }),
    );
    await advance(1200);
    const { error } = await pending;
    expect((error as ProviderError).code).toBe('PROVIDER_TIMEOUT');
    expect((error as Error).message).toContain('did not complete within 1200 ms');
  });
});

describe('createHttpClient rate limits', () => {
  it('pauses the whole scope for the Retry-After of a 429; other requests of the scope wait too', async () => {
    const limiter = createRateLimiterRegistry();
    const hits = sequence('get', '/api/rl', [status(429, { 'retry-after': '2' }), ok]);
    const a = client({ limiter });
    const b = client({ limiter }); // a second client of the same integration shares the scope
    const first = settle(a.request({ method: 'GET', path: '/rl' }));
    await advance(0);
    expect(hits).toHaveLength(1);
    const second = settle(b.request({ method: 'GET', path: '/rl' }));
    await advance(1999);
    expect(hits).toHaveLength(1);
    expect(limiter.pausedFor('acme:int_1')).toBe(1);
    await advance(1);
    expect(hits).toHaveLength(3);
    expect((await first).value?.status).toBe(200);
    expect((await second).value?.status).toBe(200);
  });

  it('retries a 429 for a POST without idempotency key (the provider did not process it)', async () => {
    const hits = sequence('post', '/api/rlp', [status(429, { 'retry-after': '1' }), ok]);
    const pending = settle(client().request({ method: 'POST', path: '/rlp', json: {} }));
    await advance(1000);
    expect(hits).toHaveLength(2);
    expect((await pending).value?.status).toBe(200);
  });

  it('fails at once with RateLimitError when Retry-After exceeds the cap, and holds the scope', async () => {
    const limiter = createRateLimiterRegistry();
    const hits = sequence('get', '/api/long', [status(429, { 'retry-after': '600' }), ok]);
    const c = client({ limiter });
    const { error } = await settle(c.request({ method: 'GET', path: '/long' }));
    expect(isRateLimitError(error)).toBe(true);
    expect((error as RateLimitError).retryAfterMs).toBe(600_000);
    const next = await settle(c.request({ method: 'GET', path: '/long' }));
    expect(isRateLimitError(next.error)).toBe(true);
    expect(hits).toHaveLength(1);
  });

  it('a request waiting in a paused scope can be aborted', async () => {
    const limiter = createRateLimiterRegistry();
    limiter.pause('acme:int_1', 5000);
    const hits = sequence('get', '/api/wait', [ok]);
    const controller = new AbortController();
    const pending = settle(
      client({ limiter }).request({ method: 'GET', path: '/wait', signal: controller.signal }),
    );
    await advance(1000);
    controller.abort();
    expect(((await pending).error as Error).name).toBe('AbortError');
    await advance(5000);
    expect(hits).toHaveLength(0);
  });

  it('starts at most `requests` per interval in a scope', async () => {
    const hits = sequence('get', '/api/lim', [ok]);
    const c = client({ connector: connector({ requests: 2, intervalMs: 1000 }) });
    const all = Promise.all([1, 2, 3].map(() => c.request({ method: 'GET', path: '/lim' })));
    await advance(10);
    expect(hits).toHaveLength(2);
    await advance(1000);
    expect(hits).toHaveLength(3);
    await all;
  });
});
