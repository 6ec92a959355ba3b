import { describe, expect, it } from 'vitest';
import { harness, TRANSPORTS, useTransports } from './helpers/fake-harness.js';

useTransports();

const basic = (id = 'fake-client-id', secret = 'fake-client-secret') =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function tokenRequest(url: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: basic(), 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe.each(TRANSPORTS)('fake QuickBooks OAuth over %s', (transport) => {
  async function authorize(h: Awaited<ReturnType<typeof harness>>) {
    const url = new URL(h.authorizeUrl);
    url.search = new URLSearchParams({
      client_id: 'fake-client-id',
      redirect_uri: 'https://app.example.com/callback',
      response_type: 'code',
      scope: 'com.intuit.quickbooks.accounting',
      state: 'st-1',
    }).toString();
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location') as string);
  }

  it('redirects with code, state and realmId, and a code works exactly once', async () => {
    const h = await harness(transport);
    const callback = await authorize(h);
    expect(callback.origin + callback.pathname).toBe('https://app.example.com/callback');
    expect(callback.searchParams.get('state')).toBe('st-1');
    expect(callback.searchParams.get('realmId')).toBe(h.fake.defaultRealmId);
    const code = callback.searchParams.get('code') as string;
    const form = { grant_type: 'authorization_code', code, redirect_uri: 'https://app.example.com/callback' };
    const first = await tokenRequest(h.tokenUrl, form, { 'x-include-refresh-token-hard-expires-in': 'true' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      token_type: 'bearer',
      expires_in: 3600,
      x_refresh_token_expires_in: 8726400,
    });
    expect(first.body.x_refresh_token_hard_expires_in).toBe(5 * 365 * 24 * 3600);
    const second = await tokenRequest(h.tokenUrl, form);
    expect(second).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    expect(h.fake.oauth.stats.codeExchanges).toBe(2);
    // The access token it issued opens the company API.
    const info = await h.api('companyinfo/1', { token: first.body.access_token as string });
    expect(info.status).toBe(200);
  });

  it('omits the hard expiry without the header and rejects a wrong client secret', async () => {
    const h = await harness(transport);
    const { refreshToken } = h.fake.issueTokens();
    const ok = await tokenRequest(h.tokenUrl, { grant_type: 'refresh_token', refresh_token: refreshToken });
    expect(ok.body).not.toHaveProperty('x_refresh_token_hard_expires_in');
    const res = await fetch(h.tokenUrl, {
      method: 'POST',
      headers: {
        authorization: basic('fake-client-id', 'wrong'),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=refresh_token&refresh_token=x',
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'invalid_client' });
  });

  it('rotates refresh tokens: the superseded one is invalid_grant', async () => {
    const h = await harness(transport);
    const { refreshToken } = h.fake.issueTokens();
    const first = await tokenRequest(h.tokenUrl, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).not.toBe(refreshToken);
    const stale = await tokenRequest(h.tokenUrl, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });
    expect(stale.status).toBe(400);
    expect(stale.body.error).toBe('invalid_grant');
    const next = await tokenRequest(h.tokenUrl, {
      grant_type: 'refresh_token',
      refresh_token: first.body.refresh_token as string,
    });
    expect(next.status).toBe(200);
    expect(h.fake.oauth.stats).toMatchObject({ refreshCalls: 3, invalidGrants: 1 });
  });

  it('returns the same refresh token for a while in stable mode', async () => {
    const h = await harness(transport, { oauth: { refreshTokenMode: 'stable' } });
    const { refreshToken } = h.fake.issueTokens();
    const a = await tokenRequest(h.tokenUrl, { grant_type: 'refresh_token', refresh_token: refreshToken });
    expect(a.body.refresh_token).toBe(refreshToken);
    h.fake.clock.advance(25 * 3600 * 1000);
    const b = await tokenRequest(h.tokenUrl, { grant_type: 'refresh_token', refresh_token: refreshToken });
    expect(b.body.refresh_token).not.toBe(refreshToken);
  });

  it('expires access tokens by the fake clock with the lowercase gateway fault', async () => {
    const h = await harness(transport);
    expect((await h.api('companyinfo/1')).status).toBe(200);
    h.fake.clock.advance(3600 * 1000);
    const res = await h.api('companyinfo/1');
    expect(res.status).toBe(401);
    const body = (await res.json()) as { fault: { error: { code: string; detail: string }[]; type: string } };
    expect(body.fault.type).toBe('AUTHENTICATION');
    expect(body.fault.error[0]?.code).toBe('3200');
    expect(body.fault.error[0]?.detail).toMatch(/Token expired/);
  });

  it('denies consent when configured and revokes a grant with a JSON body', async () => {
    const h = await harness(transport, { oauth: { deny: true } });
    const callback = await authorize(h);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.has('code')).toBe(false);
    const { accessToken, refreshToken } = h.fake.issueTokens();
    const res = await fetch(h.revokeUrl, {
      method: 'POST',
      headers: { authorization: basic(), 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ token: refreshToken }),
    });
    expect(res.status).toBe(200);
    expect((await h.api('companyinfo/1', { token: accessToken })).status).toBe(401);
    const refresh = await tokenRequest(h.tokenUrl, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });
    expect(refresh.body.error).toBe('invalid_grant');
    expect(h.fake.oauth.stats.revokeCalls).toBe(1);
  });
});
