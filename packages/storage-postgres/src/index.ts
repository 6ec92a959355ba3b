/**
 * @syncbridge/storage-postgres: SyncBridge's storage on PostgreSQL (`pg`) or PGlite, its SQL
 * migrations, and a JSONB-table `LocalStore` for hosts that want a mirror.
 */
export type {
  PGliteLike,
  PGliteResultLike,
  PGliteTransactionLike,
  PgPoolClientLike,
  PgPoolLike,
} from './driver/sql-client.js';
export {
  type PostgresLocalStore,
  type PostgresLocalStoreOptions,
  postgresLocalStore,
} from './local/postgres-local-store.js';
export type { MigrationResult } from './migrations/migrate.js';
export { type Migration, migrations } from './migrations/migrations.js';
export type { PostgresConnection, PostgresConnectionOptions } from './options.js';
export { type PostgresStorage, type PostgresStorageOptions, postgresStorage } from './postgres-storage.js';
