import { AuthError } from '../errors/auth-error.js';
import { ConflictError } from '../errors/conflict-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { ProviderError } from '../errors/provider-error.js';
import { RateLimitError } from '../errors/rate-limit-error.js';
import type { SyncBridgeError } from '../errors/syncbridge-error.js';
import type { ErrorResponse } from './http-client.js';
import { redactText } from './redact.js';

/**
 * What an error body says, in the shapes of the providers we know (Stripe, QuickBooks, OAuth, generic).
 *
 * ```ts
 * const { code, message, field }: ProviderErrorSummary = summarizeErrorBody(response.json, response.body);
 * ```
 */
export interface ProviderErrorSummary {
  code?: string;
  message?: string;
  field?: string;
}

const MAX_DETAIL = 300;

function str(value: unknown): string | undefined {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function clip(text: string): string {
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text;
}

/**
 * Pulls code, message (clipped to 300 characters) and field out of a provider error body; each
 * is undefined when absent. Handy inside a connector's `mapError`.
 *
 * ```ts
 * summarizeErrorBody({ error: { code: 'resource_missing', message: 'No such customer', param: 'id' } }, '');
 * // → { code: 'resource_missing', message: 'No such customer', field: 'id' }
 * ```
 */
export function summarizeErrorBody(json: unknown, body: string): ProviderErrorSummary {
  const o = (json ?? {}) as Record<string, unknown>;
  const pick = (code: unknown, message: unknown, field?: unknown): ProviderErrorSummary => {
    const out: ProviderErrorSummary = {};
    const c = str(code);
    const m = str(message);
    const f = str(field);
    if (c !== undefined) out.code = c;
    if (m !== undefined) out.message = clip(m);
    if (f !== undefined) out.field = f;
    return out;
  };
  if (typeof json === 'object' && json !== null) {
    // QuickBooks: {"Fault":{"Error":[{"Message","Detail","code","element"}]}} and the gateway's lower-case shape.
    const fault = (o.Fault ?? o.fault) as Record<string, unknown> | undefined;
    const faultErrors = (fault?.Error ?? fault?.error) as Record<string, unknown>[] | undefined;
    const first = Array.isArray(faultErrors) ? faultErrors[0] : undefined;
    if (first) {
      const message = [str(first.Message ?? first.message), str(first.Detail ?? first.detail)]
        .filter(Boolean)
        .join(': ');
      return pick(first.code, message, first.element);
    }
    // Stripe and many others: {"error":{"type","code","message","param"}}
    if (typeof o.error === 'object' && o.error !== null) {
      const e = o.error as Record<string, unknown>;
      return pick(e.code ?? e.type, e.message, e.param);
    }
    // OAuth 2.0 (RFC 6749 §5.2): {"error":"invalid_grant","error_description":"…"}
    if (typeof o.error === 'string') return pick(o.error, o.error_description ?? o.message);
    if (Array.isArray(o.errors) && typeof o.errors[0] === 'object' && o.errors[0] !== null) {
      const e = o.errors[0] as Record<string, unknown>;
      return pick(e.code, e.message ?? e.detail, e.field);
    }
    return pick(o.code, o.message ?? o.detail);
  }
  const text = body.trim();
  if (text.length === 0 || text.startsWith('<')) return {};
  return { message: clip(text) };
}

/**
 * The default error for a response `mapError` left to core; undefined for 2xx.
 *
 * - 401, 403 → `AuthError` (`AUTH_FAILED`): reconnect, or grant the missing permission.
 * - 404 → `NotFoundError`; 409 → `ConflictError`; 429 → `RateLimitError{retryAfterMs}`.
 * - 400, 422 → `ProviderError` code `PROVIDER_REJECTED`, not retryable. Deliberately not a
 *   `ValidationError`: that one means local data failed a schema; here the provider refused
 *   the request, and its code, message and field are kept on the error.
 * - other 4xx → `ProviderError` not retryable; 5xx → `ProviderError` retryable.
 *
 * Known secret values in `secrets` are redacted from everything taken from the body.
 *
 * ```ts
 * mapError: (response) => isStaleFault(response.json)
 *   ? new ConflictError('stale SyncToken', { code: 'STALE_VERSION' })
 *   : defaultMapError(response, 'QuickBooks', undefined),
 * ```
 */
export function defaultMapError(
  response: ErrorResponse,
  displayName: string,
  retryAfterMs: number | undefined,
  secrets: readonly string[] = [],
): SyncBridgeError | undefined {
  const { status, method, path } = response;
  if (status < 300) return undefined;
  const raw = summarizeErrorBody(response.json, response.body);
  const summary = {
    code: raw.code === undefined ? undefined : redactText(raw.code, secrets),
    field: raw.field === undefined ? undefined : redactText(raw.field, secrets),
    message: raw.message,
  };
  const providerMessage = summary.message === undefined ? undefined : redactText(summary.message, secrets);
  const detail = [summary.code, providerMessage].filter(Boolean).join(': ');
  const head = `${displayName} ${method} ${path} failed with ${status}${detail ? ` (${detail})` : ''}.`;
  const base = {
    provider: response.provider,
    status,
    method,
    path,
    ...(summary.code === undefined ? {} : { providerCode: summary.code }),
    ...(providerMessage === undefined ? {} : { providerMessage }),
    ...(summary.field === undefined ? {} : { field: summary.field }),
  };
  if (status === 401) {
    return new AuthError(`${head} The credentials were rejected. Reconnect the integration.`, {
      provider: response.provider,
    });
  }
  if (status === 403) {
    return new AuthError(
      `${head} The credentials lack permission for this request. Grant the missing scope or permission, then reconnect the integration.`,
      { provider: response.provider },
    );
  }
  if (status === 404) {
    return new NotFoundError(`${head} The record or endpoint does not exist at the provider.`, {
      resource: path,
    });
  }
  if (status === 409) {
    return new ConflictError(`${head} The record was changed concurrently; re-read it and try again.`);
  }
  if (status === 429) {
    const wait = retryAfterMs === undefined ? '' : ` Retry after ${Math.ceil(retryAfterMs / 1000)} s.`;
    return new RateLimitError(`${head} The provider is throttling requests.${wait}`, {
      provider: response.provider,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  if (status === 400 || status === 422) {
    return new ProviderError(
      `${head} The provider rejected the request; fix the data or the request.`,
      base,
      {
        code: 'PROVIDER_REJECTED',
      },
    );
  }
  if (status >= 500) {
    return new ProviderError(`${head} The provider had a server error; retry later.`, {
      ...base,
      retryable: true,
    });
  }
  return new ProviderError(head, base);
}
