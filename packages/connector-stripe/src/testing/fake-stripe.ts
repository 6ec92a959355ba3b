import { randomBytes } from 'node:crypto';
import { type LoopbackServer, serveFetchHandler } from '@syncbridge/testing/fakes';
import type { FakeContext } from './context.js';
import { errorResponse, resourceMissing, StripeHttpError } from './errors.js';
import { EVENT_RETENTION_SECONDS, pruneEvents } from './events.js';
import { createFailureQueue, type InjectedFailure } from './failures.js';
import { pruneIdempotencyKeys, runIdempotent } from './idempotency.js';
import { createIdGenerator } from './ids.js';
import { authenticate, connectAccountOf, createRateLimiter, readParams } from './request-checks.js';
import { lookupAny, route } from './router.js';
import { createSeeder, type FakeStripeSeeder } from './seed.js';
import {
  type AccountState,
  clone,
  collection,
  compareNewestFirst,
  createAccountState,
  render,
  type StripeObject,
} from './state.js';
import {
  deliverWebhooks,
  type WebhookDeliveryOptions,
  type WebhookDeliveryReport,
  type WebhookTarget,
} from './webhook-delivery.js';

/** Default API version of the fake's account (webhook payloads and unpinned requests use it). */
export const FAKE_STRIPE_API_VERSION = '2026-09-30.endive';

export interface FakeStripeOptions {
  /** Secret (`sk_test_…`) or restricted (`rk_test_…`) keys the fake accepts. Default `['sk_test_fake_key']`. */
  readonly apiKeys?: readonly string[];
  /** The account's default API version. */
  readonly apiVersion?: string;
  /** Start time of the fake clock (it only moves with `advance`), or a clock function to follow. */
  readonly now?: Date | number | (() => Date | number);
  /** Answers 429 beyond this many requests per fake-clock second, per key. */
  readonly rateLimit?: { readonly perSecond: number };
}

/** One request the fake received, for assertions. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly status: number;
}

export interface FakeStripe {
  /** The first configured key. */
  readonly apiKey: string;
  /** The wire protocol: one Fetch API request in, one response out. */
  handle(request: Request): Promise<Response>;
  /**
   * msw handlers for `https://api.stripe.com/*`, or another origin (msw is imported only here,
   * lazily: `listen` and `handle` need no msw).
   */
  handlers(options?: { baseUrl?: string }): Promise<import('msw').HttpHandler[]>;
  /** Serves the fake on loopback HTTP (port 0: any free port). */
  listen(port?: number): Promise<LoopbackServer>;
  now(): Date;
  advance(ms: number): void;
  /** The next `n` matching requests fail with `failure` (Stripe's envelope and headers). */
  failNext(n: number, failure: InjectedFailure): void;
  /**
   * The next `n` matching requests are fully handled (objects created, idempotency saved) but
   * their response is lost: a network error (msw: `Response.error()`; on loopback the server
   * answers 500 instead). The crash-after-call scenario idempotency keys exist for.
   */
  dropNextResponse(n: number, match?: { path?: string; method?: string }): void;
  readonly seed: FakeStripeSeeder;
  readonly state: FakeStripeState;
  /** Every request received, oldest first. */
  readonly requests: readonly RecordedRequest[];
  /** Sends pending events, signed, to a URL or a function; failed ones stay pending. */
  deliverWebhooks(target: WebhookTarget, options: WebhookDeliveryOptions): Promise<WebhookDeliveryReport>;
}

/** Direct access to the fake's data (copies), for assertions. */
export interface FakeStripeState {
  list(resource: string, options?: { account?: string }): StripeObject[];
  get(id: string, options?: { account?: string }): StripeObject | undefined;
  /** Retained events, oldest first. */
  events(options?: { account?: string }): StripeObject[];
  /** The raw account state (mutable), for set-ups the API cannot express. */
  account(accountId?: string): AccountState;
}

