import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type OAuth2Credentials, oauth2 } from '../connector/auth-spec.js';
import { defineConnector } from '../connector/define-connector.js';
import { type Integration, integrationPatchSchema } from '../domain/integration.js';
import { memoryStorage } from '../storage/memory/memory-storage.js';
import type { IntegrationStore, StorageAdapter } from '../storage/storage-adapter.js';
import { createVault } from '../vault/vault.js';
import { createAuthManager } from './create-auth-manager.js';

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
    clientId: 'c',
    clientSecret: 's',
    redirectUri: 'https://app.example.test/cb',
    scopes: [],
  }),
  baseUrl: API,
  entities: {},
});

/**
 * A throwaway PGlite-backed path: integrations live in a real Postgres table (so every re-read
 * goes through SQL), and `withLock` runs inside a PGlite transaction, which PGlite serialises
 * across every adapter sharing the instance, like an advisory lock across processes. Reads made
 * inside the lock use the transaction (AsyncLocalStorage), as a pooled adapter would.
 */
async function pgliteStorages(
  count: number,
): Promise<{ adapters: StorageAdapter[]; close: () => Promise<void> }> {
  const pg = new PGlite();
  await pg.exec(`CREATE TABLE integrations (
    id text PRIMARY KEY, organization_id text NOT NULL, provider text NOT NULL, doc jsonb NOT NULL,
    UNIQUE (organization_id, provider))`);
  const current = new AsyncLocalStorage<Transaction>();
  const db = () => current.getStore() ?? pg;
  const revive = (doc: Record<string, unknown>): Integration => {
    const out = { ...doc };
    for (const key of ['createdAt', 'updatedAt', 'lastSyncAt', 'nextSyncAt', 'lastErrorAt']) {
      if (typeof out[key] === 'string') out[key] = new Date(out[key] as string);
    }
    return out as Integration;
  };
  const one = async (sql: string, params: unknown[]) => {
    const { rows } = await db().query<{ doc: Record<string, unknown> }>(sql, params);
    return rows[0] ? revive(rows[0].doc) : null;
  };
  const scratch = memoryStorage(); // fills in an integration's defaults exactly as core does
  const integrations: IntegrationStore = {
    async create(input) {
      const row = await scratch.integrations.create(input);
      await db().query('INSERT INTO integrations VALUES ($1, $2, $3, $4)', [
        row.id,
        row.organizationId,
        row.provider,
        row,
      ]);
      return row;
    },
    get: (id) => one('SELECT doc FROM integrations WHERE id = $1', [id]),
    getByProvider: (org, provider) =>
      one('SELECT doc FROM integrations WHERE organization_id = $1 AND provider = $2', [org, provider]),
    async list() {
      const { rows } = await db().query<{ doc: Record<string, unknown> }>(
        'SELECT doc FROM integrations ORDER BY id',
      );
      return rows.map((r) => revive(r.doc));
    },
    async update(id, patch) {
      const existing = await this.get(id);
      if (!existing) throw new Error(`no integration ${id}`);
      const next = { ...existing, ...integrationPatchSchema.parse(patch), updatedAt: new Date() };
      await db().query('UPDATE integrations SET doc = $2 WHERE id = $1', [id, next]);
      return next;
    },
    async delete(id) {
      const { affectedRows } = await db().query('DELETE FROM integrations WHERE id = $1', [id]);
      return (affectedRows ?? 0) > 0;
    },
  };
  const adapters = Array.from({ length: count }, () => {
    const base = memoryStorage();
    const adapter: StorageAdapter = {
      ...base,
      name: 'pglite-race',
      integrations,
      withLock: (_key, fn) => pg.transaction((tx) => current.run(tx, fn)),
    };
    return adapter;
  });
  return { adapters, close: () => pg.close() };
}

const backends: Record<
  string,
  (count: number) => Promise<{ adapters: StorageAdapter[]; close: () => Promise<void> }>
> = {
  // One memory storage shared by the three managers: its in-process lock stands in for a cross-process one.
  memory: async (count) => {
    const storage = memoryStorage();
    return { adapters: Array.from({ length: count }, () => storage), close: async () => {} };
  },
  pglite: pgliteStorages,
};

describe.each(Object.keys(backends))('refresh race (%s storage)', (backend) => {
  it('50 concurrent calls through three auth managers with an expired token cause exactly one refresh', async () => {
    const { adapters, close } = await (backends[backend] as (typeof backends)['memory'])(3);
    try {
      const keys = [{ kid: 'k1', key: randomBytes(32) }];
      const expired: OAuth2Credentials = {
        type: 'oauth2',
        accessToken: 'at-0',
        refreshToken: 'rt-0',
        expiresAt: Date.now() - 1000,
      };
      const seedVault = createVault(keys);
      const integration = await (adapters[0] as StorageAdapter).integrations.create({
        organizationId: 'org_1',
        provider: 'acme',
        status: 'connected',
        credentials: await seedVault.encrypt(expired),
      });

      // A strict provider: refresh tokens rotate, a superseded one is invalid_grant, stale access tokens get 401.
      let valid = { access: 'at-0', refresh: 'rt-0', generation: 0 };
      let tokenRequests = 0;
      server.use(
        http.post(TOKEN_URL, async ({ request }) => {
          tokenRequests += 1;
          const form = new URLSearchParams(await request.text());
          if (form.get('refresh_token') !== valid.refresh) {
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
        http.get(`${API}/v1/ping`, ({ request }) =>
          request.headers.get('authorization') === `Bearer ${valid.access}` && valid.generation > 0
            ? HttpResponse.json({ ok: true })
            : HttpResponse.json({ error: 'invalid_token' }, { status: 401 }),
        ),
      );

      const managers = adapters.map((storage) =>
        createAuthManager({ storage, vault: createVault(keys), connectors: [connector] }),
      );
      const results = await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          const ctx = await (managers[i % 3] as (typeof managers)[number]).context(integration.id);
          return ctx.http.request<{ ok: boolean }>({ method: 'GET', path: '/v1/ping' });
        }),
      );
      expect(results.every((r) => r.status === 200 && r.data.ok)).toBe(true);
      expect(tokenRequests).toBe(1);
      const stored = await (adapters[1] as StorageAdapter).integrations.get(integration.id);
      expect(await seedVault.decrypt(stored?.credentials as string)).toMatchObject({
        accessToken: 'at-1',
        refreshToken: 'rt-1',
      });
    } finally {
      await close();
    }
  }, 60_000); // PGlite's WebAssembly start-up is slow on a shared CPU
});
