import { randomBytes } from 'node:crypto';
import { type LoopbackServer, serveFetchHandler } from '@syncbridge/testing/fakes';
import type { FakeContext } from './context.js';
import { errorResponse, invalidRequest, maskKey, type StripeErrorType, StripeHttpError } from './errors.js';
import { EVENT_RETENTION_SECONDS, pruneEvents } from './events.js';
import { FormConflictError, type FormParams, parseStripeForm } from './form.js';
import { createIdGenerator } from './ids.js';
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

/** An error the fake answers instead of handling the next request(s). */
export interface InjectedFailure {
  readonly status: number;
  readonly type?: StripeErrorType;
  readonly code?: string;
  readonly message?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sets `Stripe-Should-Retry`. Default: `true` for 409 (lock_timeout), absent otherwise. */
  readonly shouldRetry?: boolean;
  /** Only requests whose path starts with this are failed. */
  readonly path?: string;
  readonly method?: string;
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
  /** msw handlers for `https://api.stripe.com/*` (msw is imported only here). */
  handlers(): Promise<import('msw').HttpHandler[]>;
  /** Serves the fake on loopback HTTP (port 0: any free port). */
  listen(port?: number): Promise<LoopbackServer>;
  now(): Date;
  advance(ms: number): void;
  /** The next `n` matching requests fail with `failure` (Stripe's envelope and headers). */
  failNext(n: number, failure: InjectedFailure): void;
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

const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

function toMs(value: Date | number): number {
  return value instanceof Date ? value.getTime() : value;
}

function apiKeyOf(header: string | null): string | undefined {
  if (!header) return undefined;
  const [scheme, value = ''] = header.split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'bearer') return value;
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return decoded.slice(0, decoded.indexOf(':') < 0 ? undefined : decoded.indexOf(':'));
  }
  return undefined;
}

