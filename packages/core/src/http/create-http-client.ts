import ky, { isTimeoutError } from 'ky';
import type { Credentials } from '../connector/auth-spec.js';
import type { Connector, IntegrationInfo, RateLimitSpec } from '../connector/connector.js';
import { AuthError, isAuthError } from '../errors/auth-error.js';
import { ConfigError } from '../errors/config-error.js';
import { ProviderError } from '../errors/provider-error.js';
import { RateLimitError } from '../errors/rate-limit-error.js';
import { isSyncBridgeError, type SyncBridgeError } from '../errors/syncbridge-error.js';
import { type Logger, silentLogger } from '../logging/logger.js';
import type { ErrorResponse, HttpClient, HttpRequest, HttpResponse } from './http-client.js';
import { defaultMapError } from './map-error.js';
import { createRateLimiterRegistry, type RateLimiterRegistry } from './rate-limiter.js';
import { safePath, sanitizedCause, scrubError } from './redact.js';
import { joinUrl, responseHeaders, sleep } from './request-helpers.js';
import {
  backoffDelay,
  type NormalizedRetryOptions,
  normalizeRetry,
  parseRetryAfter,
  type RetryOptions,
  retryDelayFor,
} from './retry.js';

/**
 * How a client authenticates. `apply` puts credentials on each attempt's headers (so a
 * refreshed token is used by the retry); `onUnauthorized` is called once per request on a 401
 * with the headers that were rejected, and returns true when new credentials are ready (the
 * request is then retried once). `secrets` lists the values to redact from errors and logs.
 *
 * ```ts
 * const auth: HttpAuth = {
 *   apply: async (headers) => headers.set('Authorization', `Bearer ${token}`),
 *   onUnauthorized: async () => { token = await refreshSomehow(); return true },
 *   secrets: () => [token],
 * };
 * ```
 */
export interface HttpAuth {
  apply(headers: Headers): Promise<void>;
  onUnauthorized?(context: { headers: Headers }): Promise<boolean>;
  secrets?(): readonly string[];
}

/**
 * Options of `createHttpClient`.
 *
 * ```ts
 * const options: HttpClientOptions = { connector, integration, auth, limiter, retry: 5, timeoutMs: 60_000 };
 * ```
 */
export interface HttpClientOptions {
  connector: Connector;
  integration: IntegrationInfo;
  auth: HttpAuth;
  /** Needed when `connector.rateLimit` is a function of the integration and its credentials. */
  credentials?: Credentials;
  /** Share one registry across clients so a scope's limit and 429 pauses are shared. Default: a private one. */
  limiter?: RateLimiterRegistry;
  logger?: Logger;
  retry?: number | RetryOptions;
  /** Per attempt, until response headers arrive; `HttpRequest.timeoutMs` overrides it. Default 30 000. */
  timeoutMs?: number;
  /** The whole call: queue waits, attempts and backoff. Default 300 000. */
  totalTimeoutMs?: number;
  /** Aborts every request of this client (e.g. a sync run's signal). */
  signal?: AbortSignal;
  /** A fetch implementation; default the global one (which msw intercepts in tests). */
  fetch?: typeof fetch;
}

const IDEMPOTENT = new Set(['GET', 'PUT', 'DELETE']);

type Attempt =
  | { kind: 'response'; status: number; headers: Headers; body: string }
  | { kind: 'failure'; timeout: boolean; error: unknown };

