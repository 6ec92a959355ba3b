import { z } from 'zod';
import type { ApiKeyCredentials, Credentials, OAuth2Credentials } from '../connector/auth-spec.js';
import type { Connector, ConnectorContext, IntegrationInfo } from '../connector/connector.js';
import { AuthError } from '../errors/auth-error.js';
import { ConfigError } from '../errors/config-error.js';
import { isProviderError } from '../errors/provider-error.js';
import { isSyncBridgeError } from '../errors/syncbridge-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { parseWith } from '../errors/zod.js';
import { createHttpClient, type HttpAuth } from '../http/create-http-client.js';
import { createRateLimiterRegistry } from '../http/rate-limiter.js';
import { sanitizedCause } from '../http/redact.js';
import { silentLogger } from '../logging/logger.js';
import { type AuthDeps, connectorFor, loadIntegration, refreshLockKey, tokenContext } from './auth-deps.js';
import type { AuthManager, AuthManagerOptions } from './auth-manager.js';
import { completeAuthorization, saveIntegration, startAuthorization } from './oauth-flow.js';
import { revokeToken } from './token-endpoint.js';
import { createTokenRefresher } from './token-refresher.js';

const optionsSchema = z.object({
  connectors: z.array(
    z.object({ provider: z.string().min(1), auth: z.object({ type: z.string() }).loose() }).loose(),
  ),
  refreshSkewMs: z.number().int().nonnegative().optional(),
  stateTtlMs: z.number().int().positive().optional(),
});

const connectApiKeyInput = z.object({
  organizationId: z.string().min(1).max(255),
  provider: z.string().min(1),
  credentials: z.record(z.string(), z.unknown()),
  name: z.string().max(255).optional(),
});

const bearer = (headers: Headers, c: OAuth2Credentials) =>
  headers.set('authorization', `Bearer ${c.accessToken}`);

/**
 * Builds the auth manager. Throws `ConfigError` for bad options (two connectors with the same
 * provider, a negative skew, …).
 *
 * ```ts
 * const auth = createAuthManager({
 *   storage: memoryStorage(),
 *   vault: createVault([{ kid: 'k1', key: process.env.SYNCBRIDGE_KEY! }]),
 *   connectors: [stripe(), quickbooks({ clientId, clientSecret, redirectUri })],
 *   onEvent: (e) => console.log(e.type, e.integrationId),
 * });
 * ```
 */
