import { invalidRequest, maskKey, StripeHttpError } from './errors.js';
import { FormConflictError, type FormParams, parseStripeForm } from './form.js';

/** The key of `Authorization: Bearer <key>` or of Basic auth with the key as user. */
export function apiKeyOf(header: string | null): string | undefined {
  if (!header) return undefined;
  const [scheme, value = ''] = header.split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'bearer') return value;
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? decoded : decoded.slice(0, colon);
  }
  return undefined;
}

/** Returns the request's key, or answers 401 as Stripe does (the key masked). */
export function authenticate(request: Request, apiKeys: readonly string[]): string {
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
  return key;
}

/** Checks `Stripe-Version` and `Stripe-Account`; returns the Connect account, echoed on the response. */
export function connectAccountOf(request: Request, responseHeaders: Headers): string | undefined {
  const version = request.headers.get('stripe-version');
  if (version !== null && !/^\d{4}-\d{2}-\d{2}(\.[a-z_]+)?$/.test(version)) {
    throw invalidRequest(`Invalid Stripe API version: ${version}`);
  }
  const accountId = request.headers.get('stripe-account') ?? undefined;
  if (accountId === undefined) return undefined;
  if (!/^acct_[A-Za-z0-9]+$/.test(accountId)) {
    throw new StripeHttpError(403, {
      type: 'invalid_request_error',
      message: `The provided key does not have access to account '${accountId}' (or that account does not exist). Application access may have been revoked.`,
    });
  }
  responseHeaders.set('stripe-account', accountId);
  return accountId;
}

/** Params from the form body (POST) or the query string (GET, DELETE); JSON bodies are refused. */
export async function readParams(request: Request, url: URL, method: string): Promise<FormParams> {
  try {
    if (method !== 'POST') return parseStripeForm(url.search.slice(1));
    const type = request.headers.get('content-type') ?? '';
    const body = await request.text();
    if (body !== '' && !type.startsWith('application/x-www-form-urlencoded')) {
      throw invalidRequest(
        `Invalid request: unsupported Content-Type ${type}. If error persists and you need assistance, please contact support@stripe.com.`,
      );
    }
    return parseStripeForm(body);
  } catch (error) {
    if (error instanceof FormConflictError) throw invalidRequest(error.message, { param: error.param });
    throw error;
  }
}

/** Requests per fake-clock second, per key: beyond the limit, Stripe's 429. */
export function createRateLimiter(perSecond: number | undefined) {
  let window = -1;
  const counts = new Map<string, number>();
  return (key: string, nowSeconds: number): void => {
    if (perSecond === undefined) return;
    if (window !== nowSeconds) {
      window = nowSeconds;
      counts.clear();
    }
    const count = (counts.get(key) ?? 0) + 1;
    counts.set(key, count);
    if (count > perSecond) {
      throw invalidRequest(
        'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
        { code: 'rate_limit', status: 429 },
      );
    }
  };
}
