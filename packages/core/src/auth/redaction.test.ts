import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { apiKey, oauth2 } from '../connector/auth-spec.js';
import { defineConnector } from '../connector/define-connector.js';
import { ProviderError } from '../errors/provider-error.js';
import type { Logger } from '../logging/logger.js';
import { memoryStorage } from '../storage/memory/memory-storage.js';
import { createVault } from '../vault/vault.js';
import { createAuthManager } from './create-auth-manager.js';

const API_KEY = 'sk_test_SECRETKEY1234567890';
const CLIENT_SECRET = 'cs-SECRET-0a1b2c3d4e';
const ACCESS_TOKEN = 'at-SECRET-5f6a7b8c9d';
const REFRESH_TOKEN = 'rt-SECRET-e0f1a2b3c4';
const CODE = 'code-SECRET-d5e6f7a8';
const REJECTED_KEY = 'sk_live_REJECTEDVALUE999';
const SECRETS = [API_KEY, CLIENT_SECRET, ACCESS_TOKEN, REFRESH_TOKEN, CODE, REJECTED_KEY];

const STRIPE = 'https://api.stripe.test';
const QB = 'https://qb.provider.test';
const TOKEN_URL = 'https://oauth.provider.test/token';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const lines: string[] = [];
const capture = (level: string) => (fields: Record<string, unknown>, message?: string) => {
  lines.push(
    `${level} ${message ?? ''} ${JSON.stringify(fields)} ${inspect(fields, { depth: 10, showHidden: true })}`,
  );
};
const logger: Logger = {
  trace: capture('trace'),
  debug: capture('debug'),
  info: capture('info'),
  warn: capture('warn'),
  error: capture('error'),
};

