import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { Events, OAuth2Server } from 'oauth2-mock-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type OAuth2Credentials, oauth2 } from '../connector/auth-spec.js';
import { defineConnector } from '../connector/define-connector.js';
import { type AuthError, isAuthError } from '../errors/auth-error.js';
import { memoryStorage } from '../storage/memory/memory-storage.js';
import { createVault } from '../vault/vault.js';
import type { AuthEvent } from './auth-manager.js';
import { createAuthManager } from './create-auth-manager.js';

const API = 'https://api.provider.test';
const REDIRECT = 'https://app.example.test/oauth/callback';
const oauthServer = new OAuth2Server();
// The provider's API is faked with msw; the OAuth server is real HTTP on loopback, so msw lets it through.
const api = setupServer();
let issuer = '';
const tokenRequests: Record<string, string>[] = [];
const tokenAuthHeaders: (string | undefined)[] = [];

beforeAll(async () => {
  await oauthServer.issuer.keys.generate('RS256');
  await oauthServer.start(0, '127.0.0.1');
  issuer = oauthServer.issuer.url as string;
  oauthServer.service.on(Events.BeforeResponse, (_response, req: IncomingMessage & { body?: unknown }) => {
    tokenRequests.push({ ...(req.body as Record<string, string>) });
    tokenAuthHeaders.push(req.headers.authorization);
  });
  // QuickBooks-style: the realm comes back on the callback URL.
  oauthServer.service.on(Events.BeforeAuthorizeRedirect, (redirect) => {
    redirect.url.searchParams.set('realmId', '9130');
  });
  api.listen({ onUnhandledFrame: 'bypass' });
});
afterEach(() => {
  api.resetHandlers();
  tokenRequests.length = 0;
  tokenAuthHeaders.length = 0;
});
afterAll(async () => {
  api.close();
  await oauthServer.stop();
});

function setup(options: { now?: () => number } = {}) {
  const connector = defineConnector({
    provider: 'acme',
    displayName: 'Acme',
    category: 'accounting',
    auth: oauth2({
      authorizeUrl: `${issuer}/authorize`,
      tokenUrl: `${issuer}/token`,
      revokeUrl: `${issuer}/revoke`,
      clientId: 'client-1',
      clientSecret: 'client-secret-xyz',
      redirectUri: REDIRECT,
      scopes: ['accounting', 'openid'],
      callbackParams: ['realmId'],
    }),
    baseUrl: API,
    entities: {},
    test: async (ctx) => {
      await ctx.http.request({ method: 'GET', path: '/me' });
    },
  });
  const storage = memoryStorage();
  const events: AuthEvent[] = [];
  const vault = createVault([{ kid: 'k1', key: randomBytes(32) }]);
  const auth = createAuthManager({
    storage,
    vault,
    connectors: [connector],
    onEvent: (e) => events.push(e),
    ...options,
  });
  return { auth, storage, vault, events };
}

/** Follows the consent URL like a browser whose user clicks "allow": returns the callback URL. */
async function consent(url: string): Promise<string> {
  const response = await fetch(url, { redirect: 'manual' });
  expect(response.status).toBe(302);
  return response.headers.get('location') as string;
}

async function rejection(promise: Promise<unknown>): Promise<AuthError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: AuthError) => error,
  );
}

