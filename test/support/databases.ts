/*
 * Back ends for cross-package scenarios: memory always, PGlite always, and the real server
 * when DATABASE_URL is set. A PGlite instance or pg pool is opened once per test file; every
 * storage gets a fresh schema (random suffix) that the test drops afterwards. Nothing here
 * swallows a connection error: DATABASE_URL set and unreachable fails the run.
 */
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { type LocalStore, memoryLocalStore, memoryStorage, type StorageAdapter } from '@syncbridge/core';
import { postgresLocalStore, postgresStorage } from '@syncbridge/storage-postgres';
import pg from 'pg';

export const DATABASE_URL = process.env.DATABASE_URL;

/** A SQL connection for tests, with raw SQL that bypasses the adapters. */
export interface TestDatabase {
  readonly kind: 'pglite' | 'postgres';
  readonly connection: { pool: pg.Pool } | { pglite: PGlite };
  sql<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

export async function openPglite(): Promise<TestDatabase> {
  const pglite = await PGlite.create();
  return {
    kind: 'pglite',
    connection: { pglite },
    sql: async (text, params) => (await pglite.query(text, params)).rows as never,
    close: () => pglite.close(),
  };
}

export function openPostgres(url: string, max = 10): TestDatabase {
  const pool = new pg.Pool({ connectionString: url, max });
  return {
    kind: 'postgres',
    connection: { pool },
    sql: async (text, params) => (await pool.query(text, params)).rows,
    close: () => pool.end(),
  };
}

/** A schema name no other test, file or run uses. */
export const freshSchema = (prefix = 'sbs') => `${prefix}_${randomBytes(6).toString('hex')}`;

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

export async function dropSchema(db: TestDatabase, schema: string): Promise<void> {
  await db.sql(`DROP SCHEMA IF EXISTS ${quote(schema)} CASCADE`);
}

/** The SQL back ends every scenario runs on: PGlite always, the real server when DATABASE_URL is set. */
export function sqlBackends(): { name: 'pglite' | 'postgres'; open: () => Promise<TestDatabase> }[] {
  const url = DATABASE_URL;
  return [
    { name: 'pglite', open: openPglite },
    ...(url ? [{ name: 'postgres' as const, open: async () => openPostgres(url) }] : []),
  ];
}

/** A host store plus a way to read every record it holds, for comparing with the provider. */
export interface InspectableStore {
  store: LocalStore;
  all(): Promise<{ id: string; data: Record<string, unknown> }[]>;
}

/** Storage and a host store for one scenario, and how to drop them. */
export interface Workspace {
  storage: StorageAdapter;
  local: InspectableStore;
  dispose(): Promise<void>;
}

/** memoryStorage + memoryLocalStore. */
export function memoryWorkspace(): Workspace {
  const local = memoryLocalStore();
  return {
    storage: memoryStorage(),
    local: { store: local, all: async () => local.all() },
    dispose: async () => {},
  };
}

/** postgresStorage + postgresLocalStore in a fresh schema of `db`, migrated. */
export async function sqlWorkspace(db: TestDatabase, entity = 'customer'): Promise<Workspace> {
  const schema = freshSchema();
  const storage = postgresStorage({ ...db.connection, schema });
  await storage.migrate();
  const store = postgresLocalStore({ ...db.connection, schema, entity });
  return {
    storage,
    local: {
      store,
      all: async () =>
        (
          await db.sql<{ id: string; data: Record<string, unknown> }>(
            `SELECT id, data FROM ${quote(schema)}.local_records WHERE entity = $1 AND NOT deleted ORDER BY id`,
            [entity],
          )
        ).map((r) => ({ id: r.id, data: r.data })),
    },
    dispose: () => dropSchema(db, schema),
  };
}
