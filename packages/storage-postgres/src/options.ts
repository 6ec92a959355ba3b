import { ConfigError } from '@syncbridge/core';
import { pgDriver } from './driver/pg-driver.js';
import { pgliteDriver } from './driver/pglite-driver.js';
import type { PGliteLike, PgPoolLike, SqlDriver } from './driver/sql-client.js';

/**
 * Where the adapter connects: exactly one of a `pg.Pool` or a PGlite instance, which the host owns.
 *
 * ```ts
 * const connection: PostgresConnection = { pool };   // or { pglite }
 * ```
 */
export type PostgresConnection = { pool: PgPoolLike; pglite?: never } | { pglite: PGliteLike; pool?: never };

/**
 * Options shared by `postgresStorage` and `postgresLocalStore`.
 *
 * ```ts
 * const options: PostgresConnectionOptions = { pool, schema: 'syncbridge' };
 * ```
 */
export type PostgresConnectionOptions = PostgresConnection & {
  /** Postgres schema holding SyncBridge's tables (created by `migrate()`). Default `syncbridge`. */
  schema?: string;
};

export interface NormalizedConnection {
  readonly driver: SqlDriver;
  /** The host's client object (the pool or the PGlite instance), which in-process locks are keyed on. */
  readonly client: object;
  readonly schema: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_$]{0,62}$/;

const hasMethods = (value: unknown, names: readonly string[]) =>
  typeof value === 'object' &&
  value !== null &&
  names.every((n) => typeof (value as Record<string, unknown>)[n] === 'function');

/** Validates the connection options once, at construction, and lists every problem found. */
export function normalizeConnection(
  factory: string,
  options: PostgresConnectionOptions,
): NormalizedConnection {
  const problems: string[] = [];
  const o = (options ?? {}) as Partial<{ pool: unknown; pglite: unknown; schema: unknown }>;
  if (o.pool !== undefined && o.pglite !== undefined)
    problems.push('pass either `pool` or `pglite`, not both');
  if (o.pool === undefined && o.pglite === undefined)
    problems.push('pass `pool` (a pg.Pool) or `pglite` (a PGlite instance)');
  if (o.pool !== undefined && !hasMethods(o.pool, ['query', 'connect']))
    problems.push('`pool` must be a pg.Pool (an object with query() and connect())');
  if (o.pglite !== undefined && !hasMethods(o.pglite, ['query', 'exec', 'transaction']))
    problems.push('`pglite` must be a PGlite instance (an object with query(), exec() and transaction())');
  const schema = o.schema ?? 'syncbridge';
  if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema))
    problems.push(
      '`schema` must be a lower-case SQL identifier of at most 63 characters (letters, digits, _), e.g. "syncbridge"',
    );
  if (problems.length > 0) {
    throw new ConfigError(`${factory}: invalid options. ${problems.join('; ')}.`, { problems });
  }
  const driver = o.pool !== undefined ? pgDriver(o.pool as PgPoolLike) : pgliteDriver(o.pglite as PGliteLike);
  return { driver, client: (o.pool ?? o.pglite) as object, schema: schema as string };
}