describe('authorization code flow against a real OAuth 2.0 server', () => {
  it('builds a consent URL with a 256-bit state and PKCE S256', async () => {
    const { auth } = setup();
    const { url, state } = await auth.authorizeUrl({ organizationId: 'org_1', provider: 'acme' });
    const params = new URL(url).searchParams;
    expect(state).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(Object.fromEntries(params)).toMatchObject({
      response_type: 'code',
      client_id: 'client-1',
      redirect_uri: REDIRECT,
      scope: 'accounting openid',
      state,
      code_challenge_method: 'S256',
    });
    expect(params.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('exchanges the code with the verifier and exact redirect URI, and stores the connection encrypted', async () => {
    const { auth, vault, storage } = setup();
    const redirectUri = 'https://app.example.test/other/callback';
    const { url } = await auth.authorizeUrl({
      organizationId: 'org_1',
      provider: 'acme',
      userId: 'u_1',
      redirectUri,
    });
    const integration = await auth.callback({ provider: 'acme', url: await consent(url) });
    expect(integration).toMatchObject({
      organizationId: 'org_1',
      provider: 'acme',
      status: 'connected',
      config: { realmId: '9130' },
      createdBy: 'u_1',
    });
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0]).toMatchObject({ grant_type: 'authorization_code', redirect_uri: redirectUri });
    expect(tokenRequests[0]?.code_verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokenAuthHeaders[0]).toBe(`Basic ${Buffer.from('client-1:client-secret-xyz').toString('base64')}`);
    const credentials = await vault.decrypt<OAuth2Credentials>(integration.credentials as string);
    expect(credentials).toMatchObject({ type: 'oauth2', tokenType: 'Bearer' });
    expect(credentials.refreshToken).toBeTruthy();
    expect(integration.credentials).not.toContain(credentials.accessToken);
    expect((await storage.integrations.get(integration.id))?.credentials).toBe(integration.credentials);
  });

  it('exchanges the code once when the callback arrives twice; the duplicate gets AUTH_STATE_INVALID', async () => {
    const { auth, storage } = setup();
    const { url } = await auth.authorizeUrl({ organizationId: 'org_1', provider: 'acme' });
    const callbackUrl = await consent(url);
    const results = await Promise.allSettled([
      auth.callback({ provider: 'acme', url: callbackUrl }),
      auth.callback({ provider: 'acme', url: callbackUrl }),
    ]);
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected.map((r) => (r.reason as AuthError).code)).toEqual(['AUTH_STATE_INVALID']);
    expect(tokenRequests).toHaveLength(1);
    const [stored] = await storage.integrations.list();
    expect(stored?.status).toBe('connected');
  });

  it('rejects unknown and expired states', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const { auth } = setup({ now: () => now });
    const unknown = await rejection(
      auth.callback({ provider: 'acme', query: { state: 'x'.repeat(43), code: 'c' } }),
    );
    expect(unknown.code).toBe('AUTH_STATE_INVALID');
    expect(unknown.message).toContain('unknown or was already used');
    const { url } = await auth.authorizeUrl({ organizationId: 'org_1', provider: 'acme' });
    const callbackUrl = await consent(url);
    now += 10 * 60_000 + 1;
    const expired = await rejection(auth.callback({ provider: 'acme', url: callbackUrl }));
    expect(expired.code).toBe('AUTH_STATE_INVALID');
    expect(expired.message).toContain('expired');
    expect(tokenRequests).toHaveLength(0);
  });

  it('reports a denied consent with the provider description', async () => {
    const { auth } = setup();
    const { state } = await auth.authorizeUrl({ organizationId: 'org_1', provider: 'acme' });
    const denied = await rejection(
      auth.callback({
        provider: 'acme',
        query: { state, error: 'access_denied', error_description: 'The user said no' },
      }),
    );
    expect(isAuthError(denied)).toBe(true);
    expect(denied.code).toBe('AUTH_DENIED');
    expect(denied.message).toContain('access_denied: The user said no');
    // The state is spent.
    const again = await rejection(auth.callback({ provider: 'acme', query: { state, code: 'c' } }));
    expect(again.code).toBe('AUTH_STATE_INVALID');
  });

  it('updates the existing integration on reconnect instead of creating a second one', async () => {
    const { auth, storage } = setup();
    const first = await auth.callback({
      provider: 'acme',
      url: await consent((await auth.authorizeUrl({ organizationId: 'org_1', provider: 'acme' })).url),
    });
    const second = await auth.callback({
      provider: 'acme',
      url: await consent((await auth.authorizeUrl({ organizationId: 'org_1', provider: 'acme' })).url),
    });
    expect(second.id).toBe(first.id);
    expect(second.credentials).not.toBe(first.credentials);
    expect(await storage.integrations.list()).toHaveLength(1);
  });
});

