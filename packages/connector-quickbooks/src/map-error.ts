import {
  AuthError,
  ConflictError,
  type ErrorResponse,
  NotFoundError,
  ProviderError,
  RateLimitError,
  type SyncBridgeError,
  ValidationError,
} from '@syncbridge/core';

/** Intuit advises waiting a minute after a 429 that does not say how long. */
export const THROTTLE_WAIT_MS = 60_000;

interface QboErrorItem {
  readonly code?: string;
  readonly message?: string;
  readonly detail?: string;
  readonly element?: string;
}

interface ParsedFault {
  readonly type: string;
  readonly errors: readonly QboErrorItem[];
}

const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? redact(v) : typeof v === 'number' ? String(v) : undefined;

/** Provider text goes into messages: blank out anything that looks like a token (long opaque runs). */
export function redact(text: string): string {
  return text.replace(/[A-Za-z0-9._~+/=-]{32,}/g, '[redacted]');
}

/** Reads a Fault from any of the shapes QuickBooks uses: `Fault` (API), `fault` (gateway), XML. */
export function parseFault(response: Pick<ErrorResponse, 'json' | 'body'>): ParsedFault | undefined {
  const json = response.json as Record<string, unknown> | null | undefined;
  if (json && typeof json === 'object') {
    const upper = json.Fault as { Error?: unknown; type?: unknown } | undefined;
    if (upper && typeof upper === 'object') {
      const errors = Array.isArray(upper.Error) ? (upper.Error as Record<string, unknown>[]) : [];
      return {
        type: str(upper.type) ?? 'Fault',
        errors: errors.map((e) => ({
          code: str(e.code),
          message: str(e.Message),
          detail: str(e.Detail),
          element: str(e.element),
        })),
      };
    }
    const lower = json.fault as { error?: unknown; type?: unknown } | undefined;
    if (lower && typeof lower === 'object') {
      const errors = Array.isArray(lower.error) ? (lower.error as Record<string, unknown>[]) : [];
      return {
        type: str(lower.type) ?? 'AUTHENTICATION',
        errors: errors.map((e) => ({ code: str(e.code), message: str(e.message), detail: str(e.detail) })),
      };
    }
  }
  // Only a body that IS XML: a JSON record whose text mentions <Fault> is data, not an error.
  if (json === undefined && response.body.trimStart().startsWith('<') && /<Fault[\s>]/.test(response.body)) {
    const type = /<Fault[^>]*type="([^"]*)"/.exec(response.body)?.[1] ?? 'Fault';
    const errors = [...response.body.matchAll(/<Error[^>]*code="([^"]*)"[^>]*>([\s\S]*?)<\/Error>/g)].map(
      (m) => ({
        code: m[1],
        message: /<Message>([\s\S]*?)<\/Message>/.exec(m[2] ?? '')?.[1]?.trim(),
        detail: /<Detail>([\s\S]*?)<\/Detail>/.exec(m[2] ?? '')?.[1]?.trim(),
      }),
    );
    return { type, errors };
  }
  return undefined;
}

function retryAfterMs(headers: Headers): number {
  const value = headers.get('retry-after');
  if (value === null) return THROTTLE_WAIT_MS;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? THROTTLE_WAIT_MS : Math.max(0, date - Date.now());
}

/**
 * Maps QuickBooks responses to typed errors, including a Fault inside an HTTP 200 and XML bodies
 * on 401/429. Messages carry Intuit's own words (Message, Detail, code), never tokens or bodies.
 */
export function mapQuickBooksError(response: ErrorResponse): SyncBridgeError | undefined {
  const fault = parseFault(response);
  const ok = response.status >= 200 && response.status < 300;
  if (ok && fault === undefined) return undefined;
  const where = `QuickBooks ${response.method} ${response.path}`;
  const first = fault?.errors[0];
  const code = first?.code;
  const words = [first?.message, first?.detail].filter(Boolean).join(' — ');
  const details = {
    provider: response.provider,
    status: response.status,
    method: response.method,
    path: response.path,
    ...(code === undefined ? {} : { providerCode: code }),
    ...(words === '' ? {} : { providerMessage: words }),
    ...(first?.element === undefined ? {} : { field: first.element }),
  };
  const said = words === '' ? '' : ` (${code ?? '?'}: ${words})`;

  if (response.status === 429 || code === '3001' || /ThrottleExceeded/.test(words))
    return new RateLimitError(
      `${where} was throttled${said}. QuickBooks allows 500 requests/min and 10 concurrent per company.`,
      {
        retryAfterMs: retryAfterMs(response.headers),
        provider: response.provider,
      },
    );
  const type = fault?.type.toLowerCase() ?? '';
  if (response.status === 401 || type === 'authenticationfault' || type === 'authentication')
    return new AuthError(
      `${where} failed with ${response.status}${said}. The access token was rejected; refresh it, or reconnect the integration if refreshing fails.`,
      {
        provider: response.provider,
        cause: new ProviderError(`${where}: authentication failed`, details),
      },
    );
  if (response.status === 403 || type === 'authorizationfault')
    return new AuthError(
      `${where} failed with ${response.status}${said}. The app or user is not allowed to do this in this company (check the user's role and the app's scopes).`,
      {
        provider: response.provider,
        code: 'AUTH_DENIED',
        cause: new ProviderError(`${where}: not authorised`, details),
      },
    );
  if (code === '5010')
    return new ConflictError(
      `${where}: stale SyncToken${said}. Someone changed the record in QuickBooks; re-read it and resolve.`,
      {
        code: 'STALE_VERSION',
        cause: new ProviderError(`${where}: stale object`, details),
      },
    );
  if (code === '610')
    return new NotFoundError(`${where}: object not found${said}.`, {
      resource: response.path,
      cause: new ProviderError(`${where}: object not found`, details),
    });
  if (type === 'validationfault' && (response.status === 400 || ok)) {
    const issues = (fault?.errors ?? []).map((e) => ({
      path: e.element === undefined ? [] : [e.element],
      message: [e.message, e.detail].filter(Boolean).join(' — '),
      ...(e.code === undefined ? {} : { code: e.code }),
    }));
    return new ValidationError(`${where} rejected the request${said}.`, {
      issues,
      code: code === '6240' ? 'DUPLICATE_NAME' : 'PROVIDER_VALIDATION',
      cause: new ProviderError(`${where}: validation fault`, details),
    });
  }
  const retryable = response.status >= 500 || type === 'systemfault';
  return new ProviderError(`${where} failed with ${response.status}${said}.`, { ...details, retryable });
}
