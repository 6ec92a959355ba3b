import type { OAuth2AuthSpec } from '../connector/auth-spec.js';
import type { Connector } from '../connector/connector.js';
import type { Integration } from '../domain/integration.js';
import { ConfigError } from '../errors/config-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import type { Logger } from '../logging/logger.js';
import type { StorageAdapter } from '../storage/storage-adapter.js';
import type { Vault } from '../vault/vault.js';
import type { AuthEvent } from './auth-manager.js';
import type { TokenEndpointContext } from './token-endpoint.js';

/** What the parts of the auth manager share. Internal. */
export interface AuthDeps {
  storage: StorageAdapter;
  vault: Vault;
  logger: Logger;
  now: () => number;
  stateTtlMs: number;
  refreshSkewMs: number;
  fetch: typeof fetch | undefined;
  connectors: ReadonlyMap<string, Connector>;
  emit(event: AuthEvent): void;
}

/** The lock every writer of an integration's credentials takes. */
export const refreshLockKey = (integrationId: string) => `oauth-refresh:${integrationId}`;

export function connectorFor(deps: AuthDeps, provider: string): Connector {
  const connector = deps.connectors.get(provider);
  if (!connector) {
    const known = [...deps.connectors.keys()].join(', ') || 'none';
    throw new ConfigError(
      `No connector is registered for provider ${JSON.stringify(provider)} (registered: ${known}). Pass it in createAuthManager({ connectors }).`,
    );
  }
  return connector;
}

export function oauthSpec(connector: Connector): OAuth2AuthSpec {
  if (connector.auth.type !== 'oauth2') {
    throw new ConfigError(
      `${connector.displayName} uses ${connector.auth.type} auth, not OAuth 2.0. Use connectApiKey for it.`,
    );
  }
  return connector.auth;
}

export function tokenContext(deps: AuthDeps, connector: Connector): TokenEndpointContext {
  return {
    provider: connector.provider,
    displayName: connector.displayName,
    spec: oauthSpec(connector),
    now: deps.now,
    timeoutMs: 30_000,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  };
}

export async function loadIntegration(deps: AuthDeps, integrationId: string): Promise<Integration> {
  const integration = await deps.storage.integrations.get(integrationId);
  if (!integration) {
    throw new NotFoundError(`Integration ${JSON.stringify(integrationId)} does not exist.`, {
      resource: 'integration',
      id: integrationId,
    });
  }
  return integration;
}
