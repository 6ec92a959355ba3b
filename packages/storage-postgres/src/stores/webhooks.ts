import { randomUUID } from 'node:crypto';
import {
  missingRow,
  newWebhookRegistrationSchema,
  parseWith,
  type WebhookRegistration,
  type WebhookRegistrationStore,
  webhookCountersSchema,
  webhookRegistrationPatchSchema,
} from '@syncbridge/core';
import { fromRow, recordset, WEBHOOK } from './columns.js';
import { equalityWhere, insertSql, patchParams, type StoreContext, updateSql } from './store-context.js';

const CREATE_FIELDS = [
  'id',
  'integrationId',
  'provider',
  'url',
  'events',
  'secret',
  'remoteId',
  'active',
] as const;

const toWebhook = (row: Record<string, unknown>) => fromRow<WebhookRegistration>(WEBHOOK, row);

/** `integration_webhooks` on Postgres; delivery counters are incremented in SQL. */
export function postgresWebhooks(ctx: StoreContext): WebhookRegistrationStore {
  const t = ctx.tables.webhooks;
  const insert = `${insertSql(t, WEBHOOK, CREATE_FIELDS)} RETURNING *`;
  return {
    async create(input) {
      const data = parseWith(newWebhookRegistrationSchema, input, 'webhooks.create');
      const row = { ...data, id: data.id ?? randomUUID() };
      const { rows } = await ctx.run(
        { operation: 'webhooks.create', parents: { integration: data.integrationId } },
        insert,
        [recordset(CREATE_FIELDS, [row])],
      );
      return toWebhook(rows[0]!);
    },
    async get(id) {
      const { rows } = await ctx.run({ operation: 'webhooks.get' }, `SELECT * FROM ${t} WHERE id = $1`, [id]);
      return rows[0] ? toWebhook(rows[0]) : null;
    },
    async list(filter = {}) {
      const { sql: where, params } = equalityWhere([
        ['integration_id', filter.integrationId],
        ['provider', filter.provider],
      ]);
      const { rows } = await ctx.run(
        { operation: 'webhooks.list' },
        `SELECT * FROM ${t}${where} ORDER BY created_at, id`,
        params,
      );
      return rows.map(toWebhook);
    },
    async update(id, patch) {
      const data = parseWith(webhookRegistrationPatchSchema, patch, 'webhooks.update');
      const { fields, json } = patchParams(WEBHOOK, data);
      const { rows } = await ctx.run(
        { operation: 'webhooks.update' },
        updateSql(t, WEBHOOK, fields, 'id', ['updated_at = statement_timestamp()']),
        fields.length ? [id, json] : [id],
      );
      if (!rows[0]) throw missingRow('webhooks.update', 'webhook registration', id);
      return toWebhook(rows[0]);
    },
    async recordDelivery(id, counters) {
      const c = parseWith(webhookCountersSchema, counters, 'webhooks.recordDelivery');
      const { rows } = await ctx.run(
        { operation: 'webhooks.recordDelivery' },
        `UPDATE ${t} SET total_received = total_received + $2::bigint,
           total_processed = total_processed + $3::bigint,
           total_failed = total_failed + $4::bigint,
           last_received_at = COALESCE($5::timestamptz, last_received_at),
           updated_at = statement_timestamp()
         WHERE id = $1 RETURNING *`,
        [id, c.received, c.processed, c.failed, c.lastReceivedAt?.toISOString() ?? null],
      );
      if (!rows[0]) throw missingRow('webhooks.recordDelivery', 'webhook registration', id);
      return toWebhook(rows[0]);
    },
    async delete(id) {
      const { rowCount } = await ctx.run({ operation: 'webhooks.delete' }, `DELETE FROM ${t} WHERE id = $1`, [
        id,
      ]);
      return rowCount > 0;
    },
  };
}
