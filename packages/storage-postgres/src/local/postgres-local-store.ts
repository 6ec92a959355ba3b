import type { JsonObject, LocalChanges, LocalRecord, LocalStore } from '@syncbridge/core';
import { ConfigError, ValidationError } from '@syncbridge/core';
import { createLocks } from '../locks.js';
import { type MigrationResult, runMigrations } from '../migrations/migrate.js';
import { quoteIdent } from '../migrations/migrations.js';
import { normalizeConnection, type PostgresConnectionOptions } from '../options.js';
import { storeContext, tablesIn } from '../stores/store-context.js';

/**
 * Options of `postgresLocalStore`: the connection, the schema, and which entity this store holds.
 *
 * ```ts
 * const options: PostgresLocalStoreOptions = { pool, entity: 'invoice' };
 * ```
 */
export type PostgresLocalStoreOptions = PostgresConnectionOptions & {
  /** The local entity name, e.g. `customer`. Several entities share one table, keyed by this. */
  entity: string;
};

/**
 * A `LocalStore` on a JSONB table, with `changedSince` always available.
 *
 * ```ts
 * const invoices: PostgresLocalStore = postgresLocalStore({ pglite, entity: 'invoice' });
 * ```
 */
export interface PostgresLocalStore<T extends JsonObject = JsonObject> extends LocalStore<T> {
  readonly entity: string;
  changedSince(cursor: string | null, limit: number): Promise<LocalChanges<T>>;
  /**
   * Removes tombstones of deletions older than `before`; returns how many. A reader whose
   * cursor is older than `before` will not see those deletions, so prune well behind your
   * slowest reader.
   */
  pruneTombstones(before: Date): Promise<number>;
  /** Creates the table (and SyncBridge's other tables) if missing; the same migrations as the storage's. */
  migrate(): Promise<MigrationResult>;
}

interface Row {
  id: string;
  data: unknown;
  updated_at: Date | string;
  deleted: boolean;
  txid: string;
  seq: string | number;
}

const CURSOR = /^(\d+):(\d+)$/;

/**
 * A host data store on one JSONB table (`<schema>.local_records`, created by `migrate()`), for
 * hosts that want a mirror of provider data without tables of their own, and for examples.
 *
 * Every write is one statement. `changedSince` reports upserts and deletions (kept as
 * tombstones) in commit-safe order: each change is stamped with its transaction id and a
 * sequence number, and only changes of transactions older than every transaction still running
 * are returned. A plain sequence would not do: a transaction that took number 5 but commits
 * after one that took 6 would be skipped by a reader already past 6. The cost is that a long
 * open transaction anywhere delays (never loses) changes. The cursor is opaque: store it as is.
 *
 * ```ts
 * const customers = postgresLocalStore({ pool, entity: 'customer' });
 * await customers.migrate();
 * await customers.upsert([{ id: 'c_1', data: { name: 'Ada' } }]);
 * const { records, deletedIds, cursor } = await customers.changedSince(null, 500);
 * ```
 */
