import { runStorageAdapterSuite } from '@syncbridge/testing';
import { afterAll, beforeAll } from 'vitest';
import { type PostgresStorage, postgresStorage } from './postgres-storage.js';
import {
  dropSchema,
  freshSchema,
  openPglite,
  sqlProbe,
  type TestDatabase,
} from './test-support/databases.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await openPglite();
});
afterAll(async () => {
  await db.close();
});

runStorageAdapterSuite({
  name: 'pglite',
  async create() {
    const storage = postgresStorage({ ...db.connection, schema: freshSchema() });
    await storage.migrate();
    return storage;
  },
  async destroy(storage) {
    await storage.close();
    await dropSchema(db, (storage as PostgresStorage).schema);
  },
  probe: (storage) => sqlProbe(db, (storage as PostgresStorage).schema),
});
