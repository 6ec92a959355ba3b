import type { Connector, ConnectorContext } from '../connector/connector.js';
import type { Integration } from '../domain/integration.js';
import type { RateLimiterRegistry } from '../http/rate-limiter.js';
import type { RetryOptions } from '../http/retry.js';
import type { Logger } from '../logging/logger.js';
import type { StorageAdapter } from '../storage/storage-adapter.js';
import type { Vault } from '../vault/vault.js';

/**
 * What the auth manager reports: a refreshed token, or an integration that needs attention
 * (`integration.error`: e.g. the refresh token was rejected and the integration is `expired`).
 *
 * ```ts
 * createAuthManager({ ..., onEvent: (e: AuthEvent) => e.type === 'integration.error' && alert(e.integrationId, e.error) });
 * ```
 */
export interface AuthEvent {
  type: 'token.refreshed' | 'integration.error';
  integrationId: string;
  error?: Error;
}

/**
 * Options of `createAuthManager`.
 *
 * ```ts
 * const options: AuthManagerOptions = { storage, vault, connectors: [stripe()], refreshSkewMs: 120_000 };
 * ```
 */
export interface AuthManagerOptions {
  storage: StorageAdapter;
  vault: Vault;
  connectors: readonly Connector[];
  logger?: Logger;
  /** Called synchronously; a listener that throws is logged and ignored. */
  onEvent?: (event: AuthEvent) => void;
  /** Refresh this long before the access token expires. Default 5 min. */
  refreshSkewMs?: number;
  /** How long an authorization may take (the `state` lifetime). Default 10 min. */
  stateTtlMs?: number;
  now?: () => number;
  /** Shared by every context's HTTP client; default one registry per manager. */
  limiter?: RateLimiterRegistry;
  /** Passed to every context's HTTP client. */
  http?: { retry?: number | RetryOptions; timeoutMs?: number; totalTimeoutMs?: number };
  /** A fetch implementation for token endpoints and contexts; default the global one. */
  fetch?: typeof fetch;
}

/**
 * Connects integrations (OAuth 2.0 authorization code with PKCE, API keys), keeps their tokens
 * fresh and hands connectors an authenticated context. Credentials are stored only as vault
 * ciphertext. Safe to use from many processes sharing one storage: refreshes are single-flight
 * per integration (one promise in process, `storage.withLock('oauth-refresh:<id>')` across).
 *
 * ```ts
 * const auth = createAuthManager({ storage, vault, connectors: [quickbooks(opts)] });
 * const { url } = await auth.authorizeUrl({ organizationId: 'org_1', provider: 'quickbooks' });
 * // …user consents, provider redirects to your callback…
 * const integration = await auth.callback({ provider: 'quickbooks', url: request.url });
 * const ctx = await auth.context(integration.id);
 * ```
 */
export interface AuthManager {
  /**
   * Starts an authorization: stores a one-time `state` (random 32 bytes, bound to organization,
   * provider, user and redirect URI; PKCE verifier encrypted) and returns the consent URL.
   */
  authorizeUrl(input: {
    organizationId: string;
    provider: string;
    userId?: string;
    redirectUri?: string;
    scopes?: string[];
  }): Promise<{ url: string; state: string }>;
  /**
   * Finishes an authorization from the callback URL or its query: consumes the state (unknown,
   * expired or reused → `AuthError` `AUTH_STATE_INVALID`; `error=access_denied` → `AUTH_DENIED`),
   * exchanges the code once, and creates or updates the organization's integration for the
   * provider as `connected` with encrypted credentials and the spec's `callbackParams` in config.
   */
  callback(input: { provider: string; url?: string; query?: Record<string, string> }): Promise<Integration>;
  /** Validates API-key credentials with the spec's schema (`ValidationError` never echoes values) and stores them encrypted. */
  connectApiKey(input: {
    organizationId: string;
    provider: string;
    credentials: Record<string, string>;
    name?: string;
  }): Promise<Integration>;
  /** An authenticated, rate-limited, retrying context for the integration's connector. */
  context(integrationId: string, signal?: AbortSignal): Promise<ConnectorContext>;
  /**
   * Refreshes the OAuth tokens now. Single-flight: concurrent calls in this process share one
   * promise; across processes the first takes `storage.withLock('oauth-refresh:<id>')`, the
   * others then re-read and adopt its token. `invalid_grant` → status `expired`, `AuthError`
   * `AUTH_EXPIRED`. A no-op for API-key integrations.
   */
  refresh(integrationId: string): Promise<void>;
  /** Runs `connector.test(ctx)`, if the connector has one. */
  test(integrationId: string): Promise<void>;
  /** Revokes the token where the provider supports it (best effort), then marks the integration `disconnected` with no credentials. */
  disconnect(integrationId: string): Promise<void>;
}
