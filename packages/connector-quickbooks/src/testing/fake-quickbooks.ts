import { randomUUID } from 'node:crypto';
import { type LoopbackServer, serveFetchHandler } from '@syncbridge/testing/fakes';
import type { HttpHandler } from 'msw';
import { createClock, type FakeClock, qboTime } from './clock.js';
import {
  type ChangeLogEntry,
  Company,
  canonicalEntity,
  ENTITY_NAMES,
  type FakeEntityName,
  type QboRecord,
} from './company.js';
import type { InjectedFailure } from './failures.js';
import { faultBody, gatewayAuthFault, QboFault, throttleXml, validation } from './faults.js';
import { mswHandlers } from './msw-handlers.js';
import { type FakeOAuthOptions, OAuthServer, type OAuthStats } from './oauth-server.js';
import { parseQuery } from './query-parser.js';
import { createSeeder, type Seeder, seedChartOfAccounts } from './seed.js';
import {
  cloudEventsPayload,
  type DeliverWebhooksOptions,
  legacyPayload,
  post,
  signIntuitPayload,
  type WebhookDelivery,
  type WebhookTarget,
} from './webhooks.js';

export interface FakeQuickBooksOptions {
  /** Realm ids of the companies; the first is the default. Default `['9130350000000001']`. */
  realms?: readonly string[];
  /** Start of the fake clock. Default: the real time at creation. */
  now?: Date;
  /** How far each write moves the clock, so writes get distinct `LastUpdatedTime`s. Default 1000 ms. */
  tickMs?: number;
  oauth?: Partial<FakeOAuthOptions>;
  /**
   * Enforce 500 requests per sliding minute and 10 concurrent requests per realm (HTTP 429, XML
   * body). Default false. `windowMs` scales the window down (500 per 1 s for benchmarks that
   * cannot wait minutes); `now` is the clock the window runs on (default the fake clock, which
   * only moves when told; pass `Date.now` for real or vitest-faked time).
   */
  throttle?: boolean | FakeThrottle;
}

/** Intuit's throttling: `perMinute` requests per sliding `windowMs`, `concurrency` at once, per realm. */
export interface FakeThrottle {
  perMinute?: number;
  concurrency?: number;
  windowMs?: number;
  now?: () => number;
}

/** One API request the fake answered, for assertions. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly realmId: string;
  readonly status: number;
  readonly body?: unknown;
}

export interface FakeQuickBooks {
  /** The one core: every transport calls it. */
  handle(request: Request): Promise<Response>;
  /** msw handlers for the production and sandbox API hosts and Intuit's OAuth hosts (loads msw lazily). */
  handlers(): HttpHandler[];
  /** Serves the fake on loopback; point the connector's `baseUrl` and `authBaseUrls` at `url`. */
  listen(port?: number): Promise<LoopbackServer>;
  readonly clock: FakeClock;
  readonly defaultRealmId: string;
  /** The company of a realm (records, tombstones, direct writes as if made in the QuickBooks UI). */
  company(realmId?: string): Company;
  /** Records of an entity as stored (active and inactive). */
  records(entity: FakeEntityName, realmId?: string): QboRecord[];
  readonly seed: Seeder;
  readonly oauth: { readonly options: FakeOAuthOptions; readonly stats: OAuthStats };
  /** Issues tokens for a realm without the consent screen. */
  issueTokens(realmId?: string): { accessToken: string; refreshToken: string; expiresAt: number };
  /** The next `count` API requests (optionally only those matching `pathIncludes`) fail with this response. */
  failNext(count: number, failure: InjectedFailure): void;
  /**
   * Empties every company (back to a new sandbox company's chart of accounts), the change log,
   * the recorded requests, pending failures and idempotency memory. Tokens stay valid.
   */
  reset(): void;
  /** Holds every API request until the returned function is called (to build up concurrency). */
  hold(): () => void;
  setThrottle(throttle: FakeQuickBooksOptions['throttle']): void;
  readonly requests: RecordedRequest[];
  readonly changeLog: readonly ChangeLogEntry[];
  /** Sends the changes since the last delivery, signed, in the given format. */
  deliverWebhooks(target: WebhookTarget, options: DeliverWebhooksOptions): Promise<WebhookDelivery[]>;
}

const JSON_TYPE = 'application/json;charset=UTF-8';

/**
 * A stateful in-memory QuickBooks Online speaking the wire protocol: OAuth, query, CDC, writes
 * with SyncToken, Faults, throttling and signed webhooks.
 *
 * ```ts
 * const qbo = createFakeQuickBooks();
 * const server = setupServer(...qbo.handlers()); // or: const { url } = await qbo.listen();
 * qbo.seed.customers(3);
 * ```
 */
