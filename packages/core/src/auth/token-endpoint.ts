import ky, { isTimeoutError } from 'ky';
import { z } from 'zod';
import type { OAuth2AuthSpec, OAuth2Credentials } from '../connector/auth-spec.js';
import { AuthError } from '../errors/auth-error.js';
import { ProviderError } from '../errors/provider-error.js';
import { summarizeErrorBody } from '../http/map-error.js';
import { redactText, sanitizedCause } from '../http/redact.js';

/** Who is calling the token endpoint, for messages. */
export interface TokenEndpointContext {
  provider: string;
  displayName: string;
  spec: OAuth2AuthSpec;
  now: () => number;
  timeoutMs: number;
  fetch?: typeof fetch;
}

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive().optional(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
  x_refresh_token_expires_in: z.coerce.number().positive().optional(),
  x_refresh_token_hard_expires_in: z.coerce.number().positive().optional(),
});

/** An OAuth error answer of the token endpoint (RFC 6749 §5.2), e.g. `invalid_grant`. */
export class OAuthTokenError extends AuthError {
  readonly oauthError: string;
  /** The provider's `error_description`, redacted. */
  readonly description: string | undefined;
  readonly status: number;
  constructor(
    message: string,
    details: { provider: string; oauthError: string; status: number; description?: string | undefined },
  ) {
    super(message, { provider: details.provider });
    this.oauthError = details.oauthError;
    this.description = details.description;
    this.status = details.status;
  }
}

function path(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '(invalid URL)';
  }
}

function clientHeaders(spec: OAuth2AuthSpec, headers: Headers, form: URLSearchParams): void {
  if (spec.clientAuth === 'body') {
    form.set('client_id', spec.clientId);
    form.set('client_secret', spec.clientSecret);
  } else {
    // RFC 6749 §2.3.1: form-urlencode id and secret before Base64.
    const id = encodeURIComponent(spec.clientId);
    const secret = encodeURIComponent(spec.clientSecret);
    headers.set('authorization', `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`);
  }
}

