/*
 * Storage back ends for the bridge scenarios: memory (core), PGlite, and the real server when
 * DATABASE_URL is set. storage-postgres is reached by path (its test databases included):
 * connector-stripe's package.json does not list it, and this package may not change that.
 */
import {
  type LocalRecord,
  type LocalStore,
  memoryLocalStore,
  memoryStorage,
  type StorageAdapter,
} from '@syncbridge/core';
import { postgresLocalStore, postgresStorage } from '@syncbridge/storage-postgres';
import {
  DATABASE_URL,
  dropSchema,
  freshSchema,
  openPglite,
  openPostgres,
  type TestDatabase,
} from '@syncbridge/storage-postgres/testing';

/** One back end: SyncBridge's storage and the host's customer table, re-openable on the same data. */
export interface Env {
  readonly storage: StorageAdapter;
  readonly customers: LocalStore;
  /** A second storage (and customer store) object on the same data, as a restarted process would have. */
  reopen(): { storage: StorageAdapter; customers: LocalStore };
}

export interface Backend {
  readonly name: string;
  /** Opens the shared database (once per file). */
  start(): Promise<void>;
  /** A fresh, empty environment (a new schema on Postgres). */
  env(): Promise<Env>;
  stop(): Promise<void>;
}

function memoryBackend(): Backend {
  return {
    name: 'memory',
    async start() {},
    async env() {
      const storage = memoryStorage();
      const customers = memoryLocalStore();
      return { storage, customers, reopen: () => ({ storage, customers }) };
    },
    async stop() {},
  };
}

function postgresBackend(name: string, open: () => Promise<TestDatabase>): Backend {
  let db: TestDatabase;
  const schemas: string[] = [];
  return {
    name,
    async start() {
      db = await open();
    },
    async env() {
      const schema = freshSchema('sbs');
      schemas.push(schema);
      const make = () => ({
        storage: postgresStorage({ ...db.connection, schema }),
        customers: postgresLocalStore({ ...db.connection, schema, entity: 'customer' }),
      });
      const first = make();
      await first.storage.migrate();
      return { ...first, reopen: make };
    },
    async stop() {
      for (const schema of schemas) await dropSchema(db, schema);
      await db.close();
    },
  };
}

/** Memory and PGlite always; the real server too when DATABASE_URL is set. */
export function backends(): Backend[] {
  const url = DATABASE_URL;
  return [
    memoryBackend(),
    postgresBackend('pglite', openPglite),
    ...(url ? [postgresBackend('postgres', async () => openPostgres(url))] : []),
  ];
}

/** Every record of a local store, through its `changedSince` (memory and Postgres stores both have it). */
export async function allLocal(store: LocalStore): Promise<LocalRecord[]> {
  if (!store.changedSince) throw new Error('allLocal: the store has no changedSince');
  const byId = new Map<string, LocalRecord>();
  let cursor: string | null = null;
  for (;;) {
    const page = await store.changedSince(cursor, 1000);
    for (const r of page.records) byId.set(r.id, r);
    for (const id of page.deletedIds ?? []) byId.delete(id);
    if (page.records.length === 0 && (page.deletedIds ?? []).length === 0) break;
    cursor = page.cursor;
  }
  return [...byId.values()];
}
