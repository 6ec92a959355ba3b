/*
 * Storage back ends for the scenarios: memory, and PostgreSQL through PGlite (and a real server
 * when DATABASE_URL is set). `@syncbridge/storage-postgres` is not a devDependency of this
 * package (its package.json is not this change's to edit), so its sources and test support are
 * reached by path; they resolve their own dependencies (pg, PGlite) from their package.
 */
import { memoryStorage, type StorageAdapter } from '@syncbridge/core';
import { postgresStorage } from '@syncbridge/storage-postgres';
import {
  DATABASE_URL,
  dropSchema,
  freshSchema,
  openPglite,
  openPostgres,
  type TestDatabase,
} from '@syncbridge/storage-postgres/testing';

export type BackendName = 'memory' | 'pglite' | 'postgres';

/** Two handles on one store, as two processes of one app would have. */
export interface SharedStorage {
  readonly first: StorageAdapter;
  readonly second: StorageAdapter;
  close(): Promise<void>;
}

export const BACKENDS: readonly BackendName[] = DATABASE_URL
  ? ['memory', 'pglite', 'postgres']
  : ['memory', 'pglite'];

export async function sharedStorage(backend: BackendName): Promise<SharedStorage> {
  if (backend === 'memory') {
    const storage = memoryStorage();
    return { first: storage, second: storage, close: async () => {} };
  }
  const schema = freshSchema('qbo');
  if (backend === 'pglite') {
    const db = await openPglite();
    const connection = db.connection as { pglite: Parameters<typeof postgresStorage>[0]['pglite'] & object };
    return {
      first: postgresStorage({ pglite: connection.pglite, schema }),
      second: postgresStorage({ pglite: connection.pglite, schema }),
      close: () => db.close(),
    };
  }
  // Two pools: two sets of sessions, so advisory locks really exclude as across processes.
  const a = openPostgres(DATABASE_URL as string);
  const b = openPostgres(DATABASE_URL as string);
  return {
    first: postgresStorage({ pool: a.pool, schema }),
    second: postgresStorage({ pool: b.pool, schema }),
    close: async () => {
      await dropSchema(a as TestDatabase, schema);
      await Promise.all([a.close(), b.close()]);
    },
  };
}
