import { ConfigError } from '../errors/config-error.js';

/**
 * How `createHttpClient` retries. Pass a number as shorthand for `{ limit }`.
 *
 * ```ts
 * createHttpClient({ ..., retry: { limit: 5, maxDelayMs: 10_000 } });
 * ```
 */
export interface RetryOptions {
  /** Retries after the first attempt. Default 3. */
  limit?: number;
  /** Backoff base: attempt n waits a random time in [0, min(maxDelayMs, baseDelayMs · 2^n)] (full jitter). Default 500. */
  baseDelayMs?: number;
  /** Backoff cap. Default 30 000. */
  maxDelayMs?: number;
  /**
   * The longest server-given wait (`Retry-After`) honoured by retrying in place. A longer one
   * fails at once with `RateLimitError{retryAfterMs}` so the caller can reschedule. Default 120 000.
   */
  maxRetryAfterMs?: number;
  /** Returns a number in [0, 1); for deterministic tests. Default `Math.random`. */
  random?: () => number;
}

export type NormalizedRetryOptions = Required<RetryOptions>;

/** Fills in defaults; throws `ConfigError` listing what is wrong. */
export function normalizeRetry(retry: number | RetryOptions | undefined): NormalizedRetryOptions {
  const options = typeof retry === 'number' ? { limit: retry } : (retry ?? {});
  const result: NormalizedRetryOptions = {
    limit: options.limit ?? 3,
    baseDelayMs: options.baseDelayMs ?? 500,
    maxDelayMs: options.maxDelayMs ?? 30_000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 120_000,
    random: options.random ?? Math.random,
  };
  const problems = (['limit', 'baseDelayMs', 'maxDelayMs', 'maxRetryAfterMs'] as const)
    .filter((key) => !Number.isInteger(result[key]) || result[key] < 0)
    .map((key) => `retry.${key}: must be a non-negative integer`);
  if (problems.length > 0) {
    throw new ConfigError(`createHttpClient: invalid retry options. ${problems.join('; ')}`, { problems });
  }
  return result;
}

/** Full-jitter exponential backoff for retry number `attempt` (0-based). */
export function backoffDelay(attempt: number, options: NormalizedRetryOptions): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return Math.floor(options.random() * ceiling);
}

/**
 * Parses `Retry-After` (delay seconds or an HTTP date) into milliseconds from `now`; undefined
 * when absent or unreadable. A date in the past gives 0.
 *
 * ```ts
 * parseRetryAfter('2', Date.now()); // 2000
 * parseRetryAfter('Wed, 21 Oct 2026 07:28:00 GMT', Date.now()); // ms until then
 * ```
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Statuses worth another attempt: request timeout, throttling and server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Whether a response is retried, and after how long (undefined: do not retry).
 *
 * - `Stripe-Should-Retry: true|false` overrides the status rule (408, 429, 5xx).
 * - Only idempotent requests (`canRetry`: GET, PUT, DELETE, or an idempotency key) are retried,
 *   except a 429, which the provider did not process and which is retried for every method
 *   unless the header says false.
 * - A server-given wait longer than `maxRetryAfterMs` is not waited out in place.
 * - The delay is the server-given one, else full-jitter backoff.
 */
export function retryDelayFor(input: {
  status: number;
  shouldRetryHeader: string | null;
  canRetry: boolean;
  retries: number;
  retryAfterMs: number | undefined;
  options: NormalizedRetryOptions;
}): number | undefined {
  const { status, shouldRetryHeader, canRetry, retries, retryAfterMs, options } = input;
  if (retries >= options.limit) return undefined;
  if (retryAfterMs !== undefined && retryAfterMs > options.maxRetryAfterMs) return undefined;
  const byStatus =
    shouldRetryHeader === 'true' ? true : shouldRetryHeader === 'false' ? false : isRetryableStatus(status);
  const allowed = status === 429 ? shouldRetryHeader !== 'false' : byStatus && canRetry;
  if (!allowed) return undefined;
  return retryAfterMs ?? backoffDelay(retries, options);
}
