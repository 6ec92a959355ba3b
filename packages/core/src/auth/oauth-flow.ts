import { z } from 'zod';
import type { Credentials } from '../connector/auth-spec.js';
import type { Connector } from '../connector/connector.js';
import type { Integration } from '../domain/integration.js';
import { AuthError } from '../errors/auth-error.js';
import { isStorageError } from '../errors/storage-error.js';
import { parseWith } from '../errors/zod.js';
import { redactText } from '../http/redact.js';
import { type AuthDeps, connectorFor, oauthSpec, refreshLockKey, tokenContext } from './auth-deps.js';
import { pkceChallenge, randomToken } from './pkce.js';
import { OAuthTokenError, requestToken } from './token-endpoint.js';

const authorizeInput = z.object({
  organizationId: z.string().min(1).max(255),
  provider: z.string().min(1),
  userId: z.string().min(1).max(255).optional(),
  redirectUri: z.url().optional(),
  scopes: z.array(z.string().min(1)).optional(),
});

const callbackInput = z
  .object({
    provider: z.string().min(1),
    url: z.string().optional(),
    query: z.record(z.string(), z.string()).optional(),
  })
  .refine((v) => v.url !== undefined || v.query !== undefined, 'pass the callback url or its query');

export async function startAuthorization(
  deps: AuthDeps,
  raw: z.input<typeof authorizeInput>,
): Promise<{ url: string; state: string }> {
  const input = parseWith(authorizeInput, raw, 'auth.authorizeUrl');
  const connector = connectorFor(deps, input.provider);
  const spec = oauthSpec(connector);
  const state = randomToken(32);
  const redirectUri = input.redirectUri ?? spec.redirectUri;
  const scopes = input.scopes ?? [...spec.scopes];
  const verifier = spec.pkce === false ? null : randomToken(32);
  await deps.storage.oauthStates.create({
    state,
    organizationId: input.organizationId,
    provider: connector.provider,
    userId: input.userId ?? null,
    redirectUri,
    codeVerifier: verifier === null ? null : await deps.vault.encrypt(verifier),
    scopes,
    expiresAt: new Date(deps.now() + deps.stateTtlMs),
  });
  const url = new URL(spec.authorizeUrl);
  // The connector's extras first, so they can never replace state, PKCE or the redirect URI.
  for (const [k, v] of Object.entries(spec.authorizeParams ?? {})) url.searchParams.set(k, v);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', spec.clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  if (scopes.length > 0) url.searchParams.set('scope', scopes.join(spec.scopeSeparator ?? ' '));
  url.searchParams.set('state', state);
  if (verifier !== null) {
    url.searchParams.set('code_challenge', pkceChallenge(verifier));
    url.searchParams.set('code_challenge_method', 'S256');
  }
  deps.logger.debug(
    { provider: connector.provider, organizationId: input.organizationId },
    'oauth authorization started',
  );
  return { url: url.toString(), state };
}

function stateError(connector: Connector, why: string): AuthError {
  return new AuthError(
    `${connector.displayName} OAuth callback rejected: ${why}. Start the connection again from your app.`,
    { code: 'AUTH_STATE_INVALID', provider: connector.provider },
  );
}

