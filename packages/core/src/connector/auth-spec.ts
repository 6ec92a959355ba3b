import type { z } from 'zod';

/** Stored OAuth 2.0 tokens (decrypted; only core's vault ever sees them in this form). */
export interface OAuth2Credentials {
  type: 'oauth2';
  accessToken: string;
  refreshToken?: string;
  tokenType?: string;
  /** Epoch ms when the access token expires. */
  expiresAt?: number;
  /** Epoch ms when the refresh token expires (QuickBooks `x_refresh_token_expires_in`). */
  refreshTokenExpiresAt?: number;
  /** Epoch ms of the refresh token's hard limit (QuickBooks `x_refresh_token_hard_expires_in`). */
  refreshTokenHardExpiresAt?: number;
  scope?: string;
}

/** Stored API-key or Basic credentials (decrypted). Fields are the connector's own (`apiKey`, `username`, …). */
export interface ApiKeyCredentials {
  type: 'apiKey';
  [field: string]: string;
}

export type Credentials = OAuth2Credentials | ApiKeyCredentials;

/** OAuth 2.0 authorization code flow, as a provider implements it. */
export interface OAuth2AuthSpec {
  type: 'oauth2';
  authorizeUrl: string;
  tokenUrl: string;
  revokeUrl?: string;
  /** How the revoke endpoint wants the token: a JSON body (Intuit) or a form (RFC 7009). */
  revokeBody?: 'json' | 'form';
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  scopes: readonly string[];
  /** Space by default (RFC 6749). */
  scopeSeparator?: string;
  /** Send PKCE (S256). Default true. */
  pkce?: boolean;
  /** How the client authenticates at the token endpoint: HTTP Basic (default) or form fields. */
  clientAuth?: 'basic' | 'body';
  /** Extra parameters on the authorize URL. */
  authorizeParams?: Readonly<Record<string, string>>;
  /** Extra headers on token requests (QuickBooks `x-include-refresh-token-hard-expires-in`). */
  tokenHeaders?: Readonly<Record<string, string>>;
  /** Callback query parameters kept in the integration's config (QuickBooks `realmId`). */
  callbackParams?: readonly string[];
  /** How the access token goes on a request. Default: `Authorization: Bearer <token>`. */
  apply?: (headers: Headers, credentials: OAuth2Credentials) => void;
}

/** API key, restricted key or HTTP Basic credentials typed in by the user. */
export interface ApiKeyAuthSpec {
  type: 'apiKey';
  /** Validates what `integrations.connect` receives as `credentials`, e.g. `z.object({ apiKey: z.string() })`. */
  credentials: z.ZodType<Record<string, string>>;
  /** Puts the credentials on a request, e.g. `headers.set('Authorization', 'Bearer ' + c.apiKey)`. */
  apply(headers: Headers, credentials: ApiKeyCredentials): void;
}

export type AuthSpec = OAuth2AuthSpec | ApiKeyAuthSpec;

/**
 * Declares OAuth 2.0 authorization code auth for a connector.
 *
 * ```ts
 * auth: oauth2({ authorizeUrl, tokenUrl, clientId, clientSecret, redirectUri, scopes: ['accounting'] })
 * ```
 */
export function oauth2(spec: Omit<OAuth2AuthSpec, 'type'>): OAuth2AuthSpec {
  return {
    pkce: true,
    clientAuth: 'basic',
    scopeSeparator: ' ',
    revokeBody: 'form',
    ...spec,
    type: 'oauth2',
  };
}

/**
 * Declares API-key auth for a connector.
 *
 * ```ts
 * auth: apiKey({
 *   credentials: z.object({ apiKey: z.string().startsWith('sk_') }),
 *   apply: (headers, c) => headers.set('Authorization', `Bearer ${c.apiKey}`),
 * })
 * ```
 */
export function apiKey<C extends Record<string, string>>(spec: {
  /** Validates what `integrations.connect` receives; its output type is what `apply` gets. */
  credentials: z.ZodType<C>;
  apply(headers: Headers, credentials: C): void;
}): ApiKeyAuthSpec {
  return {
    credentials: spec.credentials,
    apply: (headers, credentials) => spec.apply(headers, credentials as unknown as C),
    type: 'apiKey',
  };
}