async function post(
  ctx: TokenEndpointContext,
  url: string,
  body: { form?: URLSearchParams; json?: unknown },
  headers: Headers,
  secrets: readonly string[],
): Promise<{ status: number; text: string; json: unknown }> {
  const what = `${ctx.displayName} POST ${path(url)}`;
  try {
    const response = await ky(url, {
      method: 'POST',
      headers,
      ...(body.form ? { body: body.form.toString() } : { json: body.json }),
      retry: 0,
      timeout: ctx.timeoutMs,
      throwHttpErrors: false,
      ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, text, json };
  } catch (error) {
    const timeout = isTimeoutError(error);
    throw new ProviderError(
      `${what} ${timeout ? `timed out after ${ctx.timeoutMs} ms` : 'failed before a response (network error)'}. Retry later.`,
      { provider: ctx.provider, method: 'POST', path: path(url), retryable: true },
      { code: timeout ? 'PROVIDER_TIMEOUT' : 'PROVIDER_UNREACHABLE', cause: sanitizedCause(error, secrets) },
    );
  }
}

/**
 * Calls the token endpoint with `grant` (authorization_code or refresh_token parameters) and
 * returns the new credentials. `previous` supplies what a refresh answer may leave out: a
 * response without `refresh_token` keeps the old one. OAuth error answers become
 * `OAuthTokenError` (`oauthError` is e.g. `invalid_grant`); 5xx and network failures a
 * retryable `ProviderError`. Nothing thrown contains a token, code or secret.
 */
export async function requestToken(
  ctx: TokenEndpointContext,
  grant: Record<string, string>,
  previous?: OAuth2Credentials,
): Promise<OAuth2Credentials> {
  const { spec } = ctx;
  const form = new URLSearchParams(grant);
  const headers = new Headers({
    accept: 'application/json',
    'content-type': 'application/x-www-form-urlencoded',
  });
  for (const [k, v] of Object.entries(spec.tokenHeaders ?? {})) headers.set(k, v);
  clientHeaders(spec, headers, form);
  const secrets = [
    spec.clientSecret,
    ...Object.values(grant),
    previous?.accessToken,
    previous?.refreshToken,
  ].filter((s): s is string => typeof s === 'string');
  const what = `${ctx.displayName} POST ${path(spec.tokenUrl)}`;
  const { status, text, json } = await post(ctx, spec.tokenUrl, { form }, headers, secrets);
  if (status < 200 || status >= 300) {
    const summary = summarizeErrorBody(json, text);
    const oauthError = summary.code ? redactText(summary.code, secrets) : `http_${status}`;
    const description = summary.message ? redactText(summary.message, secrets) : undefined;
    const detail = description ? `${oauthError}: ${description}` : oauthError;
    if (status >= 500 || status === 429) {
      throw new ProviderError(
        `${what} failed with ${status} (${detail}). The token endpoint is unavailable; retry later.`,
        {
          provider: ctx.provider,
          status,
          method: 'POST',
          path: path(spec.tokenUrl),
          providerCode: oauthError,
          retryable: true,
        },
      );
    }
    const hint =
      oauthError === 'invalid_client' || oauthError === 'unauthorized_client'
        ? ' Check the connector’s clientId and clientSecret.'
        : '';
    throw new OAuthTokenError(`${what} failed with ${status} (${detail}).${hint}`, {
      provider: ctx.provider,
      oauthError,
      status,
      description,
    });
  }
  const parsed = tokenResponseSchema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
    throw new ProviderError(
      `${what} answered ${status} with an unexpected token response (problem with: ${fields}). Check the connector's tokenUrl.`,
      { provider: ctx.provider, status, method: 'POST', path: path(spec.tokenUrl) },
      { code: 'PROVIDER_INVALID_RESPONSE' },
    );
  }
  const t = parsed.data;
  const now = ctx.now();
  const rotated = t.refresh_token !== undefined && t.refresh_token !== previous?.refreshToken;
  const credentials: OAuth2Credentials = { type: 'oauth2', accessToken: t.access_token };
  const refreshToken = t.refresh_token ?? previous?.refreshToken;
  if (refreshToken !== undefined) credentials.refreshToken = refreshToken;
  if (t.token_type !== undefined) credentials.tokenType = t.token_type;
  if (t.expires_in !== undefined) credentials.expiresAt = now + t.expires_in * 1000;
  const rtExpires =
    t.x_refresh_token_expires_in !== undefined
      ? now + t.x_refresh_token_expires_in * 1000
      : rotated
        ? undefined
        : previous?.refreshTokenExpiresAt;
  if (rtExpires !== undefined) credentials.refreshTokenExpiresAt = rtExpires;
  const hard =
    t.x_refresh_token_hard_expires_in !== undefined
      ? now + t.x_refresh_token_hard_expires_in * 1000
      : previous?.refreshTokenHardExpiresAt;
  if (hard !== undefined) credentials.refreshTokenHardExpiresAt = hard;
  const scope = t.scope ?? previous?.scope;
  if (scope !== undefined) credentials.scope = scope;
  return credentials;
}

/**
 * Revokes `token` at `spec.revokeUrl`: a JSON body `{ token }` (Intuit) or an RFC 7009 form.
 * Throws like `requestToken` on failure.
 */
export async function revokeToken(
  ctx: TokenEndpointContext,
  token: string,
  hint: 'refresh_token' | 'access_token',
): Promise<void> {
  const { spec } = ctx;
  if (spec.revokeUrl === undefined) return;
  const headers = new Headers({ accept: 'application/json' });
  const form = new URLSearchParams({ token, token_type_hint: hint });
  clientHeaders(spec, headers, form);
  const secrets = [spec.clientSecret, token];
  const body =
    spec.revokeBody === 'json'
      ? {
          json: {
            token,
            ...(spec.clientAuth === 'body'
              ? { client_id: spec.clientId, client_secret: spec.clientSecret }
              : {}),
          },
        }
      : { form };
  if (body.form) headers.set('content-type', 'application/x-www-form-urlencoded');
  const { status, text, json } = await post(ctx, spec.revokeUrl, body, headers, secrets);
  if (status >= 200 && status < 300) return;
  const summary = summarizeErrorBody(json, text);
  throw new ProviderError(
    `${ctx.displayName} POST ${path(spec.revokeUrl)} failed with ${status}${summary.code ? ` (${redactText(summary.code, secrets)})` : ''} while revoking the ${hint.replace('_', ' ')}.`,
    { provider: ctx.provider, status, method: 'POST', path: path(spec.revokeUrl), retryable: status >= 500 },
  );
}