export function createFakeQuickBooks(options: FakeQuickBooksOptions = {}): FakeQuickBooks {
  const realmIds = options.realms?.length ? options.realms : ['9130350000000001'];
  const defaultRealmId = realmIds[0] as string;
  const clock = createClock(options.now ?? new Date());
  const tickMs = options.tickMs ?? 1000;
  const changeLog: ChangeLogEntry[] = [];
  let seq = 0;
  let lastTick = 0;
  const host = {
    now: () => clock.now(),
    tick: () => {
      const next = Math.max(clock.now().getTime(), lastTick + tickMs);
      clock.set(new Date(next));
      lastTick = next;
      return clock.now();
    },
    log: (entry: Omit<ChangeLogEntry, 'seq'>) => {
      changeLog.push({ ...entry, seq: ++seq });
    },
  };
  const companies = new Map<string, Company>();
  const openCompanies = () => {
    realmIds.forEach((id, i) => {
      const company = new Company(id, `Sandbox Company_US_${i + 1}`, host);
      seedChartOfAccounts(company);
      companies.set(id, company);
    });
    changeLog.length = 0;
  };
  openCompanies();

  const oauthOptions: FakeOAuthOptions = {
    clientId: 'fake-client-id',
    clientSecret: 'fake-client-secret',
    redirectUris: [],
    refreshTokenMode: 'rotate',
    stableForMs: 24 * 3600 * 1000,
    deny: false,
    realmId: defaultRealmId,
    ...options.oauth,
  };
  const oauth = new OAuthServer(oauthOptions, () => clock.now().getTime());
  const failures: (InjectedFailure & { remaining: number })[] = [];
  const requests: RecordedRequest[] = [];
  const idempotent = new Map<string, { status: number; body: string }>();
  const inFlight = new Map<string, number>();
  const recent = new Map<string, number[]>();
  let throttle: Required<FakeThrottle> | undefined;
  let gate: Promise<void> | undefined;
  let lastDelivered = 0;
  const cloudEventIds = new Map<number, string>();

  const setThrottle = (t: FakeQuickBooksOptions['throttle']) => {
    const o: FakeThrottle = t === true ? {} : t || {};
    throttle =
      t === undefined || t === false
        ? undefined
        : {
            perMinute: o.perMinute ?? 500,
            concurrency: o.concurrency ?? 10,
            windowMs: o.windowMs ?? 60_000,
            now: o.now ?? (() => clock.now().getTime()),
          };
  };
  setThrottle(options.throttle);

  const company = (realmId: string = defaultRealmId): Company => {
    const c = companies.get(realmId);
    if (c === undefined) throw new Error(`fake QuickBooks: no realm ${realmId}`);
    return c;
  };

  const now = () => qboTime(clock.now(), true);
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': JSON_TYPE, intuit_tid: randomUUID() },
    });
  const faultResponse = (fault: QboFault) =>
    new Response(faultBody(fault.type, fault.errors, now()), {
      status: fault.status,
      headers: { 'content-type': JSON_TYPE, intuit_tid: randomUUID() },
    });

  /** Every API request is recorded, whatever it was answered with (injected failures, 401, 429 too). */
  async function api(request: Request, url: URL, realmId: string, rest: string[]): Promise<Response> {
    const seen: { body?: unknown } = {};
    const response = await serveApi(request, url, realmId, rest, seen);
    requests.push({
      method: request.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      realmId,
      status: response.status,
      ...(seen.body === undefined ? {} : { body: seen.body }),
    });
    return response;
  }

  async function serveApi(
    request: Request,
    url: URL,
    realmId: string,
    rest: string[],
    seen: { body?: unknown },
  ): Promise<Response> {
    const path = url.pathname;
    const failureIndex = failures.findIndex(
      (f) => f.pathIncludes === undefined || path.includes(f.pathIncludes),
    );
    if (failureIndex >= 0) {
      const f = failures[failureIndex] as InjectedFailure & { remaining: number };
      if (--f.remaining <= 0) failures.splice(failureIndex, 1);
      return new Response(f.body, {
        status: f.status,
        headers: { 'content-type': f.contentType ?? JSON_TYPE, ...f.headers },
      });
    }
    const auth = /^Bearer\s+(.+)$/i.exec(request.headers.get('authorization') ?? '');
    const tokenState = auth ? oauth.checkAccessToken(auth[1] as string) : 'unknown';
    if (typeof tokenState === 'string')
      return new Response(
        gatewayAuthFault(
          tokenState === 'expired'
            ? 'Token expired: access token is past its expiry'
            : 'Token invalid or missing',
          clock.now().getTime(),
        ),
        {
          status: 401,
          headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="Intuit"' },
        },
      );
    const target = companies.get(realmId);
    if (target === undefined || tokenState.realmId !== realmId)
      return faultResponse(
        new QboFault(403, 'AuthorizationFault', [
          {
            code: '3100',
            message: 'message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403',
            detail: '',
          },
        ]),
      );
    if (throttle) {
      const t = throttle.now();
      const window = (recent.get(realmId) ?? []).filter((x) => x > t - throttle!.windowMs);
      const busy = inFlight.get(realmId) ?? 0;
      if (window.length >= throttle.perMinute || busy >= throttle.concurrency) {
        recent.set(realmId, window);
        return new Response(throttleXml(now()), {
          status: 429,
          headers: { 'content-type': 'application/xml' },
        });
      }
      window.push(t);
      recent.set(realmId, window);
    }
    inFlight.set(realmId, (inFlight.get(realmId) ?? 0) + 1);
    let response: Response;
    let body: unknown;
    try {
      if (gate) await gate;
      if (request.method === 'POST') {
        const text = await request.text();
        // A query may be POSTed as `Content-Type: application/text` with the query as the body.
        const isText = (request.headers.get('content-type') ?? '').startsWith('application/text');
        try {
          body = isText ? text : text === '' ? {} : JSON.parse(text);
        } catch {
          throw validation(
            '2010',
            'Request has invalid or unsupported property',
            'Request body is not valid JSON',
          );
        }
      }
      const minor = url.searchParams.get('minorversion');
      if (minor !== null && !(Number(minor) >= 75))
        throw validation(
          '2010',
          'Unsupported minor version',
          `minorversion ${minor} is discontinued; use 75 or later.`,
        );
      seen.body = body;
      response = await route(request.method, url, target, rest, body);
    } catch (error) {
      if (!(error instanceof QboFault)) throw error;
      response = faultResponse(error);
    } finally {
      inFlight.set(realmId, (inFlight.get(realmId) ?? 1) - 1);
    }
    return response;
  }

  async function route(
    method: string,
    url: URL,
    c: Company,
    rest: string[],
    body: unknown,
  ): Promise<Response> {
    const [resource, id] = rest;
    if (resource === 'query' && id === undefined)
      return runQuery(
        c,
        method === 'POST' && typeof body === 'string' ? body : url.searchParams.get('query'),
      );
    if (method === 'GET' && resource === 'cdc' && id === undefined) return runCdc(c, url);
    if (method === 'GET' && resource === 'companyinfo')
      return json(200, {
        CompanyInfo: { Id: '1', CompanyName: c.companyName, Country: 'US', domain: 'QBO', SyncToken: '0' },
        time: now(),
      });
    const entity = resource === undefined ? undefined : canonicalEntity(resource);
    if (entity === undefined || rest.length > 2)
      return json(
        400,
        JSON.parse(
          faultBody(
            'ValidationFault',
            [
              {
                code: '4000',
                message: 'Unsupported operation',
                detail: `Unsupported resource ${url.pathname}`,
              },
            ],
            now(),
          ),
        ),
      );
    if (method === 'GET' && id !== undefined) return json(200, { [entity]: c.read(entity, id), time: now() });
    if (method !== 'POST' || id !== undefined) return new Response(null, { status: 405 });
    const requestId = url.searchParams.get('requestid');
    const key = requestId === null ? undefined : `${c.realmId}:${requestId}`;
    if (key !== undefined) {
      const earlier = idempotent.get(key);
      if (earlier)
        return new Response(earlier.body, { status: earlier.status, headers: { 'content-type': JSON_TYPE } });
    }
    let response: Response;
    try {
      const payload = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
      const operation = url.searchParams.get('operation');
      let result: unknown;
      if (operation === 'delete') result = c.delete(entity, payload);
      else if (operation === 'void') result = c.void(entity, payload);
      else if (operation !== null)
        throw validation('2010', 'Unsupported operation', `operation=${operation}`);
      else if (payload.Id !== undefined) result = c.update(entity, payload);
      else result = c.create(entity, payload);
      response = json(200, { [entity]: result, time: now() });
    } catch (error) {
      if (!(error instanceof QboFault)) throw error;
      response = faultResponse(error);
    }
    if (key !== undefined)
      idempotent.set(key, { status: response.status, body: await response.clone().text() });
    return response;
  }

  function runQuery(c: Company, text: string | null): Response {
    if (text === null) throw validation('4000', 'Error parsing query', 'QueryParserError: query is missing');
    const parsed = parseQuery(text);
    const result = c.query(parsed);
    if ('totalCount' in result)
      return json(200, { QueryResponse: { totalCount: result.totalCount }, time: now() });
    const entity = canonicalEntity(parsed.entity) as string;
    const qr: Record<string, unknown> =
      result.records.length === 0
        ? {}
        : {
            [entity]: result.records,
            startPosition: parsed.startPosition,
            maxResults: result.records.length,
          };
    return json(200, { QueryResponse: qr, time: now() });
  }

  function runCdc(c: Company, url: URL): Response {
    const names = (url.searchParams.get('entities') ?? '').split(',').filter((s) => s !== '');
    const since = Date.parse(url.searchParams.get('changedSince') ?? '');
    if (names.length === 0)
      throw validation('2020', 'Required param missing', 'entities is required', 'entities');
    if (Number.isNaN(since))
      throw validation(
        '2020',
        'Required param missing',
        'changedSince is required (ISO 8601)',
        'changedSince',
      );
    if (since < clock.now().getTime() - 30 * 24 * 3600 * 1000)
      throw validation(
        '4001',
        'Invalid query',
        'changedSince cannot be more than 30 days in the past',
        'changedSince',
      );
    const entities = names.map((n) => {
      const e = canonicalEntity(n);
      if (e === undefined)
        throw validation('4001', 'Invalid query', `Unsupported entity for CDC: ${n}`, 'entities');
      return e;
    });
    // At most 1,000 objects per response across entities; the oldest changes are kept.
    const all = entities.flatMap((e) => c.changedSince(e, new Date(since)).map((x) => ({ ...x, entity: e })));
    all.sort((a, b) => a.at - b.at);
    const kept = all.slice(0, 1000);
    const responses = entities.map((e) => {
      const objects = kept.filter((x) => x.entity === e).map((x) => x.object);
      return objects.length === 0 ? {} : { [e]: objects, startPosition: 1, maxResults: objects.length };
    });
    return json(200, { CDCResponse: [{ QueryResponse: responses }], time: now() });
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname.replace(/\/+$/, '');
    if (path === '/connect/oauth2') return oauth.authorize(url);
    if (path === '/oauth2/v1/tokens/bearer') return oauth.token(request);
    if (path === '/v2/oauth2/tokens/revoke') return oauth.revoke(request);
    const m = /^\/v3\/company\/([^/]+)\/(.+)$/.exec(path);
    if (m) return api(request, url, m[1] as string, (m[2] as string).split('/').map(decodeURIComponent));
    return new Response('Not Found', { status: 404 });
  }

  return {
    handle,
    handlers: () => mswHandlers(handle),
    listen: (port) => serveFetchHandler(handle, port === undefined ? {} : { port }),
    clock,
    defaultRealmId,
    company,
    records: (entity, realmId) => [...company(realmId).table(entity).values()].map((r) => structuredClone(r)),
    seed: createSeeder(company),
    oauth: { options: oauthOptions, stats: oauth.stats },
    issueTokens: (realmId = defaultRealmId) => oauth.issue(realmId),
    failNext: (count, failure) => {
      failures.push({ ...failure, remaining: count });
    },
    reset: () => {
      companies.clear();
      openCompanies();
      lastDelivered = seq;
      requests.length = 0;
      failures.length = 0;
      idempotent.clear();
      recent.clear();
    },
    hold: () => {
      let release = () => {};
      gate = new Promise<void>((resolve) => {
        release = () => {
          gate = undefined;
          resolve();
        };
      });
      return release;
    },
    setThrottle,
    requests,
    changeLog,
    deliverWebhooks: async (target, opts) => {
      const pending = changeLog.filter((e) => e.seq > lastDelivered);
      lastDelivered = seq;
      const ordered = opts.reorder ? [...pending].reverse() : pending;
      const bodies: { body: string; count: number }[] = [];
      if (ordered.length === 0) return [];
      if (opts.format === 'legacy') bodies.push({ body: legacyPayload(ordered), count: ordered.length });
      else
        for (let i = 0; i < ordered.length; i += 100) {
          const chunk = ordered.slice(i, i + 100);
          bodies.push({ body: cloudEventsPayload(chunk, cloudEventIds), count: chunk.length });
        }
      const deliveries: WebhookDelivery[] = [];
      for (const { body, count } of bodies) {
        const signature = signIntuitPayload(body, opts.verifierToken);
        for (let n = 0; n < (opts.duplicate ? 2 : 1); n++) {
          const status = await post(target, body, signature);
          deliveries.push({ body, signature, status, eventCount: count });
        }
      }
      return deliveries;
    },
  };
}

export { type InjectedFailure, qboFailures } from './failures.js';
export { ENTITY_NAMES };