export function createAuthManager(options: AuthManagerOptions): AuthManager {
  const parsed = optionsSchema.safeParse(options);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  const connectors = new Map<string, Connector>();
  for (const connector of options.connectors ?? []) {
    if (connectors.has(connector.provider))
      problems.push(`connectors: provider ${connector.provider} is registered twice`);
    connectors.set(connector.provider, connector);
  }
  for (const connector of connectors.values()) {
    if (connector.auth.type !== 'oauth2') continue;
    const spec = connector.auth;
    for (const key of ['authorizeUrl', 'tokenUrl', 'redirectUri', 'revokeUrl'] as const) {
      const value = spec[key];
      if (value !== undefined && !URL.canParse(value)) {
        problems.push(`connectors.${connector.provider}.auth.${key}: not an absolute URL`);
      }
    }
    // Presence only: the secret's value never goes into a message.
    if (!spec.clientId) problems.push(`connectors.${connector.provider}.auth.clientId: required`);
    if (!spec.clientSecret) problems.push(`connectors.${connector.provider}.auth.clientSecret: required`);
  }
  if (!options.storage) problems.push('storage: required');
  if (!options.vault) problems.push('vault: required');
  if (problems.length > 0) {
    throw new ConfigError(`createAuthManager: invalid options. ${problems.join('; ')}`, { problems });
  }
  const logger = options.logger ?? silentLogger;
  const limiter = options.limiter ?? createRateLimiterRegistry();
  const deps: AuthDeps = {
    storage: options.storage,
    vault: options.vault,
    logger,
    now: options.now ?? Date.now,
    stateTtlMs: options.stateTtlMs ?? 10 * 60_000,
    refreshSkewMs: options.refreshSkewMs ?? 5 * 60_000,
    fetch: options.fetch,
    connectors,
    emit(event) {
      try {
        options.onEvent?.(event);
      } catch (error) {
        logger.warn({ event: event.type, error: sanitizedCause(error) }, 'auth onEvent listener threw');
      }
    },
  };
  const refresher = createTokenRefresher(deps);

  function oauthAuth(integrationId: string, connector: Connector, initial: OAuth2Credentials): HttpAuth {
    const spec = connector.auth.type === 'oauth2' ? connector.auth : undefined;
    const apply = spec?.apply ?? bearer;
    let credentials = initial;
    const sent = new WeakMap<Headers, string>();
    return {
      async apply(headers) {
        if (refresher.isExpiring(credentials)) {
          try {
            credentials = await refresher.refresh(integrationId, {
              seen: credentials.accessToken,
              force: false,
            });
          } catch (error) {
            // A transient token-endpoint failure while the token is still valid: use it.
            const stillValid = credentials.expiresAt !== undefined && credentials.expiresAt > deps.now();
            if (!(isProviderError(error) && error.retryable && stillValid)) throw error;
            logger.warn(
              { integrationId, provider: connector.provider },
              'proactive token refresh failed; using the current token',
            );
          }
        }
        apply(headers, credentials);
        sent.set(headers, credentials.accessToken);
      },
      async onUnauthorized({ headers }) {
        const seen = sent.get(headers) ?? credentials.accessToken;
        credentials = await refresher.refresh(integrationId, { seen, force: true });
        return true;
      },
      secrets: () =>
        [credentials.accessToken, credentials.refreshToken, spec?.clientSecret].filter(
          (s): s is string => typeof s === 'string',
        ),
    };
  }

  async function context(integrationId: string, signal?: AbortSignal): Promise<ConnectorContext> {
    const integration = await loadIntegration(deps, integrationId);
    const connector = connectorFor(deps, integration.provider);
    if (integration.status === 'expired') {
      throw new AuthError(
        `${connector.displayName} integration ${integration.id} is expired: the provider no longer accepts its refresh token. Reconnect the integration.`,
        { code: 'AUTH_EXPIRED', provider: connector.provider },
      );
    }
    if (integration.credentials === null || integration.status === 'disconnected') {
      throw new AuthError(
        `${connector.displayName} integration ${integration.id} is not connected (status ${integration.status}). Connect it first.`,
        { provider: connector.provider },
      );
    }
    const credentials = await deps.vault.decrypt<Credentials>(integration.credentials);
    const info: IntegrationInfo = Object.freeze({
      id: integration.id,
      organizationId: integration.organizationId,
      provider: integration.provider,
      config: Object.freeze({ ...integration.config }),
    });
    let auth: HttpAuth;
    if (connector.auth.type === 'oauth2') {
      auth = oauthAuth(integration.id, connector, credentials as OAuth2Credentials);
    } else {
      const spec = connector.auth;
      const apiCredentials = credentials as ApiKeyCredentials;
      auth = {
        async apply(headers) {
          spec.apply(headers, apiCredentials);
        },
        secrets: () => Object.entries(apiCredentials).flatMap(([k, v]) => (k === 'type' ? [] : [v])),
      };
    }
    const ctxLogger = logger;
    const http = createHttpClient({
      connector,
      integration: info,
      auth,
      credentials,
      limiter,
      logger: ctxLogger,
      ...(options.http?.retry === undefined ? {} : { retry: options.http.retry }),
      ...(options.http?.timeoutMs === undefined ? {} : { timeoutMs: options.http.timeoutMs }),
      ...(options.http?.totalTimeoutMs === undefined ? {} : { totalTimeoutMs: options.http.totalTimeoutMs }),
      ...(signal ? { signal } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    return { http, integration: info, logger: ctxLogger, signal: signal ?? new AbortController().signal };
  }

  return {
    authorizeUrl: (input) => startAuthorization(deps, input),
    callback: (input) => completeAuthorization(deps, input),

    async connectApiKey(raw) {
      const input = parseWith(connectApiKeyInput, raw, 'auth.connectApiKey');
      const connector = connectorFor(deps, input.provider);
      if (connector.auth.type !== 'apiKey') {
        throw new ConfigError(
          `${connector.displayName} uses OAuth 2.0; start it with authorizeUrl, not connectApiKey.`,
        );
      }
      const result = connector.auth.credentials.safeParse(input.credentials);
      if (!result.success) {
        // Paths and zod's messages only: never the values, which are secrets.
        const issues = result.error.issues.map((i) => ({ path: i.path, message: i.message, code: i.code }));
        const lines = issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
        throw new ValidationError(
          `auth.connectApiKey: invalid ${connector.displayName} credentials. ${lines.join('; ')}`,
          {
            issues,
          },
        );
      }
      return saveIntegration(deps, {
        organizationId: input.organizationId,
        provider: connector.provider,
        credentials: { ...result.data, type: 'apiKey' },
        config: {},
        ...(input.name === undefined ? {} : { name: input.name }),
      });
    },

    context,

    async refresh(integrationId) {
      const integration = await loadIntegration(deps, integrationId);
      const connector = connectorFor(deps, integration.provider);
      if (connector.auth.type !== 'oauth2') return;
      await refresher.refresh(integrationId, { force: true });
    },

    async test(integrationId) {
      const ctx = await context(integrationId);
      const connector = connectorFor(deps, ctx.integration.provider);
      if (!connector.test) return;
      try {
        await connector.test(ctx);
      } catch (error) {
        if (isSyncBridgeError(error)) throw error;
        throw new AuthError(
          `${connector.displayName} connection test of integration ${integrationId} failed. Check the credentials and reconnect.`,
          { provider: connector.provider, cause: sanitizedCause(error, []) },
        );
      }
    },

    async disconnect(integrationId) {
      const integration = await loadIntegration(deps, integrationId);
      const connector = connectorFor(deps, integration.provider);
      await deps.storage.withLock(refreshLockKey(integrationId), async () => {
        const current = await loadIntegration(deps, integrationId);
        if (connector.auth.type === 'oauth2' && connector.auth.revokeUrl && current.credentials !== null) {
          try {
            const c = await deps.vault.decrypt<OAuth2Credentials>(current.credentials);
            const [token, hint] = c.refreshToken
              ? ([c.refreshToken, 'refresh_token'] as const)
              : ([c.accessToken, 'access_token'] as const);
            await revokeToken(tokenContext(deps, connector), token, hint);
          } catch (error) {
            // Revocation is best effort: the credentials are deleted here either way.
            logger.warn(
              { integrationId, provider: connector.provider, error: sanitizedCause(error) },
              'token revocation failed; credentials deleted locally',
            );
          }
        }
        await deps.storage.integrations.update(integrationId, { status: 'disconnected', credentials: null });
      });
      logger.info({ integrationId, provider: connector.provider }, 'integration disconnected');
    },
  };
}
