import { type StripeErrorType, StripeHttpError } from './errors.js';

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

const DEFAULT_MESSAGES: Record<number, string> = {
  409: 'This object cannot be accessed right now because another API request or Stripe process is currently accessing it. If you see this error intermittently, retry the request.',
  429: 'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
};
const DEFAULT_CODES: Record<number, string> = { 409: 'lock_timeout', 429: 'rate_limit' };

/** The failures queued with `failNext`, consumed by matching requests in order. */
export function createFailureQueue() {
  const queue: { remaining: number; failure: InjectedFailure }[] = [];
  return {
    push(n: number, failure: InjectedFailure): void {
      if (n > 0) queue.push({ remaining: n, failure });
    },
    /** Throws the first queued failure that matches, as Stripe's envelope with its headers. */
    throwIfDue(method: string, path: string): void {
      const i = queue.findIndex(
        (f) =>
          (!f.failure.path || path.startsWith(f.failure.path)) &&
          (!f.failure.method || f.failure.method === method),
      );
      if (i < 0) return;
      const entry = queue[i] as (typeof queue)[number];
      entry.remaining -= 1;
      if (entry.remaining <= 0) queue.splice(i, 1);
      const { status, shouldRetry = status === 409 ? true : undefined } = entry.failure;
      const code = entry.failure.code ?? DEFAULT_CODES[status];
      throw new StripeHttpError(
        status,
        {
          type: entry.failure.type ?? (status >= 500 ? 'api_error' : 'invalid_request_error'),
          message: entry.failure.message ?? DEFAULT_MESSAGES[status] ?? 'An unknown error occurred',
          ...(code ? { code } : {}),
        },
        {
          ...(shouldRetry === undefined ? {} : { 'stripe-should-retry': String(shouldRetry) }),
          ...entry.failure.headers,
        },
      );
    },
  };
}
