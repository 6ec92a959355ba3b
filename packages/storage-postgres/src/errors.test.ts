import { isConfigError, isNotFoundError, isStorageError, StorageError } from '@syncbridge/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toStorageError } from './errors.js';
import { type PostgresStorage, postgresStorage } from './postgres-storage.js';
import {
  backends,
  dropSchema,
  freshSchema,
  openPglite,
  type TestDatabase,
} from './test-support/databases.js';

/** Everything a logger could print of an error's cause. */
const printed = (cause: unknown) => {
  const c = cause as Error & Record<string, unknown>;
  return [String(c), c.stack ?? '', JSON.stringify({ ...c })].join('\n');
};

let db: TestDatabase;
let storage: PostgresStorage;
beforeAll(async () => {
  db = await openPglite();
  storage = postgresStorage({ ...db.connection, schema: freshSchema() });
  await storage.migrate();
});
afterAll(async () => {
  await dropSchema(db, storage.schema);
  await db.close();
});

describe('error mapping', () => {
  it('reports a unique violation as STORAGE_UNIQUE_VIOLATION without the values in the message', async () => {
    const organizationId = 'org-with-a-distinctive-value-7731';
    await storage.integrations.create({ organizationId, provider: 'stripe' });
    const error = await storage.integrations.create({ organizationId, provider: 'stripe' }).catch((e) => e);
    expect(isStorageError(error)).toBe(true);
    expect(error.code).toBe('STORAGE_UNIQUE_VIOLATION');
    expect(error.failure).toBe('unique_violation');
    expect(error.operation).toBe('integrations.create');
    expect(error.message).toContain('integrations.create');
    expect(error.message).toContain('organization and provider');
    expect(error.message).not.toContain(organizationId);
    expect((error.cause as { code?: string }).code).toBe('23505');
  });

  it('never echoes a rejected value into the message (a NUL in a credential)', async () => {
    const credentials = 'ciphertext-part-one\u0000ciphertext-part-two';
    const error = await storage.integrations
      .create({ organizationId: 'o-nul', provider: 'p', credentials })
      .catch((e) => e);
    expect(isStorageError(error)).toBe(true);
    expect(error.code).toBe('STORAGE_ERROR');
    expect(error.message).toContain('integrations.create failed');
    expect(error.message).toContain('NUL');
    expect(error.message).not.toContain('ciphertext-part');
    expect(error.cause).toBeDefined();
    expect(await storage.integrations.getByProvider('o-nul', 'p')).toBeNull();
  });

  it('reports a missing parent row as NotFoundError naming the parent', async () => {
    const error = await storage.webhooks
      .create({ integrationId: 'no-such-integration', provider: 'p' })
      .catch((e) => e);
    expect(isNotFoundError(error)).toBe(true);
    expect(error.resource).toBe('integration');
    expect(error.message).toMatch(/^webhooks\.create failed: no integration/);
    const event = await storage.webhookEvents
      .insert({ provider: 'p', eventId: 'e-orphan', integrationId: 'no-such-integration', payload: {} })
      .catch((e) => e);
    expect(isNotFoundError(event)).toBe(true);
    expect(event.resource).toBe('integration');
    const integration = await storage.integrations.create({ organizationId: 'o-fk', provider: 'p' });
    const log = await storage.syncLogs
      .create({ integrationId: integration.id, syncConfigId: 'no-such-config', syncType: 'full' })
      .catch((e) => e);
    expect(isNotFoundError(log)).toBe(true);
    expect(log).toMatchObject({ resource: 'sync config', id: 'no-such-config' });
    const links = await storage.syncRecords
      .upsert([{ syncConfigId: 'no-such-config', localId: 'l1' }])
      .catch((e) => e);
    expect(isNotFoundError(links)).toBe(true);
    expect(links).toMatchObject({ resource: 'sync config', id: 'no-such-config' });
  });

  it('tells the host to migrate when the tables are missing', async () => {
    const unmigrated = postgresStorage({ ...db.connection, schema: freshSchema() });
    const error = await unmigrated.integrations.list().catch((e) => e);
    expect(isStorageError(error)).toBe(true);
    expect(error.operation).toBe('integrations.list');
    expect(error.message).toContain('storage.migrate()');
  });

  it('reports a refused connection as STORAGE_CONNECTION with the driver error as cause', async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const pool = new pg.Pool({
      host: '127.0.0.1',
      port: 1,
      user: 'postgres',
      connectionTimeoutMillis: 5_000,
    });
    try {
      const closed = postgresStorage({ pool });
      for (const attempt of [
        () => closed.integrations.get('i1'),
        () => closed.transaction(async (tx) => tx.integrations.get('i1')),
        () => closed.withLock('k', async () => 'never'),
        () => closed.migrate(),
      ]) {
        const error = await attempt().catch((e) => e);
        expect(isStorageError(error)).toBe(true);
        expect(error.failure).toBe('connection');
        expect(error.code).toBe('STORAGE_CONNECTION');
        expect(error.message).toContain('ECONNREFUSED');
        expect((error.cause as { code?: string }).code).toBe('ECONNREFUSED');
      }
    } finally {
      await pool.end();
    }
  });

  it('classifies serialization failures, deadlocks and timeouts by SQLSTATE', () => {
    const cases: [string, string][] = [
      ['40001', 'STORAGE_SERIALIZATION'],
      ['40P01', 'STORAGE_SERIALIZATION'],
      ['57014', 'STORAGE_TIMEOUT'],
      ['08006', 'STORAGE_CONNECTION'],
      ['XX000', 'STORAGE_ERROR'],
    ];
    // Client-side failures of the drivers come without SQLSTATE.
    const timeout = toStorageError(new Error('timeout exceeded when trying to connect'), { operation: 'op' });
    expect((timeout as StorageError).code).toBe('STORAGE_TIMEOUT');
    const lost = toStorageError(new Error('Connection terminated unexpectedly'), { operation: 'op' });
    expect((lost as StorageError).code).toBe('STORAGE_CONNECTION');
    for (const [code, expected] of cases) {
      const cause = Object.assign(new Error('value "secret-param" made it fail'), { code });
      const error = toStorageError(cause, { operation: 'syncRecords.upsert' }) as StorageError;
      expect(error).toBeInstanceOf(StorageError);
      expect(error.code, code).toBe(expected);
      expect(error.cause).toBe(cause);
      expect(error.message).toMatch(/^syncRecords\.upsert failed: /);
      expect(error.message).not.toContain('secret-param');
    }
  });

  it('lets the caller’s own error out of a transaction unchanged', async () => {
    const boom = new Error('boom');
    await expect(storage.transaction(async () => Promise.reject(boom))).rejects.toBe(boom);
  });
});

