import type { SqlDriver } from '../driver/sql-client.js';
import { toStorageError } from '../errors.js';
import type { Locks } from '../locks.js';
import { type Migration, migrations, quoteIdent } from './migrations.js';

/**
 * What `migrate` did: the versions it applied now (empty when the schema was up to date).
 *
 * ```ts
 * const result: MigrationResult = await storage.migrateWithResult();
 * if (result.applied.length) console.log('migrated to', result.applied.at(-1));
 * ```
 */
export interface MigrationResult {
  readonly applied: readonly number[];
}

/**
 * Applies the migrations missing from `schema`, each in its own transaction, recording every
 * applied version in `schema.schema_migrations`. Runs under the storage lock `migrate`, so
 * processes that start together apply each version once (the others wait, then find it done).
 */
export async function runMigrations(
  driver: SqlDriver,
  locks: Locks,
  schema: string,
  list: readonly Migration[] = migrations,
): Promise<MigrationResult> {
  const s = quoteIdent(schema);
  const operation = 'migrate';
  return locks.withLock('migrate', async () => {
    try {
      await driver.exec(
        `CREATE SCHEMA IF NOT EXISTS ${s};
         CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (
           version integer PRIMARY KEY,
           name text NOT NULL,
           applied_at timestamptz NOT NULL DEFAULT now()
         );`,
      );
      const { rows } = await driver.query<{ version: number }>(`SELECT version FROM ${s}.schema_migrations`);
      const done = new Set(rows.map((r) => Number(r.version)));
      const applied: number[] = [];
      for (const migration of [...list].sort((a, b) => a.version - b.version)) {
        if (done.has(migration.version)) continue;
        await driver.transaction(async (tx) => {
          await tx.exec(migration.sql(schema));
          await tx.query(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [
            migration.version,
            migration.name,
          ]);
        });
        applied.push(migration.version);
      }
      return { applied };
    } catch (error) {
      throw toStorageError(error, { operation });
    }
  });
}
