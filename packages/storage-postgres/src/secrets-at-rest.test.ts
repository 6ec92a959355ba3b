import { randomBytes } from 'node:crypto';
import { createSyncBridge, memoryLocalStore } from '@syncbridge/core';
import { createFakeConnector } from '@syncbridge/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStorage } from './postgres-storage.js';
import { backends, dropSchema, freshSchema, type TestDatabase } from './test-support/databases.js';

const API_KEY = `fake_live_${randomBytes(12).toString('hex')}`;
const WEBHOOK_SECRET = `whsec_${randomBytes(12).toString('hex')}`;

describe.each(backends())('secrets at rest on $name', ({ open }) => {
  let db: TestDatabase;
  const schema = freshSchema('sbsec');
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await dropSchema(db, schema);
    await db.close();
  });

  it('stores an API key and a webhook secret only as ciphertext, in every column of every table', async () => {
    const storage = postgresStorage({ ...db.connection, schema });
    const { connector } = createFakeConnector();
    const bridge = createSyncBridge({
      storage,
      encryptionKeys: [{ kid: 'k1', key: randomBytes(32) }],
      connectors: [connector],
      local: { customer: memoryLocalStore() },
    });
    const integration = await bridge.integrations.connect({
      organizationId: 'org',
      provider: 'fake',
      credentials: { apiKey: API_KEY },
    });
    await bridge.webhooks.register({ integrationId: integration.id, secret: WEBHOOK_SECRET });
    await bridge.sync.configure(integration.id, {
      localEntity: 'customer',
      remoteEntity: 'contact',
      mappings: [{ local: 'name', remote: '$.name' }],
    });
    await bridge.close();

    const tables = await db.sql<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
      [schema],
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['integrations', 'integration_webhooks']),
    );
    let dump = '';
    for (const { table_name } of tables) {
      const rows = await db.sql<{ row: unknown }>(
        `SELECT row_to_json(t)::text AS row FROM "${schema}"."${table_name}" t`,
      );
      dump += rows.map((r) => String(r.row)).join('\n');
    }
    // The rows are there, and hold ciphertext (compact JWE) where the secrets went...
    expect(dump).toContain(integration.id);
    expect(dump).toMatch(/eyJ[\w-]+\.\.[\w-]+\.[\w-]+\.[\w-]+/);
    // ...and no trace of either secret in any column.
    expect(dump).not.toContain(API_KEY);
    expect(dump).not.toContain(WEBHOOK_SECRET);
    expect(dump).not.toContain(API_KEY.slice(5, 25));
  });
});
