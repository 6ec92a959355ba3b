import { randomUUID } from 'node:crypto';
import {
  missingRow,
  newSyncLogSchema,
  parseWith,
  type SyncLog,
  type SyncLogStore,
  syncLogFilterSchema,
  syncLogPatchSchema,
} from '@syncbridge/core';
import { fromRow, recordset, SYNC_LOG } from './columns.js';
import { equalityWhere, insertSql, patchParams, type StoreContext, updateSql } from './store-context.js';

const CREATE_FIELDS = [
  'id',
  'integrationId',
  'syncConfigId',
  'syncType',
  'status',
  'startedAt',
  'triggeredBy',
] as const;

/** Error entries are JSON; their `at` comes back as a Date, as it went in. */
function toLog(row: Record<string, unknown>): SyncLog {
  const log = fromRow<SyncLog>(SYNC_LOG, row);
  return {
    ...log,
    errors: (log.errors ?? []).map((e) => (typeof e.at === 'string' ? { ...e, at: new Date(e.at) } : e)),
  };
}

/** `sync_logs` on Postgres. */
export function postgresSyncLogs(ctx: StoreContext): SyncLogStore {
  const t = ctx.tables.syncLogs;
  const insert = `${insertSql(t, SYNC_LOG, CREATE_FIELDS)} RETURNING *`;
  return {
    async create(input) {
      const data = parseWith(newSyncLogSchema, input, 'syncLogs.create');
      const row = { ...data, id: data.id ?? randomUUID(), startedAt: data.startedAt ?? new Date() };
      const { rows } = await ctx.run(
        {
          operation: 'syncLogs.create',
          parents: { integration: data.integrationId, 'sync config': data.syncConfigId },
        },
        insert,
        [recordset(CREATE_FIELDS, [row])],
      );
      return toLog(rows[0]!);
    },
    async get(id) {
      const { rows } = await ctx.run({ operation: 'syncLogs.get' }, `SELECT * FROM ${t} WHERE id = $1`, [id]);
      return rows[0] ? toLog(rows[0]) : null;
    },
    async update(id, patch) {
      const data = parseWith(syncLogPatchSchema, patch, 'syncLogs.update');
      const { fields, json } = patchParams(SYNC_LOG, data);
      const { rows } = await ctx.run(
        { operation: 'syncLogs.update' },
        updateSql(t, SYNC_LOG, fields, 'id'),
        fields.length ? [id, json] : [id],
      );
      if (!rows[0]) throw missingRow('syncLogs.update', 'sync log', id);
      return toLog(rows[0]);
    },
    async list(filter = {}) {
      const f = parseWith(syncLogFilterSchema, filter, 'syncLogs.list');
      const { sql: where, params } = equalityWhere([
        ['integration_id', f.integrationId],
        ['sync_config_id', f.syncConfigId],
        ['status', f.status],
      ]);
      params.push(f.limit ?? 100);
      const { rows } = await ctx.run(
        { operation: 'syncLogs.list' },
        `SELECT * FROM ${t}${where} ORDER BY started_at DESC, id DESC LIMIT $${params.length}::integer`,
        params,
      );
      return rows.map(toLog);
    },
  };
}
