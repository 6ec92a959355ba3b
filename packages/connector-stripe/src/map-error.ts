import {
  AuthError,
  ConflictError,
  type ErrorResponse,
  NotFoundError,
  ProviderError,
  RateLimitError,
  type SyncBridgeError,
} from '@syncbridge/core';

/** Stripe's error envelope: `{"error": {type, code, decline_code, message, param, doc_url}}`. */
interface StripeErrorEnvelope {
  type?: string;
  code?: string;
  decline_code?: string;
  message?: string;
  param?: string;
}

/** Keys in Stripe's own messages (`Invalid API Key provided: sk_test_****1234`) never reach our errors. */
export function redactKeys(text: string): string {
  return text.replace(/\b(sk|rk|pk|whsec)_(test_|live_)?[A-Za-z0-9*]+/g, '$1_$2[redacted]');
}

function envelope(json: unknown): StripeErrorEnvelope {
  if (typeof json !== 'object' || json === null) return {};
  const error = (json as { error?: unknown }).error;
  return typeof error === 'object' && error !== null ? (error as StripeErrorEnvelope) : {};
}

function retryAfterMs(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** `/v1/customers/cus_123` → `customer` and `cus_123`. */
function resourceOf(path: string): { resource: string; id: string | undefined } {
  const [, , collection = 'object', id] = path.split('?')[0]?.split('/') ?? [];
  return { resource: collection.replace(/s$/, ''), id };
}

/**
 * Turns a Stripe error response into SyncBridge's typed errors: 401 → `AuthError`, 403 →
 * `AuthError` (`AUTH_DENIED`, a restricted key without the permission), 404 → `NotFoundError`,
 * 409 → `ConflictError`, 429 → `RateLimitError`, everything else → `ProviderError` carrying
 * Stripe's `code` (or `type`) and `param` as `providerCode` and `field`. `Stripe-Should-Retry`
 * decides `retryable` when Stripe sends it (5xx are retryable otherwise). Keys in messages are
 * redacted. 2xx answers are not errors: undefined.
 */
export function mapStripeError(response: ErrorResponse): SyncBridgeError | undefined {
  const { status, method, headers } = response;
  if (status < 400) return undefined;
  const path = response.path.split('?')[0] ?? response.path;
  const error = envelope(response.json);
  const providerMessage = error.message ? redactKeys(error.message) : undefined;
  const shouldRetry = headers.get('stripe-should-retry');
  const retryable = shouldRetry === 'true' ? true : shouldRetry === 'false' ? false : status >= 500;
  const what = `Stripe ${method} ${path} failed with ${status}`;
  const detail = providerMessage ? ` (${error.code ?? error.type ?? 'error'}: ${providerMessage})` : '';
  const options = { provider: 'stripe' };

  if (status === 401) {
    return new AuthError(`${what}${detail}. Check the API key of the integration.`, options);
  }
  if (status === 403) {
    return new AuthError(`${what}${detail}. Grant the restricted key this permission, or use a secret key.`, {
      ...options,
      code: 'AUTH_DENIED',
    });
  }
  if (status === 404) {
    const { resource, id } = resourceOf(path);
    return new NotFoundError(`${what}${detail}.`, { resource: `stripe.${resource}`, ...(id ? { id } : {}) });
  }
  if (status === 409) {
    return new ConflictError(`${what}${detail}. Retry the request with the same idempotency key.`);
  }
  if (status === 429) {
    const after = retryAfterMs(headers);
    return new RateLimitError(`${what}${detail}. Slow down; the limit is per account.`, {
      ...options,
      ...(after === undefined ? {} : { retryAfterMs: after }),
    });
  }
  const code =
    error.type === 'idempotency_error'
      ? 'IDEMPOTENCY_ERROR'
      : error.type === 'card_error'
        ? 'CARD_DECLINED'
        : undefined;
  return new ProviderError(
    `${what}${detail}.`,
    {
      provider: 'stripe',
      status,
      ...(error.code || error.type ? { providerCode: error.code ?? error.type } : {}),
      ...(providerMessage ? { providerMessage } : {}),
      ...(error.param ? { field: error.param } : {}),
      method,
      path,
      retryable,
    },
    code ? { code } : {},
  );
}
