import {
  type IntegrationInfo,
  isConfigError,
  type OAuth2AuthSpec,
  type RateLimitSpec,
} from '@syncbridge/core';
import { describe, expect, it } from 'vitest';
import { quickbooks } from '../src/index.js';
import { connectToFake, entityOf } from './helpers/connect-to-fake.js';
import { harness, useTransports } from './helpers/fake-harness.js';

useTransports();

const base = {
  clientId: 'fake-client-id',
  clientSecret: 'fake-client-secret',
  redirectUri: 'https://app.example.com/callback',
};

describe('quickbooks() configuration', () => {
  it('declares Intuit OAuth, the API host per environment and a per-realm rate limit', () => {
    const sandbox = quickbooks({ ...base, environment: 'sandbox' });
    const production = quickbooks({ ...base, environment: 'production' });
    expect(sandbox.baseUrl).toBe('https://sandbox-quickbooks.api.intuit.com');
    expect(production.baseUrl).toBe('https://quickbooks.api.intuit.com');
    expect(sandbox.category).toBe('accounting');
    expect(sandbox.auth).toMatchObject({
      type: 'oauth2',
      authorizeUrl: 'https://appcenter.intuit.com/connect/oauth2',
      tokenUrl: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
      revokeUrl: 'https://developer.api.intuit.com/v2/oauth2/tokens/revoke',
      revokeBody: 'json',
      scopes: ['com.intuit.quickbooks.accounting'],
      clientAuth: 'basic',
      tokenHeaders: { 'x-include-refresh-token-hard-expires-in': 'true' },
      callbackParams: ['realmId'],
    });
    const integration: IntegrationInfo = {
      id: 'i1',
      organizationId: 'o1',
      provider: 'quickbooks',
      config: { realmId: '42' },
    };
    const limit = (sandbox.rateLimit as (i: IntegrationInfo, c: never) => RateLimitSpec)(
      integration,
      undefined as never,
    );
    // 500/min cut into 19 fixed windows of 25 (see quickBooksRateLimit): never over 500 in a sliding minute.
    expect(limit).toEqual({ requests: 25, intervalMs: 3158, concurrency: 10, scope: 'quickbooks:42' });
  });

  it('fails at construction with every problem listed', () => {
    let error: unknown;
    try {
      quickbooks({
        clientId: '',
        clientSecret: 's',
        redirectUri: 'not a url',
        environment: 'sandbox',
        minorVersion: 65,
      });
    } catch (e) {
      error = e;
    }
    expect(isConfigError(error)).toBe(true);
    const problems = (error as { problems: string[] }).problems.join('\n');
    expect(problems).toMatch(/clientId/);
    expect(problems).toMatch(/redirectUri/);
    expect(problems).toMatch(/minorVersion/);
  });

  it('completes the OAuth flow against the fake through its auth spec (authBaseUrls)', async () => {
    const h = await harness('loopback');
    const connector = quickbooks({
      ...base,
      environment: 'sandbox',
      baseUrl: h.apiBase,
      authBaseUrls: h.apiBase,
    });
    const auth = connector.auth as OAuth2AuthSpec;
    expect(auth.tokenUrl).toBe(`${h.apiBase}/oauth2/v1/tokens/bearer`);
    const authorize = new URL(auth.authorizeUrl);
    authorize.search = new URLSearchParams({
      client_id: auth.clientId,
      redirect_uri: auth.redirectUri,
      response_type: 'code',
      scope: auth.scopes.join(auth.scopeSeparator ?? ' '),
      state: 'state-1',
    }).toString();
    const redirect = await fetch(authorize, { redirect: 'manual' });
    const callback = new URL(redirect.headers.get('location') as string);
    const kept = Object.fromEntries(
      (auth.callbackParams ?? []).map((p) => [p, callback.searchParams.get(p)]),
    );
    expect(kept).toEqual({ realmId: h.fake.defaultRealmId });
    const token = await fetch(auth.tokenUrl, {
      method: 'POST',
      headers: {
        ...auth.tokenHeaders,
        authorization: `Basic ${Buffer.from(`${auth.clientId}:${auth.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code') as string,
        redirect_uri: auth.redirectUri,
      }).toString(),
    });
    const body = (await token.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ expires_in: 3600, x_refresh_token_expires_in: 8726400 });
    expect(typeof body.x_refresh_token_hard_expires_in).toBe('number');
    const revoke = await fetch(auth.revokeUrl as string, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${auth.clientId}:${auth.clientSecret}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ token: body.refresh_token }),
    });
    expect(revoke.status).toBe(200);
  });

  it('needs the realmId in the integration config', async () => {
    const h = await harness('msw');
    const { connector, ctx } = connectToFake(h);
    const noRealm = { ...ctx, integration: { ...ctx.integration, config: {} } };
    const error = await entityOf(connector, 'Customer')
      .get(noRealm, '1')
      .catch((e) => e);
    expect(isConfigError(error)).toBe(true);
    expect(error.message).toContain('realmId');
  });

  it('voids an invoice through the voidInvoice action', async () => {
    const h = await harness('msw');
    const [inv] = h.fake.seed.invoices(1) as { Id: string; SyncToken: string }[];
    const { connector, ctx } = connectToFake(h);
    const action = connector.actions?.voidInvoice;
    const input = action?.input.parse({ id: inv?.Id, version: inv?.SyncToken, idempotencyKey: 'void-1' });
    const voided = (await action?.run(ctx, input)) as { TotalAmt: number; SyncToken: string };
    expect(voided.TotalAmt).toBe(0);
    expect(voided.SyncToken).toBe('1');
    expect(h.fake.requests.at(-1)?.query).toMatchObject({ operation: 'void', minorversion: '75' });
  });
});
