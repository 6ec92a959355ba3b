import { randomBytes } from 'node:crypto';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type OAuth2Credentials, oauth2 } from '../connector/auth-spec.js';
import { defineConnector } from '../connector/define-connector.js';
import type { AuthError } from '../errors/auth-error.js';
import { memoryStorage } from '../storage/memory/memory-storage.js';
import { createVault } from '../vault/vault.js';
import { createAuthManager } from './create-auth-manager.js';

// Intuit's real endpoints, answered by msw with the bodies QuickBooks sends.
const TOKEN_URL = 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer';
const REVOKE_URL = 'https://developer.api.intuit.com/v2/oauth2/tokens/revoke';
const API = 'https://sandbox-quickbooks.api.intuit.com';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const quickbooks = defineConnector({
  provider: 'quickbooks',
  displayName: 'QuickBooks',
  category: 'accounting',
  auth: oauth2({
    authorizeUrl: 'https://appcenter.intuit.com/connect/oauth2',
    tokenUrl: TOKEN_URL,
    revokeUrl: REVOKE_URL,
    revokeBody: 'json',
    clientId: 'qb-client',
    clientSecret: 'qb-secret',
    redirectUri: 'https://app.example.test/oauth/quickbooks',
    scopes: ['com.intuit.quickbooks.accounting'],
    tokenHeaders: { 'x-include-refresh-token-hard-expires-in': 'true' },
    callbackParams: ['realmId'],
  }),
  baseUrl: API,
  entities: {},
});

interface TokenCall {
  form: URLSearchParams;
  headers: Headers;
}

function tokenEndpoint(replies: ((call: TokenCall) => Response | Promise<Response>)[]): TokenCall[] {
  const calls: TokenCall[] = [];
  server.use(
    http.post(TOKEN_URL, async ({ request }) => {
      const call = { form: new URLSearchParams(await request.text()), headers: request.headers };
      calls.push(call);
      const reply = replies[Math.min(calls.length - 1, replies.length - 1)] as (c: TokenCall) => Response;
      return reply(call);
    }),
  );
  return calls;
}

const tokens = (access: string, refresh?: string) => () =>
  HttpResponse.json({
    access_token: access,
    token_type: 'bearer',
    expires_in: 3600,
    ...(refresh ? { refresh_token: refresh } : {}),
    x_refresh_token_expires_in: 8_726_400,
    x_refresh_token_hard_expires_in: 157_680_000,
  });

async function connect(now: () => number) {
  const storage = memoryStorage();
  const vault = createVault([{ kid: 'k1', key: randomBytes(32) }]);
  const auth = createAuthManager({ storage, vault, connectors: [quickbooks], now });
  const calls = tokenEndpoint([tokens('at-1', 'rt-1')]);
  const { state } = await auth.authorizeUrl({ organizationId: 'org_1', provider: 'quickbooks' });
  const integration = await auth.callback({
    provider: 'quickbooks',
    query: { code: 'auth-code', state, realmId: '123' },
  });
  const read = async () =>
    vault.decrypt<OAuth2Credentials>((await storage.integrations.get(integration.id))?.credentials as string);
  return { auth, storage, vault, integration, calls, read };
}