function fingerprint(params: FormParams): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
          )
        : v;
  return JSON.stringify(sort(params));
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
  const failures: { remaining: number; failure: InjectedFailure }[] = [];
  const requests: RecordedRequest[] = [];
  const rateWindow = { second: -1, counts: new Map<string, number>() };

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
        if (!found) throw invalidRequestMissing(objectName, id, param);
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

  const takeFailure = (method: string, path: string): InjectedFailure | undefined => {
    const i = failures.findIndex(
      (f) =>
        (!f.failure.path || path.startsWith(f.failure.path)) &&
        (!f.failure.method || f.failure.method === method),
    );
    if (i < 0) return undefined;
    const entry = failures[i] as (typeof failures)[number];
    entry.remaining -= 1;
    if (entry.remaining <= 0) failures.splice(i, 1);
    return entry.failure;
  };

  const injectFailure = (method: string, path: string): void => {
    const failure = takeFailure(method, path);
    if (failure) {
      const retry = failure.shouldRetry ?? (failure.status === 409 ? true : undefined);
      const status = failure.status;
      throw new StripeHttpError(
        status,
        {
          type: failure.type ?? (status >= 500 ? 'api_error' : 'invalid_request_error'),
          message:
            failure.message ??
            (status === 429
              ? 'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.'
              : status === 409
                ? 'This object cannot be accessed right now because another API request or Stripe process is currently accessing it. If you see this error intermittently, retry the request.'
                : 'An unknown error occurred'),
          ...(failure.code
            ? { code: failure.code }
            : status === 429
              ? { code: 'rate_limit' }
              : status === 409
                ? { code: 'lock_timeout' }
                : {}),
        },
        { ...(retry === undefined ? {} : { 'stripe-should-retry': String(retry) }), ...failure.headers },
      );
    }
  };

  async function process(
    request: Request,
    headers: Headers,
  ): Promise<{ response: Response; store: boolean }> {
    const url = new URL(request.url);
    const method = request.method.toUpperCase();
    const path = url.pathname;

    const key = apiKeyOf(request.headers.get('authorization'));
    if (!key) {
      throw new StripeHttpError(401, {
        type: 'invalid_request_error',
        message:
          "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
      });
    }
    if (!apiKeys.includes(key)) {
      throw new StripeHttpError(401, {
        type: 'invalid_request_error',
        message: `Invalid API Key provided: ${maskKey(key)}`,
      });
    }
    const version = request.headers.get('stripe-version');
    if (version !== null && !/^\d{4}-\d{2}-\d{2}(\.[a-z_]+)?$/.test(version)) {
      throw invalidRequest(`Invalid Stripe API version: ${version}`);
    }
    const accountId = request.headers.get('stripe-account') ?? undefined;
    if (accountId !== undefined) {
      if (!/^acct_[A-Za-z0-9]+$/.test(accountId)) {
        throw new StripeHttpError(403, {
          type: 'invalid_request_error',
          message: `The provided key does not have access to account '${accountId}' (or that account does not exist). Application access may have been revoked.`,
        });
      }
      headers.set('stripe-account', accountId);
    }

    if (options.rateLimit) {
      const second = nowSeconds();
      if (rateWindow.second !== second) {
        rateWindow.second = second;
        rateWindow.counts.clear();
      }
      const count = (rateWindow.counts.get(key) ?? 0) + 1;
      rateWindow.counts.set(key, count);
      if (count > options.rateLimit.perSecond) {
        throw invalidRequest(
          'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
          { code: 'rate_limit', status: 429 },
        );
      }
    }

    let params: FormParams;
    try {
      if (method === 'POST') {
        const type = request.headers.get('content-type') ?? '';
        const body = await request.text();
        if (body !== '' && !type.startsWith('application/x-www-form-urlencoded')) {
          throw invalidRequest(
            `Invalid request: unsupported Content-Type ${type}. If error persists and you need assistance, please contact support@stripe.com.`,
          );
        }
        params = parseStripeForm(body);
      } else {
        params = parseStripeForm(url.search.slice(1));
      }
    } catch (error) {
      if (error instanceof FormConflictError) throw invalidRequest(error.message, { param: error.param });
      throw error;
    }

    const livemode = key.includes('_live_');
    const idempotencyKey = method === 'POST' ? request.headers.get('idempotency-key') : null;
    const account = accountState(accountId);
    const requestId = headers.get('request-id') as string;
    const run = (): Response => {
      // An injected failure stands for the endpoint failing while it ran (a 500 is saved under the key).
      injectFailure(method, path);
      const ctx = makeContext(accountId, livemode, { id: requestId, idempotency_key: idempotencyKey });
      const result = route(ctx, method, path, params, undelivered);
      return new Response(JSON.stringify(result.body, null, 2), { status: result.status, headers });
    };
    if (!idempotencyKey) return { response: run(), store: false };

    if (idempotencyKey.length > 255) {
      throw invalidRequest('Idempotency keys can be at most 255 characters long.', {
        param: 'Idempotency-Key',
      });
    }
    headers.set('idempotency-key', idempotencyKey);
    const print = fingerprint(params);
    const existing = account.idempotency.get(idempotencyKey);
    if (existing) {
      if (!existing.response) {
        throw new StripeHttpError(409, {
          type: 'idempotency_error',
          message: `There is currently another in-progress request using this idempotent key (that probably means you submitted twice, and the other request is still going through): ${idempotencyKey}. Please try again later.`,
        });
      }
      if (existing.method !== method || existing.path !== path) {
        throw new StripeHttpError(400, {
          type: 'idempotency_error',
          message: `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${existing.path}' vs '${path}'). Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
        });
      }
      if (existing.fingerprint !== print) {
        throw new StripeHttpError(400, {
          type: 'idempotency_error',
          message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
        });
      }
      const replay = new Headers(existing.response.headers);
      replay.set('request-id', requestId);
      replay.set('idempotent-replayed', 'true');
      replay.set('original-request', existing.requestId);
      return {
        response: new Response(existing.response.body, { status: existing.response.status, headers: replay }),
        store: false,
      };
    }
    const record = { method, path, fingerprint: print, createdAt: nowSeconds(), requestId };
    account.idempotency.set(idempotencyKey, record);
    try {
      const response = run();
      await saveIdempotent(record, response);
      return { response, store: false };
    } catch (error) {
      // Stripe saves the result once the endpoint started executing (also a 402 or a 500);
      // a request rejected in validation saves nothing and the key stays free.
      const saved = error instanceof StripeHttpError && (error.status === 402 || error.status >= 500);
      if (saved) {
        const response = errorResponse(error, new Headers(headers));
        await saveIdempotent(record, response);
        return { response, store: false };
      }
      account.idempotency.delete(idempotencyKey);
      throw error;
    }
  }

  async function saveIdempotent(
    record: {
      method: string;
      path: string;
      fingerprint: string;
      createdAt: number;
      requestId: string;
      response?: unknown;
    },
    response: Response,
  ): Promise<void> {
    const body = await response.clone().text();
    const headerList: [string, string][] = [];
    response.headers.forEach((value, name) => {
      headerList.push([name, value]);
    });
    record.response = { status: response.status, body, headers: headerList };
  }

  function invalidRequestMissing(objectName: string, id: string, param: string) {
    return invalidRequest(`No such ${objectName.replace(/_/g, '')}: '${id}'`, {
      code: 'resource_missing',
      param,
      status: param === 'id' ? 404 : 400,
    });
  }

  function housekeeping(): void {
    const now = nowSeconds();
    for (const account of accounts.values()) {
      pruneEvents(account, now);
      for (const [k, record] of account.idempotency) {
        if (record.createdAt < now - IDEMPOTENCY_TTL_SECONDS) account.idempotency.delete(k);
      }
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
      response = (await process(request, headers)).response;
    } catch (error) {
      if (!(error instanceof StripeHttpError)) throw error;
      response = errorResponse(error, headers);
    }
    const recorded: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      recorded[name] = value;
    });
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
    async handlers() {
      const { http } = await import('msw');
      return [http.all('https://api.stripe.com/*', ({ request }) => handle(request))];
    },
    listen: (port = 0) => serveFetchHandler(handle, { port }),
    now: () => new Date(nowMs()),
    advance(ms) {
      if (!(ms >= 0)) throw new Error('advance(ms): ms must be a non-negative number');
      offset += ms;
    },
    failNext(n, failure) {
      if (n > 0) failures.push({ remaining: n, failure });
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

export { EVENT_RETENTION_SECONDS };