export function postgresLocalStore<T extends JsonObject = JsonObject>(
  options: PostgresLocalStoreOptions,
): PostgresLocalStore<T> {
  const { driver, client, schema } = normalizeConnection('postgresLocalStore', options);
  const entity = (options as { entity?: unknown }).entity;
  if (typeof entity !== 'string' || entity.length === 0 || entity.length > 255) {
    throw new ConfigError(
      'postgresLocalStore: invalid options. `entity` must be a non-empty string (e.g. "customer").',
      {
        problems: ['`entity` must be a non-empty string of at most 255 characters'],
      },
    );
  }
  const tables = tablesIn(schema);
  const t = tables.localRecords;
  const seq = `'${quoteIdent(schema).replaceAll("'", "''")}.local_records_seq'`;
  const ctx = storeContext(driver, tables, driver.transaction);
  const locks = createLocks(driver, client, `syncbridge:${schema}`);
  const toRecord = (row: Row): LocalRecord<T> => ({
    id: row.id,
    data: row.data as T,
    updatedAt: row.updated_at instanceof Date ? row.updated_at : new Date(row.updated_at),
  });

  return {
    entity,
    async get(ids) {
      if (ids.length === 0) return [];
      const { rows } = await ctx.run<Row>(
        { operation: 'localStore.get' },
        `SELECT id, data, updated_at FROM ${t} WHERE entity = $1 AND id = ANY($2::text[]) AND NOT deleted`,
        [entity, [...ids]],
      );
      return rows.map(toRecord);
    },
    async upsert(records) {
      if (records.length === 0) return;
      // One statement cannot update a row twice: the last write of an id in the batch wins.
      const latest = new Map<string, LocalRecord<T>>();
      for (const [i, r] of records.entries()) {
        if (typeof r?.id !== 'string' || r.id.length === 0 || typeof r.data !== 'object' || r.data === null) {
          throw new ValidationError(
            `localStore.upsert: record ${i} needs a non-empty string id and an object data.`,
          );
        }
        latest.set(r.id, r);
      }
      const json = JSON.stringify(
        [...latest.values()].map((r) => ({
          id: r.id,
          data: r.data,
          updated_at: r.updatedAt?.toISOString() ?? null,
        })),
      );
      await ctx.run(
        { operation: 'localStore.upsert' },
        `INSERT INTO ${t} (entity, id, data, updated_at, deleted)
         SELECT $1, x.id, x.data, COALESCE(x.updated_at, statement_timestamp()), false
         FROM json_to_recordset($2::text::json) AS x(id text, data jsonb, updated_at timestamptz)
         ON CONFLICT (entity, id) DO UPDATE SET data = EXCLUDED.data, updated_at = EXCLUDED.updated_at,
           deleted = false, seq = EXCLUDED.seq, txid = EXCLUDED.txid`,
        [entity, json],
      );
    },
    async delete(ids) {
      if (ids.length === 0) return;
      await ctx.run(
        { operation: 'localStore.delete' },
        `UPDATE ${t} SET deleted = true, data = NULL, updated_at = statement_timestamp(),
           seq = nextval(${seq}), txid = pg_current_xact_id()
         WHERE entity = $1 AND id = ANY($2::text[]) AND NOT deleted`,
        [entity, [...new Set(ids)]],
      );
    },
    async changedSince(cursor, limit) {
      const match = cursor === null ? ['', '0', '0'] : CURSOR.exec(cursor);
      if (!match) {
        throw new ValidationError(
          `localStore.changedSince: "${cursor}" is not a cursor of this store. Pass null to start over, or a cursor it returned.`,
        );
      }
      if (!Number.isInteger(limit) || limit <= 0) {
        throw new ValidationError('localStore.changedSince: limit must be a positive integer.');
      }
      const { rows } = await ctx.run<Row>(
        { operation: 'localStore.changedSince' },
        `SELECT id, data, updated_at, deleted, txid::text AS txid, seq FROM ${t}
         WHERE entity = $1
           AND txid < pg_snapshot_xmin(pg_current_snapshot())
           AND (txid, seq) > ($2::text::xid8, $3::bigint)
         ORDER BY txid, seq
         LIMIT $4::integer`,
        [entity, match[1], match[2], limit],
      );
      const last = rows.at(-1);
      return {
        records: rows.filter((r) => !r.deleted).map(toRecord),
        deletedIds: rows.filter((r) => r.deleted).map((r) => r.id),
        cursor: last ? `${last.txid}:${last.seq}` : `${match[1]}:${match[2]}`,
      };
    },
    async pruneTombstones(before) {
      if (!(before instanceof Date) || Number.isNaN(before.getTime())) {
        throw new ValidationError('localStore.pruneTombstones: before must be a valid Date.');
      }
      const { rowCount } = await ctx.run(
        { operation: 'localStore.pruneTombstones' },
        `DELETE FROM ${t} WHERE entity = $1 AND deleted AND updated_at < $2::timestamptz`,
        [entity, before.toISOString()],
      );
      return rowCount;
    },
    migrate: () => runMigrations(driver, locks, schema),
  };
}