/**
 * The authenticated, rate-limited, retrying HTTP client a connector gets in its context, on ky.
 *
 * - URL: `connector.baseUrl` (or its function of the integration) + `request.path`, unless the
 *   path is absolute; `query` arrays repeat the key; null and undefined values are left out.
 * - Headers: `Accept: application/json`, `connector.defaultHeaders`, `request.headers`, then
 *   `auth.apply` on every attempt.
 * - Retries (full-jitter exponential backoff, `Retry-After` seconds or HTTP date honoured up to
 *   `maxRetryAfterMs`): network errors, attempt timeouts, 408, 429 and 5xx; GET, PUT and DELETE
 *   always, POST and PATCH only with `idempotencyKey`. A 429 is retried for every method (the
 *   provider did not process the request). `Stripe-Should-Retry` overrides the status rule.
 *   Never 4xx validation errors. A 401 calls `auth.onUnauthorized` once, then retries once.
 * - Rate limits: `connector.rateLimit` per scope (default: the integration id) through the
 *   registry; a 429 pauses the whole scope for the server-given time.
 * - Errors: `connector.mapError` first (for 2xx too), else the default mapping (see
 *   `defaultMapError`). Messages name provider, method and path (never the query string) and
 *   contain no credential; causes are plain sanitised objects, never ky's request.
 *
 * ```ts
 * const http = createHttpClient({ connector, integration, auth: { apply: async (h) => h.set('Authorization', `Bearer ${token}`) } });
 * const { data } = await http.request<{ data: unknown[] }>({ method: 'GET', path: '/v1/customers', query: { limit: 100 } });
 * ```
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const { connector, integration, auth } = options;
  const retry: NormalizedRetryOptions = normalizeRetry(options.retry);
  const logger = options.logger ?? silentLogger;
  const limiter = options.limiter ?? createRateLimiterRegistry();
  const timeoutMs = options.timeoutMs ?? 30_000;
  const totalTimeoutMs = options.totalTimeoutMs ?? 300_000;
  const problems = (
    [
      ['timeoutMs', timeoutMs],
      ['totalTimeoutMs', totalTimeoutMs],
    ] as const
  )
    .filter(([, v]) => !Number.isInteger(v) || v <= 0 || v > 2_147_483_647)
    .map(([k]) => `${k}: must be a positive integer of milliseconds (at most 2147483647)`);
  if (problems.length > 0) {
    throw new ConfigError(
      `createHttpClient(${connector.provider}): invalid options. ${problems.join('; ')}`,
      {
        problems,
      },
    );
  }
  if (typeof connector.rateLimit === 'function' && options.credentials === undefined) {
    throw new ConfigError(
      `createHttpClient(${connector.provider}): connector.rateLimit is a function of the credentials; pass options.credentials.`,
    );
  }
  const rateLimit: RateLimitSpec | undefined =
    typeof connector.rateLimit === 'function'
      ? connector.rateLimit(integration, options.credentials as Credentials)
      : connector.rateLimit;
  const scope = `${connector.provider}:${rateLimit?.scope ?? integration.id}`;
  const base = typeof connector.baseUrl === 'function' ? connector.baseUrl(integration) : connector.baseUrl;
  const name = connector.displayName;
  const secrets = () => auth.secrets?.() ?? [];

  async function attempt(
    request: HttpRequest,
    url: URL,
    signal: AbortSignal,
  ): Promise<Attempt & { sent: Headers }> {
    const headers = new Headers({ accept: 'application/json' });
    for (const [k, v] of Object.entries(connector.defaultHeaders ?? {})) headers.set(k, v);
    for (const [k, v] of Object.entries(request.headers ?? {})) headers.set(k, v);
    await auth.apply(headers);
    let body: string | undefined;
    if (request.form !== undefined) {
      body = typeof request.form === 'string' ? request.form : new URLSearchParams(request.form).toString();
      headers.set('content-type', 'application/x-www-form-urlencoded');
    }
    try {
      const response = await ky(url, {
        method: request.method,
        headers,
        ...(request.json === undefined ? {} : { json: request.json }),
        ...(body === undefined ? {} : { body }),
        timeout: request.timeoutMs ?? timeoutMs,
        retry: 0,
        throwHttpErrors: false,
        signal,
        ...(options.fetch ? { fetch: options.fetch } : {}),
      });
      const text = await response.text();
      return {
        kind: 'response',
        status: response.status,
        headers: response.headers,
        body: text,
        sent: headers,
      };
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      return { kind: 'failure', timeout: isTimeoutError(error), error, sent: headers };
    }
  }

  function toErrorResponse(
    request: HttpRequest,
    path: string,
    result: Attempt & { kind: 'response' },
  ): ErrorResponse {
    let json: unknown;
    try {
      json = result.body.length > 0 ? JSON.parse(result.body) : undefined;
    } catch {
      json = undefined;
    }
    return {
      provider: connector.provider,
      method: request.method,
      path,
      status: result.status,
      headers: responseHeaders(result.headers),
      body: result.body,
      json,
    };
  }

  function mapResponse(
    response: ErrorResponse,
    retryAfterMs: number | undefined,
  ): SyncBridgeError | undefined {
    let mapped: SyncBridgeError | undefined;
    try {
      mapped = connector.mapError?.(response);
    } catch (error) {
      mapped = new ProviderError(
        `${name} ${response.method} ${response.path}: the connector's mapError threw while reading a ${response.status} response. This is a bug in the ${connector.provider} connector.`,
        {
          provider: connector.provider,
          status: response.status,
          method: response.method,
          path: response.path,
        },
        { cause: sanitizedCause(error, secrets()) },
      );
    }
    if (mapped !== undefined) return isSyncBridgeError(mapped) ? scrubError(mapped, secrets()) : mapped;
    return defaultMapError(response, name, retryAfterMs, secrets());
  }

  async function run<T>(request: HttpRequest): Promise<HttpResponse<T>> {
    const url = joinUrl(base, request.path, request.query);
    const path = safePath(url);
    const method = request.method;
    const canRetry = IDEMPOTENT.has(method) || request.idempotencyKey !== undefined;
    const total = new AbortController();
    const totalTimer = setTimeout(() => total.abort(new Error('total timeout')), totalTimeoutMs);
    const signals = [options.signal, request.signal, total.signal].filter(
      (s): s is AbortSignal => s !== undefined,
    );
    const signal = AbortSignal.any(signals);
    const log = { provider: connector.provider, integrationId: integration.id, method, path };
    let retries = 0;
    let reauthorized = false;
    try {
      for (;;) {
        const paused = limiter.pausedFor(scope);
        if (paused > retry.maxRetryAfterMs) {
          throw new RateLimitError(
            `${name} ${method} ${path} was not sent: the provider asked to pause requests for ${Math.ceil(paused / 1000)} s after a 429. Retry later.`,
            { provider: connector.provider, retryAfterMs: paused },
          );
        }
        const started = Date.now();
        const result = await limiter.schedule(scope, rateLimit, () => attempt(request, url, signal), signal);
        const durationMs = Date.now() - started;

        if (result.kind === 'failure') {
          const reason = result.timeout ? 'timeout' : 'network';
          if (canRetry && retries < retry.limit) {
            const delayMs = backoffDelay(retries, retry);
            logger.warn({ ...log, reason, attempt: retries + 1, delayMs }, 'http request failed; retrying');
            retries += 1;
            await sleep(delayMs, signal);
            continue;
          }
          const what = result.timeout
            ? `timed out after ${request.timeoutMs ?? timeoutMs} ms`
            : 'failed before a response (network error)';
          throw new ProviderError(
            `${name} ${method} ${path} ${what}${retries > 0 ? ` after ${retries + 1} attempts` : ''}.${canRetry ? ' Retry later.' : ' Not retried: the request is not idempotent (no idempotency key).'}`,
            { provider: connector.provider, method, path, retryable: true },
            {
              code: result.timeout ? 'PROVIDER_TIMEOUT' : 'PROVIDER_UNREACHABLE',
              cause: sanitizedCause(result.error, secrets()),
            },
          );
        }

        const { status } = result;
        logger.debug({ ...log, status, attempt: retries + 1, durationMs }, 'http response');
        if (status === 401 && !reauthorized && auth.onUnauthorized) {
          reauthorized = true;
          let refreshed: boolean;
          try {
            refreshed = await auth.onUnauthorized({ headers: result.sent });
          } catch (error) {
            if (!isAuthError(error)) throw error;
            throw new AuthError(
              `${name} ${method} ${path} failed with 401 and the token refresh failed: ${error.message}`,
              { code: error.code, provider: connector.provider, cause: error },
            );
          }
          if (refreshed) {
            logger.info({ ...log, status }, 'http 401; credentials refreshed, retrying once');
            continue;
          }
        }
        const retryAfterMs = parseRetryAfter(result.headers.get('retry-after'), Date.now());
        if (status === 429) limiter.pause(scope, retryAfterMs ?? backoffDelay(retries, retry));
        const response = toErrorResponse(request, path, result);

        if (status >= 200 && status < 300) {
          const mapped = connector.mapError ? mapResponse(response, undefined) : undefined;
          if (mapped) throw mapped;
          if (request.responseType === 'text')
            return { status, headers: result.headers, data: result.body as T };
          if (result.body.length > 0 && response.json === undefined) {
            throw new ProviderError(
              `${name} ${method} ${path} answered ${status} with a body that is not JSON. Check the connector's base URL and endpoint.`,
              { provider: connector.provider, status, method, path },
              { code: 'PROVIDER_INVALID_RESPONSE' },
            );
          }
          return { status, headers: result.headers, data: response.json as T };
        }

        const delayMs = retryDelayFor({
          status,
          shouldRetryHeader: result.headers.get('stripe-should-retry'),
          canRetry,
          retries,
          retryAfterMs,
          options: retry,
        });
        if (delayMs !== undefined) {
          logger.warn({ ...log, status, attempt: retries + 1, delayMs }, 'http request failed; retrying');
          retries += 1;
          // A 429 waits in the paused scope (paused above for the same time); the rest sleeps here.
          if (status !== 429 && delayMs > 0) await sleep(delayMs, signal);
          continue;
        }
        const error = mapResponse(response, retryAfterMs) as SyncBridgeError;
        logger.debug({ ...log, status, code: error.code }, 'http request failed');
        throw error;
      }
    } catch (error) {
      if (total.signal.aborted && error === total.signal.reason) {
        throw new ProviderError(
          `${name} ${method} ${path} did not complete within ${totalTimeoutMs} ms (including rate-limit waits and retries). Retry later or raise totalTimeoutMs.`,
          { provider: connector.provider, method, path, retryable: true },
          { code: 'PROVIDER_TIMEOUT' },
        );
      }
      throw error;
    } finally {
      clearTimeout(totalTimer);
    }
  }

  return {
    request: <T = unknown>(request: HttpRequest) => run<T>(request),
  };
}