/** Everything an error shows: message, stack, own properties as JSON, the cause chain, and inspect's view. */
function everything(error: unknown): string {
  const parts: string[] = [inspect(error, { depth: 10, showHidden: true })];
  let current: unknown = error;
  for (let depth = 0; depth < 10 && current !== undefined && current !== null; depth += 1) {
    if (current instanceof Error) {
      parts.push(current.message, current.stack ?? '');
      const own: Record<string, unknown> = {};
      for (const key of Object.getOwnPropertyNames(current))
        own[key] = (current as unknown as Record<string, unknown>)[key];
      parts.push(JSON.stringify(own, (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
      current = current.cause;
    } else {
      parts.push(JSON.stringify(current));
      current = (current as { cause?: unknown }).cause;
    }
  }
  return parts.join('\n');
}

const stripeLike = defineConnector({
  provider: 'stripe',
  displayName: 'Stripe',
  category: 'payments',
  auth: apiKey({
    credentials: z.object({ apiKey: z.string().startsWith('sk_test_') }),
    apply: (headers, c) => headers.set('authorization', `Bearer ${c.apiKey}`),
  }),
  baseUrl: STRIPE,
  entities: {},
  // A careless connector that copies the request's echo into its error: core must scrub it.
  mapError: (response) =>
    response.status === 402
      ? new ProviderError(`card declined: ${response.body}`, { provider: 'stripe', status: 402 })
      : undefined,
});

const oauthLike = defineConnector({
  provider: 'qb',
  displayName: 'QB',
  category: 'accounting',
  auth: oauth2({
    authorizeUrl: 'https://oauth.provider.test/authorize',
    tokenUrl: TOKEN_URL,
    revokeUrl: 'https://oauth.provider.test/revoke',
    clientId: 'client',
    clientSecret: CLIENT_SECRET,
    redirectUri: 'https://app.example.test/cb',
    scopes: ['a'],
  }),
  baseUrl: QB,
  entities: {},
});

it('no secret appears in any log line, error message, stack, property, cause chain or stored row of failing runs', async () => {
  const storage = memoryStorage();
  const auth = createAuthManager({
    storage,
    vault: createVault([{ kid: 'k1', key: randomBytes(32) }]),
    connectors: [stripeLike, oauthLike],
    logger,
    http: { retry: { limit: 1, baseDelayMs: 0 } },
  });
  const errors: unknown[] = [];
  const collect = (promise: Promise<unknown>) =>
    promise.then(
      () => errors.push(new Error('expected a failure')),
      (error: unknown) => errors.push(error),
    );
  const echo = async ({ request }: { request: Request }) =>
    `auth=${request.headers.get('authorization')} key ${API_KEY}`;

  // API key: rejected value at connect, then provider errors that echo the key back.
  await collect(
    auth.connectApiKey({
      organizationId: 'org_1',
      provider: 'stripe',
      credentials: { apiKey: REJECTED_KEY },
    }),
  );
  const stripe = await auth.connectApiKey({
    organizationId: 'org_1',
    provider: 'stripe',
    credentials: { apiKey: API_KEY },
  });
  server.use(
    http.get(`${STRIPE}/v1/401`, async (info) =>
      HttpResponse.json(
        { error: { message: `Invalid API Key provided: ${await echo(info)}` } },
        { status: 401 },
      ),
    ),
    http.get(`${STRIPE}/v1/400`, async (info) =>
      HttpResponse.json({ error: { message: await echo(info), param: 'x' } }, { status: 400 }),
    ),
    http.get(`${STRIPE}/v1/402`, async (info) => HttpResponse.text(await echo(info), { status: 402 })),
    http.get(`${STRIPE}/v1/500`, async (info) => HttpResponse.text(await echo(info), { status: 500 })),
    http.get(`${STRIPE}/v1/net`, () => HttpResponse.error()),
  );
  const stripeCtx = await auth.context(stripe.id);
  for (const path of ['/v1/401', '/v1/400', '/v1/402', '/v1/500', '/v1/net']) {
    await collect(stripeCtx.http.request({ method: 'GET', path, query: { api_key: API_KEY } }));
  }

  // OAuth: an exchange rejected with the client secret echoed, then a connection whose refresh is rejected echoing the token.
  server.use(
    http.post(TOKEN_URL, async ({ request }) => {
      const form = new URLSearchParams(await request.text());
      if (form.get('grant_type') === 'authorization_code' && form.get('code') !== CODE) {
        return HttpResponse.json(
          {
            error: 'invalid_client',
            error_description: `client_secret ${CLIENT_SECRET} is wrong for ${request.headers.get('authorization')}`,
          },
          { status: 401 },
        );
      }
      if (form.get('grant_type') === 'authorization_code') {
        return HttpResponse.json({
          access_token: ACCESS_TOKEN,
          refresh_token: REFRESH_TOKEN,
          expires_in: 3600,
        });
      }
      return HttpResponse.json(
        {
          error: 'invalid_grant',
          error_description: `refresh token ${form.get('refresh_token')} was revoked`,
        },
        { status: 400 },
      );
    }),
    http.get(`${QB}/v3/me`, () =>
      HttpResponse.json(
        { fault: { error: [{ message: `token ${ACCESS_TOKEN} expired` }] } },
        { status: 401 },
      ),
    ),
    http.post('https://oauth.provider.test/revoke', () =>
      HttpResponse.json({ error: `cannot revoke ${REFRESH_TOKEN}` }, { status: 500 }),
    ),
  );
  const first = await auth.authorizeUrl({ organizationId: 'org_1', provider: 'qb' });
  await collect(auth.callback({ provider: 'qb', query: { state: first.state, code: 'code-wrong-1234' } }));
  const second = await auth.authorizeUrl({ organizationId: 'org_1', provider: 'qb' });
  const qb = await auth.callback({ provider: 'qb', query: { state: second.state, code: CODE } });
  const qbCtx = await auth.context(qb.id);
  await collect(qbCtx.http.request({ method: 'GET', path: '/v3/me' }));
  await collect(auth.context(qb.id));
  await collect(auth.refresh(qb.id));
  const rowsAfterExpiry = JSON.stringify(await storage.integrations.list());
  expect(rowsAfterExpiry).toContain('"status":"expired"');
  const third = await auth.authorizeUrl({ organizationId: 'org_1', provider: 'qb' });
  await auth.callback({ provider: 'qb', query: { state: third.state, code: CODE } });
  await auth.disconnect(qb.id);

  expect(errors).toHaveLength(10);
  expect(errors.every((e) => e instanceof Error && !(e.message === 'expected a failure'))).toBe(true);
  expect(lines.length).toBeGreaterThan(10);
  const haystacks = [
    ...errors.map(everything),
    ...lines,
    rowsAfterExpiry,
    JSON.stringify(await storage.integrations.list()),
  ];
  for (const secret of SECRETS) {
    const leaks = haystacks.filter((text) => text.includes(secret));
    expect(leaks, `secret ${secret.slice(0, 6)}… leaked`).toEqual([]);
  }
  // The errors still say what went wrong.
  expect((errors[1] as Error).message).toBe(
    'Stripe GET /v1/401 failed with 401 (Invalid API Key provided: auth=Bearer [redacted] key [redacted]). The credentials were rejected. Reconnect the integration.',
  );
  expect((errors[6] as Error).message).toContain('invalid_client');
});
