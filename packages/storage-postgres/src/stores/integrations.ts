import { randomUUID } from 'node:crypto';
import {
  type Integration,
  type IntegrationStore,
  integrationFilterSchema,
  integrationPatchSchema,
  missingRow,
  newIntegrationSchema,
  parseWith,
} from '@syncbridge/core';
import { fromRow, INTEGRATION, recordset } from './columns.js';
import { insertSql, patchParams, type StoreContext, updateSql } from './store-context.js';

const CREATE_FIELDS = [
  'id',
  'organizationId',
  'provider',
  'name',
  'status',
  'credentials',
  'config',
  'syncDirection',
  'syncFrequencyMinutes',
  'nextSyncAt',
  'createdBy',
] as const;

const toIntegration = (row: Record<string, unknown>) => fromRow<Integration>(INTEGRATION, row);

/** `integrations` on Postgres. Deleting one cascades in SQL (see the migration's foreign keys). */
export function postgresIntegrations(ctx: StoreContext): IntegrationStore {
  const t = ctx.tables.integrations;
  const insert = `${insertSql(t, INTEGRATION, CREATE_FIELDS)} RETURNING *`;
  return {
    async create(input) {
      const data = parseWith(newIntegrationSchema, input, 'integrations.create');
      const row = { ...data, id: data.id ?? randomUUID() };
      const { rows } = await ctx.run({ operation: 'integrations.create' }, insert, [
        recordset(CREATE_FIELDS, [row]),
      ]);
      return toIntegration(rows[0]!);
    },
    async get(id) {
      const { rows } = await ctx.run({ operation: 'integrations.get' }, `SELECT * FROM ${t} WHERE id = $1`, [
        id,
      ]);
      return rows[0] ? toIntegration(rows[0]) : null;
    },
    async getByProvider(organizationId, provider) {
      const { rows } = await ctx.run(
        { operation: 'integrations.getByProvider' },
        `SELECT * FROM ${t} WHERE organization_id = $1 AND provider = $2`,
        [organizationId, provider],
      );
      return rows[0] ? toIntegration(rows[0]) : null;
    },
    async list(filter = {}) {
      const f = parseWith(integrationFilterSchema, filter, 'integrations.list');
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (sql: string, value: unknown) => {
        params.push(value);
        where.push(sql.replace('?', `$${params.length}`));
      };
      if (f.organizationId !== undefined) add('organization_id = ?', f.organizationId);
      if (f.provider !== undefined) add('provider = ?', f.provider);
      if (f.status !== undefined) add('status = ?', f.status);
      if (f.dueBefore !== undefined) add('next_sync_at <= ?::timestamptz', f.dueBefore.toISOString());
      const { rows } = await ctx.run(
        { operation: 'integrations.list' },
        `SELECT * FROM ${t}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at, id`,
        params,
      );
      return rows.map(toIntegration);
    },
    async update(id, patch) {
      const data = parseWith(integrationPatchSchema, patch, 'integrations.update');
      const { fields, json } = patchParams(INTEGRATION, data);
      const { rows } = await ctx.run(
        { operation: 'integrations.update' },
        updateSql(t, INTEGRATION, fields, 'id', ['updated_at = statement_timestamp()']),
        fields.length ? [id, json] : [id],
      );
      if (!rows[0]) throw missingRow('integrations.update', 'integration', id);
      return toIntegration(rows[0]);
    },
    async delete(id) {
      const { rowCount } = await ctx.run(
        { operation: 'integrations.delete' },
        `DELETE FROM ${t} WHERE id = $1`,
        [id],
      );
      return rowCount > 0;
    },
  };
}
