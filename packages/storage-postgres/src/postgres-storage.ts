import { ConfigError, type StorageAdapter, type StorageTransaction } from '@syncbridge/core';
import { gatedDriver } from './driver/gated-driver.js';
import { toStorageError } from './errors.js';
import { createLocks } from './locks.js';
import { type MigrationResult, runMigrations } from './migrations/migrate.js';
import { normalizeConnection, type PostgresConnectionOptions } from './options.js';
import { postgresCheckpoints } from './stores/checkpoints.js';
import { postgresIntegrations } from './stores/integrations.js';
import { postgresOAuthStates } from './stores/oauth-states.js';
import { type StoreContext, storeContext, tablesIn } from './stores/store-context.js';
import { postgresFieldMappings, postgresSyncConfigs } from './stores/sync-configs.js';
import { postgresSyncLogs } from './stores/sync-logs.js';
import { postgresSyncRecords } from './stores/sync-records.js';
import { postgresWebhookEvents } from './stores/webhook-events.js';
import { postgresWebhooks } from './stores/webhooks.js';

/**
 * Options of `postgresStorage`: the host's `pool` or `pglite`, and the schema (default `syncbridge`).
 *
 * ```ts
 * const options: PostgresStorageOptions = { pglite, schema: 'sync', migrate: true };
 * ```
 */
export type PostgresStorageOptions = PostgresConnectionOptions & {
  /**
   * Apply missing migrations before the first statement (default `false`: call `migrate()`
   * yourself, e.g. in a deploy step). Handy for PGlite and tests; with it a failed migration
   * surfaces on the first storage call, and is retried on the next.
   */
  migrate?: boolean;
};

/**
 * The Postgres adapter: a `StorageAdapter` that also tells its schema and what `migrate` applied.
 *
 * ```ts
 * const storage: PostgresStorage = postgresStorage({ pool });
 * const { applied } = await storage.migrateWithResult(); // [] when up to date
 * ```
 */
export interface PostgresStorage extends StorageAdapter {
  /** The Postgres schema the tables live in. */
  readonly schema: string;
  /** Applies missing migrations (idempotent, safe when several processes start at once). */
  migrate(): Promise<void>;
  /** Like `migrate()`, returning the versions applied by this call. */
  migrateWithResult(): Promise<MigrationResult>;
}

function stores(ctx: StoreContext): StorageTransaction {
  return {
    integrations: postgresIntegrations(ctx),
    syncConfigs: postgresSyncConfigs(ctx),
    fieldMappings: postgresFieldMappings(ctx),
    syncLogs: postgresSyncLogs(ctx),
    syncRecords: postgresSyncRecords(ctx),
    webhooks: postgresWebhooks(ctx),
    webhookEvents: postgresWebhookEvents(ctx),
    oauthStates: postgresOAuthStates(ctx),
    checkpoints: postgresCheckpoints(ctx),
  };
}

/**
 * SyncBridge's production storage on PostgreSQL through `pg`, or on PGlite (Postgres in
 * WebAssembly, for tests, desktop apps and single-process deployments). The host keeps owning
 * its client: `close()` does not end the pool or the PGlite instance.
 *
 * - Every bulk method is one set-based statement; upserts send the batch as one JSON parameter.
 * - `transaction(fn)` runs on one connection with BEGIN/COMMIT/ROLLBACK. On PGlite (a single
 *   connection) calls on the adapter itself from inside `fn` are refused instead of deadlocking.
 * - `withLock` uses session-level advisory locks on pg (excludes across processes) and an
 *   in-process lock on PGlite (one process, one connection).
 * - Errors are typed (`StorageError` with `failure`, `NotFoundError`, `ConflictError`), name
 *   the operation, carry the driver error as `cause`, and never quote SQL parameters.
 *
 * ```ts
 * import pg from 'pg';
 * import { postgresStorage } from '@syncbridge/storage-postgres';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const storage = postgresStorage({ pool, schema: 'syncbridge' });
 * await storage.migrate();
 * ```
 */
export function postgresStorage(options: PostgresStorageOptions): PostgresStorage {
  const { driver: raw, client, schema } = normalizeConnection('postgresStorage', options);
  const autoMigrate = (options as { migrate?: unknown }).migrate;
  if (autoMigrate !== undefined && typeof autoMigrate !== 'boolean') {
    throw new ConfigError('postgresStorage: invalid options. `migrate` must be true or false.', {
      problems: ['`migrate` must be a boolean'],
    });
  }
  const tables = tablesIn(schema);
  const locks = createLocks(raw, client, `syncbridge:${schema}`);
  const migrateWithResult = () => runMigrations(raw, locks, schema);
  const driver = autoMigrate ? gatedDriver(raw, migrateWithResult) : raw;
  const root = storeContext(driver, tables, driver.transaction);
  return {
    name: 'postgres',
    schema,
    ...stores(root),
    async transaction(fn) {
      // The caller's own errors pass through untouched; BEGIN/COMMIT failures become typed.
      let thrownByFn = false;
      try {
        return await driver.transaction(async (tx) => {
          try {
            return await fn(stores(storeContext(tx, tables, undefined)));
          } catch (error) {
            thrownByFn = true;
            throw error;
          }
        });
      } catch (error) {
        throw thrownByFn ? error : toStorageError(error, { operation: 'transaction' });
      }
    },
    withLock: locks.withLock,
    tryWithLock: locks.tryWithLock,
    async migrate() {
      await migrateWithResult();
    },
    migrateWithResult,
    async close() {
      // Nothing of our own is open: the pool or PGlite instance belongs to the host.
    },
  };
}
