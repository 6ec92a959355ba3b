import { randomUUID } from 'node:crypto';
import {
  type FieldMapping,
  type FieldMappingStore,
  missingRow,
  newFieldMappingSchema,
  newSyncConfigSchema,
  parseWith,
  type SyncConfig,
  type SyncConfigStore,
  syncConfigPatchSchema,
} from '@syncbridge/core';
import { FIELD_MAPPING, fromRow, recordset, SYNC_CONFIG } from './columns.js';
import { insertSql, patchParams, type StoreContext, updateSql } from './store-context.js';

const CONFIG_FIELDS = [
  'id',
  'integrationId',
  'localEntity',
  'remoteEntity',
  'direction',
  'conflictResolution',
  'conflictFallback',
  'prioritySource',
  'syncFilter',
  'enabled',
] as const;

const toConfig = (row: Record<string, unknown>) => fromRow<SyncConfig>(SYNC_CONFIG, row);

/** `sync_configs` on Postgres. Deleting one cascades to mappings, links and checkpoints in SQL. */
export function postgresSyncConfigs(ctx: StoreContext): SyncConfigStore {
  const t = ctx.tables.syncConfigs;
  const insert = `${insertSql(t, SYNC_CONFIG, CONFIG_FIELDS)} RETURNING *`;
  return {
    async create(input) {
      const data = parseWith(newSyncConfigSchema, input, 'syncConfigs.create');
      const row = { ...data, id: data.id ?? randomUUID() };
      const { rows } = await ctx.run(
        { operation: 'syncConfigs.create', parents: { integration: data.integrationId } },
        insert,
        [recordset(CONFIG_FIELDS, [row])],
      );
      return toConfig(rows[0]!);
    },
    async get(id) {
      const { rows } = await ctx.run({ operation: 'syncConfigs.get' }, `SELECT * FROM ${t} WHERE id = $1`, [
        id,
      ]);
      return rows[0] ? toConfig(rows[0]) : null;
    },
    async list(filter = {}) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (filter.integrationId !== undefined) {
        params.push(filter.integrationId);
        where.push(`integration_id = $${params.length}`);
      }
      if (filter.enabled !== undefined) {
        params.push(filter.enabled);
        where.push(`enabled = $${params.length}::boolean`);
      }
      const { rows } = await ctx.run(
        { operation: 'syncConfigs.list' },
        `SELECT * FROM ${t}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`,
        params,
      );
      return rows.map(toConfig);
    },
    async update(id, patch) {
      const data = parseWith(syncConfigPatchSchema, patch, 'syncConfigs.update');
      const { fields, json } = patchParams(SYNC_CONFIG, data);
      const { rows } = await ctx.run(
        { operation: 'syncConfigs.update' },
        updateSql(t, SYNC_CONFIG, fields, 'id', ['updated_at = statement_timestamp()']),
        fields.length ? [id, json] : [id],
      );
      if (!rows[0]) throw missingRow('syncConfigs.update', 'sync config', id);
      return toConfig(rows[0]);
    },
    async delete(id) {
      const { rowCount } = await ctx.run(
        { operation: 'syncConfigs.delete' },
        `DELETE FROM ${t} WHERE id = $1`,
        [id],
      );
      return rowCount > 0;
    },
  };
}

const MAPPING_FIELDS = [
  'id',
  'syncConfigId',
  'localField',
  'remoteField',
  'transformType',
  'transformConfig',
  'direction',
  'isRequired',
  'defaultValue',
  'position',
] as const;

/** `field_mappings` on Postgres: replaced as a whole in one transaction. */
export function postgresFieldMappings(ctx: StoreContext): FieldMappingStore {
  const { fieldMappings: t, syncConfigs } = ctx.tables;
  const insert = `${insertSql(t, FIELD_MAPPING, MAPPING_FIELDS)} RETURNING *`;
  return {
    async replace(syncConfigId, mappings) {
      const parsed = mappings.map((m, i) =>
        parseWith(newFieldMappingSchema, m, `fieldMappings.replace[${i}]`),
      );
      const rows = parsed.map((m, position) => ({ ...m, id: m.id ?? randomUUID(), syncConfigId, position }));
      const operation = 'fieldMappings.replace';
      return ctx.atomic(operation, async (tx) => {
        // Locks the config row against a concurrent delete, and tells a missing config apart.
        const found = await tx.run(
          { operation },
          `SELECT 1 FROM ${syncConfigs} WHERE id = $1 FOR KEY SHARE`,
          [syncConfigId],
        );
        if (found.rows.length === 0) throw missingRow(operation, 'sync config', syncConfigId);
        await tx.run({ operation }, `DELETE FROM ${t} WHERE sync_config_id = $1`, [syncConfigId]);
        if (rows.length === 0) return [];
        const inserted = await tx.run({ operation }, insert, [recordset(MAPPING_FIELDS, rows)]);
        return inserted.rows
          .map((r) => fromRow<FieldMapping>(FIELD_MAPPING, r))
          .sort((a, b) => a.position - b.position);
      });
    },
    async list(syncConfigId) {
      const { rows } = await ctx.run(
        { operation: 'fieldMappings.list' },
        `SELECT * FROM ${t} WHERE sync_config_id = $1 ORDER BY position`,
        [syncConfigId],
      );
      return rows.map((r) => fromRow<FieldMapping>(FIELD_MAPPING, r));
    },
  };
}