describe('QuickBooks-style OAuth (msw)', () => {
  it('sends tokenHeaders and records the refresh token lifetimes and the realm', async () => {
    const now = Date.parse('2026-03-01T00:00:00Z');
    const { integration, calls, read } = await connect(() => now);
    expect(calls[0]?.headers.get('x-include-refresh-token-hard-expires-in')).toBe('true');
    expect(calls[0]?.form.get('grant_type')).toBe('authorization_code');
    expect(integration.config).toEqual({ realmId: '123' });
    expect(await read()).toEqual({
      type: 'oauth2',
      accessToken: 'at-1',
      refreshToken: 'rt-1',
      tokenType: 'bearer',
      expiresAt: now + 3_600_000,
      refreshTokenExpiresAt: now + 8_726_400_000,
      refreshTokenHardExpiresAt: now + 157_680_000_000,
    });
  });

  it('persists a rotated refresh token before the new access token is used', async () => {
    let now = Date.parse('2026-03-01T00:00:00Z');
    const { auth, integration, read } = await connect(() => now);
    tokenEndpoint([tokens('at-2', 'rt-2')]);
    const storedWhenUsed: (string | undefined)[] = [];
    server.use(
      http.get(`${API}/v3/company/123/companyinfo/123`, async ({ request }) => {
        expect(request.headers.get('authorization')).toBe('Bearer at-2');
        storedWhenUsed.push((await read()).refreshToken);
        return HttpResponse.json({});
      }),
    );
    now += 3600_000;
    const ctx = await auth.context(integration.id);
    await ctx.http.request({ method: 'GET', path: '/v3/company/123/companyinfo/123' });
    expect(storedWhenUsed).toEqual(['rt-2']);
  });

  it('keeps the old refresh token when the refresh answer has none', async () => {
    let now = Date.parse('2026-03-01T00:00:00Z');
    const { auth, integration, read } = await connect(() => now);
    const calls = tokenEndpoint([tokens('at-2')]);
    now += 3600_000;
    await auth.refresh(integration.id);
    expect(calls[0]?.form.get('refresh_token')).toBe('rt-1');
    expect(calls[0]?.headers.get('authorization')).toBe(`Basic ${btoa('qb-client:qb-secret')}`);
    expect(await read()).toMatchObject({ accessToken: 'at-2', refreshToken: 'rt-1' });
  });

  it('on invalid_grant re-reads storage and adopts a token another worker rotated meanwhile', async () => {
    let now = Date.parse('2026-03-01T00:00:00Z');
    const { auth, storage, vault, integration, read } = await connect(() => now);
    tokenEndpoint([
      async () => {
        // Another worker (not using our lock) rotated the token just before our request landed.
        const other: OAuth2Credentials = {
          type: 'oauth2',
          accessToken: 'at-other',
          refreshToken: 'rt-other',
          expiresAt: now + 3_600_000,
        };
        await storage.integrations.update(integration.id, { credentials: await vault.encrypt(other) });
        return HttpResponse.json({ error: 'invalid_grant' }, { status: 400 });
      },
    ]);
    now += 3600_000;
    await auth.refresh(integration.id);
    expect((await storage.integrations.get(integration.id))?.status).toBe('connected');
    expect(await read()).toMatchObject({ accessToken: 'at-other', refreshToken: 'rt-other' });
  });

  it('expires the integration when invalid_grant persists, with a message that says to reconnect', async () => {
    let now = Date.parse('2026-03-01T00:00:00Z');
    const { auth, storage, integration } = await connect(() => now);
    tokenEndpoint([() => HttpResponse.json({ error: 'invalid_grant' }, { status: 400 })]);
    server.use(http.get(`${API}/v3/company/123/query`, () => HttpResponse.json({})));
    now += 3600_000;
    const ctx = await auth.context(integration.id);
    const error = (await ctx.http
      .request({ method: 'GET', path: '/v3/company/123/query', query: { query: 'select' } })
      .catch((e: unknown) => e)) as AuthError;
    expect(error.code).toBe('AUTH_EXPIRED');
    expect(error.message).toContain('the refresh token was rejected (invalid_grant)');
    expect(error.message).toContain('Reconnect the integration.');
    expect((await storage.integrations.get(integration.id))?.status).toBe('expired');
  });

  it('maps a 401 whose refresh is rejected into one message naming the request', async () => {
    const { auth, integration } = await connect(() => Date.parse('2026-03-01T00:00:00Z'));
    tokenEndpoint([
      () =>
        HttpResponse.json({ error: 'invalid_grant', error_description: 'Token invalid' }, { status: 400 }),
    ]);
    server.use(
      http.get(`${API}/v3/company/123/query`, () =>
        HttpResponse.json(
          {
            fault: {
              error: [
                { message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401', code: '3200' },
              ],
              type: 'AUTHENTICATION',
            },
          },
          { status: 401 },
        ),
      ),
    );
    const ctx = await auth.context(integration.id);
    const error = (await ctx.http
      .request({ method: 'GET', path: '/v3/company/123/query', query: { query: 'select * from Customer' } })
      .catch((e: unknown) => e)) as AuthError;
    expect(error.code).toBe('AUTH_EXPIRED');
    expect(error.message).toMatch(
      /^QuickBooks GET \/v3\/company\/123\/query failed with 401 and the token refresh failed: .*invalid_grant: Token invalid.*Reconnect the integration\.$/,
    );
    expect(error.message).not.toContain('select');
  });

  it('keeps using a still-valid token when a proactive refresh hits a token-endpoint outage', async () => {
    let now = Date.parse('2026-03-01T00:00:00Z');
    const { auth, integration, read } = await connect(() => now);
    const calls = tokenEndpoint([() => HttpResponse.json({ error: 'server_error' }, { status: 503 })]);
    const seen: (string | null)[] = [];
    server.use(
      http.get(`${API}/v3/company/123/companyinfo/123`, ({ request }) => {
        seen.push(request.headers.get('authorization'));
        return HttpResponse.json({});
      }),
    );
    now += 3600_000 - 60_000; // inside the skew, not yet expired
    const ctx = await auth.context(integration.id);
    await ctx.http.request({ method: 'GET', path: '/v3/company/123/companyinfo/123' });
    expect(calls).toHaveLength(1);
    expect(seen).toEqual(['Bearer at-1']);
    expect(await read()).toMatchObject({ accessToken: 'at-1', refreshToken: 'rt-1' });
  });

  it('sends client credentials in the body and no PKCE when the spec says so', async () => {
    const bodyAuth = defineConnector({
      ...quickbooks,
      provider: 'bodyauth',
      auth: oauth2({ ...(quickbooks.auth as Parameters<typeof oauth2>[0]), clientAuth: 'body', pkce: false }),
    });
    const auth = createAuthManager({
      storage: memoryStorage(),
      vault: createVault([{ kid: 'k1', key: randomBytes(32) }]),
      connectors: [bodyAuth],
    });
    const calls = tokenEndpoint([tokens('at-1', 'rt-1')]);
    const { url, state } = await auth.authorizeUrl({ organizationId: 'org_1', provider: 'bodyauth' });
    expect(new URL(url).searchParams.has('code_challenge')).toBe(false);
    await auth.callback({ provider: 'bodyauth', query: { code: 'auth-code', state, realmId: '1' } });
    expect(calls[0]?.headers.get('authorization')).toBeNull();
    expect(Object.fromEntries(calls[0]?.form ?? [])).toEqual({
      grant_type: 'authorization_code',
      code: 'auth-code',
      redirect_uri: 'https://app.example.test/oauth/quickbooks',
      client_id: 'qb-client',
      client_secret: 'qb-secret',
    });
  });

  it('two concurrent callbacks for the same organization end in one connected integration', async () => {
    const storage = memoryStorage();
    const vault = createVault([{ kid: 'k1', key: randomBytes(32) }]);
    const auth = createAuthManager({ storage, vault, connectors: [quickbooks] });
    tokenEndpoint([tokens('at-a', 'rt-a'), tokens('at-b', 'rt-b')]);
    const a = await auth.authorizeUrl({ organizationId: 'org_9', provider: 'quickbooks' });
    const b = await auth.authorizeUrl({ organizationId: 'org_9', provider: 'quickbooks' });
    const [x, y] = await Promise.all([
      auth.callback({ provider: 'quickbooks', query: { code: 'c1', state: a.state, realmId: '1' } }),
      auth.callback({ provider: 'quickbooks', query: { code: 'c2', state: b.state, realmId: '1' } }),
    ]);
    expect(x.id).toBe(y.id);
    expect(await storage.integrations.list()).toHaveLength(1);
    expect((await storage.integrations.get(x.id))?.status).toBe('connected');
  });

  it('revokes with a JSON body {token} on disconnect', async () => {
    const { auth, integration, storage } = await connect(() => Date.now());
    const bodies: unknown[] = [];
    server.use(
      http.post(REVOKE_URL, async ({ request }) => {
        bodies.push({ json: await request.json(), auth: request.headers.get('authorization') });
        return new HttpResponse(null, { status: 200 });
      }),
    );
    await auth.disconnect(integration.id);
    expect(bodies).toEqual([{ json: { token: 'rt-1' }, auth: `Basic ${btoa('qb-client:qb-secret')}` }]);
    expect(await storage.integrations.get(integration.id)).toMatchObject({
      status: 'disconnected',
      credentials: null,
    });
  });

  it('still disconnects when revocation fails', async () => {
    const { auth, integration, storage } = await connect(() => Date.now());
    server.use(http.post(REVOKE_URL, () => HttpResponse.json({ error: 'server' }, { status: 503 })));
    await auth.disconnect(integration.id);
    expect((await storage.integrations.get(integration.id))?.status).toBe('disconnected');
  });
});
