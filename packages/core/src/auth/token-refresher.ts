import type { OAuth2Credentials } from '../connector/auth-spec.js';
import type { Integration } from '../domain/integration.js';
import { AuthError, isAuthError } from '../errors/auth-error.js';
import { type AuthDeps, connectorFor, loadIntegration, refreshLockKey, tokenContext } from './auth-deps.js';
import { OAuthTokenError, requestToken } from './token-endpoint.js';

export interface RefreshRequest {
  /** The access token the caller holds (or had rejected with a 401). */
  seen?: string;
  /** Refresh even when the stored token is not near expiry (a 401, an explicit `refresh`). */
  force: boolean;
}

/** Single-flight OAuth refresh. Internal to the auth manager. */
export interface TokenRefresher {
  refresh(integrationId: string, request: RefreshRequest): Promise<OAuth2Credentials>;
  isExpiring(credentials: OAuth2Credentials): boolean;
}

export function createTokenRefresher(deps: AuthDeps): TokenRefresher {
  const inflight = new Map<string, Promise<OAuth2Credentials>>();

  const isExpiring = (c: OAuth2Credentials) =>
    c.expiresAt !== undefined && c.expiresAt - deps.refreshSkewMs <= deps.now();

  async function stored(integration: Integration): Promise<OAuth2Credentials> {
    if (integration.status === 'expired') {
      throw new AuthError(
        `Integration ${integration.id} (${integration.provider}) is expired: the provider no longer accepts its refresh token. Reconnect the integration.`,
        { code: 'AUTH_EXPIRED', provider: integration.provider },
      );
    }
    if (integration.credentials === null || integration.status === 'disconnected') {
      throw new AuthError(
        `Integration ${integration.id} (${integration.provider}) is not connected. Connect it first.`,
        { provider: integration.provider },
      );
    }
    return deps.vault.decrypt<OAuth2Credentials>(integration.credentials);
  }

  async function markExpired(integration: Integration, reason: string): Promise<AuthError> {
    const connector = connectorFor(deps, integration.provider);
    const error = new AuthError(
      `${connector.displayName} integration ${integration.id}: the refresh token was rejected (${reason}). The integration is now 'expired'. Reconnect the integration.`,
      { code: 'AUTH_EXPIRED', provider: integration.provider },
    );
    await deps.storage.integrations.update(integration.id, {
      status: 'expired',
      lastError: error.message,
      lastErrorAt: new Date(deps.now()),
      errorCount: integration.errorCount + 1,
    });
    deps.logger.warn(
      { integrationId: integration.id, provider: integration.provider, reason },
      'oauth refresh rejected; integration expired',
    );
    deps.emit({ type: 'integration.error', integrationId: integration.id, error });
    return error;
  }

  async function exchange(integration: Integration, current: OAuth2Credentials): Promise<OAuth2Credentials> {
    if (current.refreshToken === undefined) {
      throw await markExpired(integration, 'no refresh token was issued');
    }
    const connector = connectorFor(deps, integration.provider);
    let next: OAuth2Credentials;
    try {
      next = await requestToken(
        tokenContext(deps, connector),
        { grant_type: 'refresh_token', refresh_token: current.refreshToken },
        current,
      );
    } catch (error) {
      if (error instanceof OAuthTokenError && error.oauthError === 'invalid_grant') {
        // Another worker may have rotated the token between our read and the provider's answer.
        const again = await loadIntegration(deps, integration.id);
        const latest = await stored(again);
        if (latest.refreshToken !== current.refreshToken) return latest;
        throw await markExpired(
          again,
          error.description ? `invalid_grant: ${error.description}` : 'invalid_grant',
        );
      }
      if (isAuthError(error)) deps.emit({ type: 'integration.error', integrationId: integration.id, error });
      throw error;
    }
    // Persist before anyone uses the new access token: a rotated refresh token must not be lost.
    await deps.storage.integrations.update(integration.id, { credentials: await deps.vault.encrypt(next) });
    deps.logger.info(
      {
        integrationId: integration.id,
        provider: integration.provider,
        rotated: next.refreshToken !== current.refreshToken,
      },
      'oauth token refreshed',
    );
    deps.emit({ type: 'token.refreshed', integrationId: integration.id });
    return next;
  }

  function refresh(integrationId: string, request: RefreshRequest): Promise<OAuth2Credentials> {
    const running = inflight.get(integrationId);
    if (running) return running;
    const promise = (async () => {
      const seen = request.seen ?? (await stored(await loadIntegration(deps, integrationId))).accessToken;
      return deps.storage.withLock(refreshLockKey(integrationId), async () => {
        const integration = await loadIntegration(deps, integrationId);
        const current = await stored(integration);
        // Another process refreshed while we waited for the lock: use its token.
        if (current.accessToken !== seen && !isExpiring(current)) return current;
        if (!request.force && !isExpiring(current)) return current;
        return exchange(integration, current);
      });
    })().finally(() => inflight.delete(integrationId));
    inflight.set(integrationId, promise);
    return promise;
  }

  return { refresh, isExpiring };
}
