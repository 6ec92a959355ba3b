/*
 * Issue #5 on real storage: three bridges share one postgresStorage (PGlite, and the real server
 * when DATABASE_URL is set; there also three storages on three pools, as three processes would
 * have). 50 concurrent API calls with an expired access token against a strict provider whose
 * refresh tokens rotate: exactly one refresh reaches the token endpoint and every call succeeds.
 */
import { randomBytes } from 'node:crypto';
import {
  createSyncBridge,
  createVault,
  defineConnector,
  memoryLocalStore,
  type OAuth2Credentials,
  oauth2,
  type StorageAdapter,
} from '@syncbridge/core';
import { postgresStorage } from '@syncbridge/storage-postgres';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DATABASE_URL,
  dropSchema,
  freshSchema,
  openPostgres,
  sqlBackends,
  type TestDatabase,
} from './support/databases.js';

const TOKEN_URL = 'https://auth.provider.test/oauth/token';
const API = 'https://api.provider.test';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const connector = defineConnector({
  provider: 'acme',
  category: 'accounting',
  auth: oauth2({
    authorizeUrl: 'https://auth.provider.test/authorize',
    tokenUrl: TOKEN_URL,
    clientId: 'client',
    clientSecret: 'client-secret',
    redirectUri: 'https://app.example.test/cb',
    scopes: [],
  }),
  baseUrl: API,
  entities: {},
});

/** A strict provider: refresh tokens rotate, a superseded one is invalid_grant, stale access tokens get 401. */
function strictProvider() {
  let valid = { access: 'at-0', refresh: 'rt-0', generation: 0 };
  const counts = { tokenRequests: 0, apiCalls: 0 };
  server.use(
    http.post(TOKEN_URL, async ({ request }) => {
      counts.tokenRequests += 1;
      const form = new URLSearchParams(await request.text());
      if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== valid.refresh) {
        return HttpResponse.json({ error: 'invalid_grant' }, { status: 400 });
      }
      const generation = valid.generation + 1;
      valid = { access: `at-${generation}`, refresh: `rt-${generation}`, generation };
      return HttpResponse.json({
        access_token: valid.access,
        refresh_token: valid.refresh,
        expires_in: 3600,
      });
    }),
    http.get(`${API}/v1/ping`, ({ request }) => {
      counts.apiCalls += 1;
      return request.headers.get('authorization') === `Bearer ${valid.access}` && valid.generation > 0
        ? HttpResponse.json({ ok: true })
        : HttpResponse.json({ error: 'invalid_token' }, { status: 401 });
    }),
  );
  return counts;
}

async function race(storages: readonly StorageAdapter[]) {
  const keys = [{ kid: 'k1', key: randomBytes(32) }];
  const vault = createVault(keys);
  const bridges = storages.map((storage) =>
    createSyncBridge({
      storage,
      encryptionKeys: keys,
      connectors: [connector],
      local: { customer: memoryLocalStore() },
    }),
  );
  await storages[0]!.migrate();
  const expired: OAuth2Credentials = {
    type: 'oauth2',
    accessToken: 'at-0',
    refreshToken: 'rt-0',
    expiresAt: Date.now() - 1000,
  };
  const integration = await storages[0]!.integrations.create({
    organizationId: 'org_1',
    provider: 'acme',
    status: 'connected',
    credentials: await vault.encrypt(expired),
  });
  const counts = strictProvider();
  try {
    const results = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const bridge = bridges[i % bridges.length]!;
        const ctx = await bridge.internals.auth.context(integration.id);
        return ctx.http.request<{ ok: boolean }>({ method: 'GET', path: '/v1/ping' });
      }),
    );
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(counts.tokenRequests).toBe(1);
    const stored = await storages.at(-1)!.integrations.get(integration.id);
    expect(stored?.status).toBe('connected');
    expect(await vault.decrypt(stored!.credentials!)).toMatchObject({
      accessToken: 'at-1',
      refreshToken: 'rt-1',
    });
  } finally {
    await Promise.all(bridges.map((b) => b.close()));
  }
}

describe.each(sqlBackends())('token refresh race on $name', ({ name, open }) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('50 concurrent calls through three bridges on one postgresStorage cause exactly one refresh', async () => {
    const schema = freshSchema();
    try {
      await race(Array(3).fill(postgresStorage({ ...db.connection, schema })));
    } finally {
      await dropSchema(db, schema);
    }
  });

  // Only a server has separate sessions: PGlite is one connection in one process.
  if (name === 'postgres')
    it('50 concurrent calls through three bridges on three pools (three processes) cause exactly one refresh', async () => {
      const schema = freshSchema();
      const pools = [
        openPostgres(DATABASE_URL!, 4),
        openPostgres(DATABASE_URL!, 4),
        openPostgres(DATABASE_URL!, 4),
      ];
      try {
        await race(pools.map((p) => postgresStorage({ ...p.connection, schema })));
      } finally {
        await dropSchema(db, schema);
        await Promise.all(pools.map((p) => p.close()));
      }
    });
});