describe('refresh, 401 handling and disconnect against a real OAuth 2.0 server', () => {
  async function connected(options: { now?: () => number } = {}) {
    const s = setup(options);
    const integration = await s.auth.callback({
      provider: 'acme',
      url: await consent((await s.auth.authorizeUrl({ organizationId: 'org_1', provider: 'acme' })).url),
    });
    tokenRequests.length = 0;
    return { ...s, integration };
  }

  it('refreshes proactively before expiry, persists the rotated refresh token and reports token.refreshed', async () => {
    let now = Date.now();
    const { auth, storage, vault, integration, events } = await connected({ now: () => now });
    const before = await vault.decrypt<OAuth2Credentials>(integration.credentials as string);
    const seen: string[] = [];
    api.use(
      http.get(`${API}/me`, ({ request }) => {
        seen.push(request.headers.get('authorization') ?? '');
        return HttpResponse.json({ ok: true });
      }),
    );
    now = (before.expiresAt as number) - 60_000; // inside the 5-minute skew
    await auth.test(integration.id);
    expect(tokenRequests).toMatchObject([
      { grant_type: 'refresh_token', refresh_token: before.refreshToken },
    ]);
    const after = await vault.decrypt<OAuth2Credentials>(
      (await storage.integrations.get(integration.id))?.credentials as string,
    );
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(seen).toEqual([`Bearer ${after.accessToken}`]);
    expect(events).toEqual([{ type: 'token.refreshed', integrationId: integration.id }]);
  });

  it('on a 401 refreshes once and retries once; a second 401 is an AuthError', async () => {
    const { auth, integration } = await connected();
    let calls = 0;
    api.use(
      http.get(`${API}/me`, () => {
        calls += 1;
        return calls === 1 ? HttpResponse.json({ error: 'expired' }, { status: 401 }) : HttpResponse.json({});
      }),
    );
    const ctx = await auth.context(integration.id);
    await expect(ctx.http.request({ method: 'GET', path: '/me' })).resolves.toMatchObject({ status: 200 });
    expect(calls).toBe(2);
    expect(tokenRequests).toHaveLength(1);

    api.use(http.get(`${API}/always`, () => HttpResponse.json({}, { status: 401 })));
    const error = await rejection(ctx.http.request({ method: 'GET', path: '/always' }));
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.message).toBe(
      'Acme GET /always failed with 401. The credentials were rejected. Reconnect the integration.',
    );
    expect(tokenRequests).toHaveLength(2);
  });

  it('marks the integration expired on invalid_grant and tells the user to reconnect', async () => {
    let now = Date.now();
    const { auth, storage, integration, events } = await connected({ now: () => now });
    oauthServer.service.once(Events.BeforeResponse, (response) => {
      response.statusCode = 400;
      response.body = { error: 'invalid_grant', error_description: 'Token invalid' };
    });
    now += 2 * 3600_000;
    const error = await rejection(auth.refresh(integration.id));
    expect(error.code).toBe('AUTH_EXPIRED');
    expect(error.message).toBe(
      `Acme integration ${integration.id}: the refresh token was rejected (invalid_grant: Token invalid). The integration is now 'expired'. Reconnect the integration.`,
    );
    const stored = await storage.integrations.get(integration.id);
    expect(stored).toMatchObject({ status: 'expired', lastError: error.message, errorCount: 1 });
    expect(events).toEqual([{ type: 'integration.error', integrationId: integration.id, error }]);
    expect((await rejection(auth.context(integration.id))).code).toBe('AUTH_EXPIRED');
  });

  it('revokes the refresh token on disconnect and forgets the credentials', async () => {
    const { auth, storage, vault, integration } = await connected();
    const refreshToken = (await vault.decrypt<OAuth2Credentials>(integration.credentials as string))
      .refreshToken;
    let revoked: string | undefined;
    // Caught by msw on its way to the loopback server, so the body is read before disconnect returns.
    api.use(
      http.post(`${issuer}/revoke`, async ({ request }) => {
        revoked = await request.text();
        return new HttpResponse(null, { status: 200 });
      }),
    );
    await auth.disconnect(integration.id);
    expect(revoked).toBe(`token=${refreshToken}&token_type_hint=refresh_token`);
    expect(await storage.integrations.get(integration.id)).toMatchObject({
      status: 'disconnected',
      credentials: null,
    });
  });
});
