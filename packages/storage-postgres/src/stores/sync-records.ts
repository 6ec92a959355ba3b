import { randomUUID } from 'node:crypto';
import {
  parseWith,
  type SyncRecord,
  type SyncRecordStore,
  syncRecordFilterSchema,
  syncRecordInputSchema,
  ValidationError,
} from '@syncbridge/core';
import { fromRow, recordset, SYNC_RECORD, snake } from './columns.js';
import { insertSql, type StoreContext } from './store-context.js';

const WRITE_FIELDS = [
  'id',
  'syncConfigId',
  'localId',
  'remoteId',
  'base',
  'baseHash',
  'localHash',
  'remoteHash',
  'remoteVersion',
  'localUpdatedAt',
  'remoteUpdatedAt',
  'lastSyncedAt',
  'syncStatus',
  'generation',
  'errorMessage',
  'pending',
  'deletedAt',
] as const;

const toRecord = (row: Record<string, unknown>) => fromRow<SyncRecord>(SYNC_RECORD, row);

/**
 * `sync_records` (the link table) on Postgres. Every bulk method is one statement: upsert sends
 * the whole batch as one JSON parameter (`json_to_recordset`, so no parameter limit), reads by
 * id lists use `= ANY($2)`. The unique (config, localId) and (config, remoteId) constraints are
 * checked at the end of the statement, so a batch may swap ids between links, and a batch that
 * breaks them fails as a whole.
 */
export function postgresSyncRecords(ctx: StoreContext): SyncRecordStore {
  const t = ctx.tables.syncRecords;
  const updates = WRITE_FIELDS.filter((f) => f !== 'id')
    .map((f) => `${snake(f)} = EXCLUDED.${snake(f)}`)
    .join(', ');
  const upsert = `${insertSql(t, SYNC_RECORD, WRITE_FIELDS, {
    createdAt: 'statement_timestamp()',
    updatedAt: 'statement_timestamp()',
  })} ON CONFLICT (id) DO UPDATE SET ${updates}, updated_at = EXCLUDED.updated_at RETURNING *`;
  const byIds = (column: string) =>
    `SELECT * FROM ${t} WHERE sync_config_id = $1 AND ${column} = ANY($2::text[])`;
  return {
    async upsert(records) {
      if (records.length === 0) return [];
      const rows = records.map((r, i) => {
        const data = parseWith(syncRecordInputSchema, r, `syncRecords.upsert[${i}]`);
        return { ...data, id: data.id ?? randomUUID() };
      });
      const ids = new Set(rows.map((r) => r.id));
      if (ids.size !== rows.length) {
        throw new ValidationError(
          'syncRecords.upsert: the same id appears twice in one batch; send each link once.',
        );
      }
      const { rows: stored } = await ctx.run(
        {
          operation: 'syncRecords.upsert',
          // Names the missing config when the batch has only one (the usual case).
          parents: {
            'sync config':
              new Set(rows.map((r) => r.syncConfigId)).size === 1 ? rows[0]!.syncConfigId : undefined,
          },
        },
        upsert,
        [recordset(WRITE_FIELDS, rows)],
      );
      const byId = new Map(stored.map((r) => [r.id as string, r]));
      return rows.map((r) => toRecord(byId.get(r.id)!));
    },
    async get(id) {
      const { rows } = await ctx.run({ operation: 'syncRecords.get' }, `SELECT * FROM ${t} WHERE id = $1`, [
        id,
      ]);
      return rows[0] ? toRecord(rows[0]) : null;
    },
    async getByLocalIds(syncConfigId, localIds) {
      if (localIds.length === 0) return [];
      const { rows } = await ctx.run({ operation: 'syncRecords.getByLocalIds' }, byIds('local_id'), [
        syncConfigId,
        [...localIds],
      ]);
      return rows.map(toRecord);
    },
    async getByRemoteIds(syncConfigId, remoteIds) {
      if (remoteIds.length === 0) return [];
      const { rows } = await ctx.run({ operation: 'syncRecords.getByRemoteIds' }, byIds('remote_id'), [
        syncConfigId,
        [...remoteIds],
      ]);
      return rows.map(toRecord);
    },
    async list(filter) {
      const f = parseWith(syncRecordFilterSchema, filter, 'syncRecords.list');
      const params: unknown[] = [f.syncConfigId];
      const where = ['sync_config_id = $1'];
      if (f.status !== undefined) {
        params.push(Array.isArray(f.status) ? f.status : [f.status]);
        where.push(`sync_status = ANY($${params.length}::text[])`);
      }
      if (f.generationBelow !== undefined) {
        params.push(f.generationBelow);
        where.push(`generation < $${params.length}::bigint`);
      }
      if (f.after !== undefined) {
        params.push(f.after);
        where.push(`id > $${params.length}`);
      }
      params.push(f.limit);
      // The id column has the "C" collation: ids compare by code point, as in the memory storage.
      const { rows } = await ctx.run(
        { operation: 'syncRecords.list' },
        `SELECT * FROM ${t} WHERE ${where.join(' AND ')} ORDER BY id LIMIT $${params.length}::integer`,
        params,
      );
      return rows.map(toRecord);
    },
    async count(filter) {
      const params: unknown[] = [filter.syncConfigId];
      let sql = `SELECT count(*)::integer AS n FROM ${t} WHERE sync_config_id = $1`;
      if (filter.status !== undefined) {
        params.push(filter.status);
        sql += ' AND sync_status = $2';
      }
      const { rows } = await ctx.run<{ n: number }>({ operation: 'syncRecords.count' }, sql, params);
      return Number(rows[0]?.n ?? 0);
    },
    async delete(ids) {
      if (ids.length === 0) return 0;
      const { rowCount } = await ctx.run(
        { operation: 'syncRecords.delete' },
        `DELETE FROM ${t} WHERE id = ANY($1::text[])`,
        [[...new Set(ids)]],
      );
      return rowCount;
    },
  };
}