export async function completeAuthorization(
  deps: AuthDeps,
  raw: z.input<typeof callbackInput>,
): Promise<Integration> {
  const input = parseWith(callbackInput, raw, 'auth.callback');
  const connector = connectorFor(deps, input.provider);
  const spec = oauthSpec(connector);
  const params =
    input.query !== undefined
      ? new Map(Object.entries(input.query))
      : new Map(new URL(input.url as string, 'http://callback.invalid').searchParams);
  const stateParam = params.get('state');
  // Consume first: whatever happens next, this state can never be used again.
  const state = stateParam ? await deps.storage.oauthStates.consume(stateParam) : null;
  const error = params.get('error');
  if (error !== undefined) {
    const description = params.get('error_description');
    const detail = description ? `${error}: ${redactText(description)}` : error;
    throw new AuthError(
      error === 'access_denied'
        ? `${connector.displayName} authorization was denied (${detail}). The user declined consent; ask them to connect again and approve access.`
        : `${connector.displayName} authorization failed (${detail}). Start the connection again.`,
      { code: error === 'access_denied' ? 'AUTH_DENIED' : 'AUTH_FAILED', provider: connector.provider },
    );
  }
  if (!stateParam) throw stateError(connector, 'the callback has no state parameter');
  if (!state) throw stateError(connector, 'the state is unknown or was already used');
  if (state.provider !== connector.provider) {
    throw stateError(connector, `the state was issued for ${state.provider}, not ${connector.provider}`);
  }
  if (state.expiresAt.getTime() <= deps.now()) throw stateError(connector, 'the state expired');
  const code = params.get('code');
  if (!code) {
    throw new AuthError(
      `${connector.displayName} OAuth callback has no authorization code. Start the connection again.`,
      {
        provider: connector.provider,
      },
    );
  }
  const config: Record<string, string> = {};
  for (const name of spec.callbackParams ?? []) {
    const value = params.get(name);
    if (!value) {
      throw new AuthError(
        `${connector.displayName} OAuth callback is missing the ${JSON.stringify(name)} parameter the connector needs. Start the connection again.`,
        { provider: connector.provider },
      );
    }
    config[name] = value;
  }
  const grant: Record<string, string> = {
    grant_type: 'authorization_code',
    code,
    redirect_uri: state.redirectUri,
  };
  if (state.codeVerifier !== null) grant.code_verifier = await deps.vault.decrypt<string>(state.codeVerifier);
  let credentials: Credentials;
  try {
    credentials = await requestToken(tokenContext(deps, connector), grant);
  } catch (e) {
    if (e instanceof OAuthTokenError && e.oauthError === 'invalid_grant') {
      throw new AuthError(
        `${connector.displayName} rejected the authorization code (invalid_grant${e.description ? `: ${e.description}` : ''}): it expired, was already used, or the redirect URI differs. Start the connection again.`,
        { provider: connector.provider, cause: e },
      );
    }
    throw e;
  }
  return saveIntegration(deps, {
    organizationId: state.organizationId,
    provider: connector.provider,
    credentials,
    config,
    createdBy: state.userId,
  });
}

/**
 * Creates the organization's integration for the provider, or updates the existing one (a
 * reconnect) under the credentials lock, as `connected` with fresh encrypted credentials.
 */
export async function saveIntegration(
  deps: AuthDeps,
  input: {
    organizationId: string;
    provider: string;
    credentials: Credentials;
    config: Record<string, string>;
    createdBy?: string | null;
    name?: string;
  },
): Promise<Integration> {
  const ciphertext = await deps.vault.encrypt(input.credentials);
  const update = async (existing: Integration) =>
    deps.storage.withLock(refreshLockKey(existing.id), () =>
      deps.storage.integrations.update(existing.id, {
        status: 'connected',
        credentials: ciphertext,
        config: { ...existing.config, ...input.config },
        ...(input.name === undefined ? {} : { name: input.name }),
        lastError: null,
        lastErrorAt: null,
        errorCount: 0,
      }),
    );
  const existing = await deps.storage.integrations.getByProvider(input.organizationId, input.provider);
  let integration: Integration;
  if (existing) integration = await update(existing);
  else {
    try {
      integration = await deps.storage.integrations.create({
        organizationId: input.organizationId,
        provider: input.provider,
        status: 'connected',
        credentials: ciphertext,
        config: input.config,
        createdBy: input.createdBy ?? null,
        name: input.name ?? null,
      });
    } catch (error) {
      // Two callbacks for the same organization and provider raced: the other one created it.
      if (!isStorageError(error) || error.code !== 'STORAGE_UNIQUE_VIOLATION') throw error;
      const winner = await deps.storage.integrations.getByProvider(input.organizationId, input.provider);
      if (!winner) throw error;
      integration = await update(winner);
    }
  }
  deps.logger.info(
    { integrationId: integration.id, provider: input.provider, organizationId: input.organizationId },
    'integration connected',
  );
  return integration;
}