function toMs(value: Date | number): number {
  return value instanceof Date ? value.getTime() : value;
}

/**
 * A stateful in-memory Stripe that speaks the wire protocol: form-encoded requests, JSON
 * responses, lists and cursors, `expand[]`, events, idempotency keys, error envelopes and signed
 * webhooks. Serve it with msw (`handlers()`) or on loopback (`listen()`).
 *
 * ```ts
 * const fake = createFakeStripe({ apiKeys: ['sk_test_123'] });
 * fake.seed.customers(250);
 * const server = await fake.listen();
 * const stripe = new Stripe('sk_test_123', { host: '127.0.0.1', port: new URL(server.url).port, protocol: 'http' });
 * ```
 */
export function createFakeStripe(options: FakeStripeOptions = {}): FakeStripe {
  const apiKeys = options.apiKeys ?? ['sk_test_fake_key'];
  if (apiKeys.length === 0) throw new Error('createFakeStripe: apiKeys must not be empty');
  const apiVersion = options.apiVersion ?? FAKE_STRIPE_API_VERSION;
  const clockOption = options.now;
  const start = typeof clockOption === 'function' ? 0 : toMs(clockOption ?? Date.now());
  let offset = 0;
  const nowMs = () => (typeof clockOption === 'function' ? toMs(clockOption()) : start) + offset;
  const nowSeconds = () => Math.floor(nowMs() / 1000);
  const newId = createIdGenerator();
  const accounts = new Map<string, AccountState>();
  const undelivered = new Set<string>();
  const failures = createFailureQueue();
  const drops: { remaining: number; path?: string; method?: string }[] = [];
  const requests: RecordedRequest[] = [];
  const rateLimit = createRateLimiter(options.rateLimit?.perSecond);

  const accountState = (accountId = ''): AccountState => {
    let a = accounts.get(accountId);
    if (!a) {
      a = createAccountState();
      accounts.set(accountId, a);
    }
    return a;
  };

  const makeContext = (
    accountId: string | undefined,
    livemode: boolean,
    request: FakeContext['request'],
    settings: { events?: boolean; createdAt?: () => number } = {},
  ): FakeContext => {
    const account = accountState(accountId);
    const now = settings.createdAt ?? nowSeconds;
    return {
      account,
      accountId,
      livemode,
      request,
      now,
      newId,
      get: (resource, id) => collection(account, resource).get(id),
      require(resource, objectName, id, param = 'id') {
        const found = collection(account, resource).get(id);
        if (!found) throw resourceMissing(objectName, id, param);
        return found;
      },
      put: (resource, object) => {
        collection(account, resource).set(object.id, clone(object));
      },
      emit(type, object, previous) {
        if (settings.events === false || object.object === 'balance_transaction') return;
        const event: StripeObject = {
          id: newId('evt'),
          object: 'event',
          ...(accountId ? { account: accountId } : {}),
          api_version: apiVersion,
          created: now(),
          data: { object: render(object), ...(previous ? { previous_attributes: clone(previous) } : {}) },
          livemode,
          pending_webhooks: 1,
          request: request,
          type,
        };
        account.events.push(event);
        undelivered.add(event.id);
      },
    };
  };

  async function process(request: Request, headers: Headers): Promise<Response> {
    const url = new URL(request.url);
    const method = request.method.toUpperCase();
    const path = url.pathname;
    const key = authenticate(request, apiKeys);
    const accountId = connectAccountOf(request, headers);
    rateLimit(key, nowSeconds());
    const params = await readParams(request, url, method);
    const idempotencyKey = method === 'POST' ? request.headers.get('idempotency-key') : null;
    const requestId = headers.get('request-id') as string;
    const run = (): Response => {
      // An injected failure stands for the endpoint failing while it ran (a 500 is saved under the key).
      failures.throwIfDue(method, path);
      const ctx = makeContext(accountId, key.includes('_live_'), {
        id: requestId,
        idempotency_key: idempotencyKey,
      });
      const result = route(ctx, method, path, params, undelivered);
      return new Response(JSON.stringify(result.body, null, 2), { status: result.status, headers });
    };
    if (!idempotencyKey) return run();
    return runIdempotent({
      account: accountState(accountId),
      key: idempotencyKey,
      method,
      path,
      params,
      requestId,
      headers,
      nowSeconds: nowSeconds(),
      run,
    });
  }

  function housekeeping(): void {
    const now = nowSeconds();
    for (const account of accounts.values()) {
      pruneEvents(account, now);
      pruneIdempotencyKeys(account, now);
    }
  }

  async function handle(request: Request): Promise<Response> {
    housekeeping();
    const url = new URL(request.url);
    const headers = new Headers({
      'content-type': 'application/json',
      'request-id': `req_${randomBytes(7).toString('hex')}`,
      'stripe-version': request.headers.get('stripe-version') ?? apiVersion,
    });
    const bodyText = request.method === 'GET' ? '' : await request.clone().text();
    let response: Response;
    try {
      response = await process(request, headers);
    } catch (error) {
      if (!(error instanceof StripeHttpError)) throw error;
      response = errorResponse(error, headers);
    }
    const recorded: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      recorded[name] = value;
    });
    const drop = drops.findIndex(
      (d) => (!d.path || url.pathname.startsWith(d.path)) && (!d.method || d.method === request.method),
    );
    if (drop >= 0) {
      const entry = drops[drop] as (typeof drops)[number];
      entry.remaining -= 1;
      if (entry.remaining <= 0) drops.splice(drop, 1);
      response = Response.error();
    }
    requests.push({
      method: request.method,
      path: url.pathname,
      query: url.search,
      headers: recorded,
      body: bodyText,
      status: response.status,
    });
    return response;
  }

  const fake: FakeStripe = {
    apiKey: apiKeys[0] as string,
    handle,
    async handlers({ baseUrl = 'https://api.stripe.com' } = {}) {
      const { http } = await import('msw');
      return [http.all(`${baseUrl.replace(/\/$/, '')}/*`, ({ request }) => handle(request))];
    },
    listen: (port = 0) => serveFetchHandler(handle, { port }),
    now: () => new Date(nowMs()),
    advance(ms) {
      if (!(ms >= 0)) throw new Error('advance(ms): ms must be a non-negative number');
      offset += ms;
    },
    failNext: (n, failure) => failures.push(n, failure),
    dropNextResponse(n, match = {}) {
      if (n > 0) drops.push({ remaining: n, ...match });
    },
    seed: createSeeder(
      (accountId, settings) =>
        makeContext(
          accountId,
          apiKeys[0]?.includes('_live_') ?? false,
          { id: null, idempotency_key: null },
          settings,
        ),
      nowSeconds,
    ),
    state: {
      list(resource, o = {}) {
        return [...collection(accountState(o.account), resource).values()]
          .sort(compareNewestFirst)
          .map(clone);
      },
      get(id, o = {}) {
        const found = lookupAny(accountState(o.account), id);
        return found ? clone(found) : undefined;
      },
      events(o = {}) {
        housekeeping();
        return accountState(o.account).events.map(clone);
      },
      account: (accountId) => accountState(accountId),
    },
    requests,
    deliverWebhooks(target, deliveryOptions) {
      housekeeping();
      const pending: StripeObject[] = [];
      for (const account of accounts.values()) {
        for (const event of account.events) if (undelivered.has(event.id)) pending.push(event);
      }
      pending.sort((a, b) => -compareNewestFirst(a, b));
      return deliverWebhooks(pending, target, deliveryOptions, nowSeconds(), (id) => undelivered.delete(id));
    },
  };
  return fake;
}

export { EVENT_RETENTION_SECONDS, type InjectedFailure };