describe.each(backends())('driver errors kept as cause on $name', ({ open }) => {
  let db2: TestDatabase;
  let s2: PostgresStorage;
  beforeAll(async () => {
    db2 = await open();
    s2 = postgresStorage({ ...db2.connection, schema: freshSchema() });
    await s2.migrate();
  });
  afterAll(async () => {
    await dropSchema(db2, s2.schema);
    await db2.close();
  });

  it('carry the SQLSTATE and constraint but no parameter, key value or JSON excerpt', async () => {
    const state = 'oauth-state-that-must-stay-secret';
    const input = {
      state,
      organizationId: 'o',
      provider: 'p',
      redirectUri: 'https://h/cb',
      expiresAt: new Date(),
    };
    await s2.oauthStates.create(input);
    const dup = await s2.oauthStates.create(input).catch((e) => e);
    expect(dup.code).toBe('STORAGE_UNIQUE_VIOLATION');
    expect(dup.cause).toMatchObject({ code: '23505', constraint: 'oauth_states_pkey' });
    expect(printed(dup.cause)).not.toContain(state);
    expect(dup.message).not.toContain(state);

    const credentials = 'jwe-ciphertext-head\u0000jwe-ciphertext-tail';
    const bad = await s2.integrations
      .create({ organizationId: 'o', provider: 'p', credentials })
      .catch((e) => e);
    expect(isStorageError(bad)).toBe(true);
    expect(printed(bad.cause)).not.toContain('jwe-ciphertext');
    expect((bad.cause as { code?: string }).code).toMatch(/^22/);
  });
});

describe('options', () => {
  it('rejects bad options at construction with a ConfigError listing every problem', () => {
    let error: unknown;
    try {
      postgresStorage({ schema: 'Bad-Name; DROP' } as never);
    } catch (e) {
      error = e;
    }
    expect(isConfigError(error)).toBe(true);
    expect((error as { problems: string[] }).problems).toHaveLength(2);
    expect(() => postgresStorage({ pool: {}, pglite: {} } as never)).toThrow(/either `pool` or `pglite`/);
    expect(() => postgresStorage({ pool: { query() {} } } as never)).toThrow(/pg\.Pool/);
  });
});
