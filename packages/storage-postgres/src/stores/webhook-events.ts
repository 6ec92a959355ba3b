import { randomUUID } from 'node:crypto';
import {
  missingRow,
  newWebhookEventSchema,
  parseWith,
  StorageError,
  type WebhookEvent,
  type WebhookEventStore,
  webhookClaimSchema,
  webhookEventFilterSchema,
  webhookEventPatchSchema,
} from '@syncbridge/core';
import { fromRow, recordset, WEBHOOK_EVENT } from './columns.js';
import { equalityWhere, insertSql, patchParams, type StoreContext, updateSql } from './store-context.js';

const INSERT_FIELDS = [
  'id',
  'provider',
  'eventId',
  'integrationId',
  'webhookId',
  'eventType',
  'payload',
  'status',
  'receivedAt',
] as const;

const toEvent = (row: Record<string, unknown>) => fromRow<WebhookEvent>(WEBHOOK_EVENT, row);

/**
 * The webhook inbox on Postgres. `insert` is `INSERT … ON CONFLICT DO NOTHING` and then a read,
 * so concurrent duplicate deliveries never throw and exactly one is inserted; `claim` takes due
 * rows with `FOR UPDATE SKIP LOCKED`, so concurrent workers never get the same event.
 */
export function postgresWebhookEvents(ctx: StoreContext): WebhookEventStore {
  const t = ctx.tables.webhookEvents;
  const insert = `${insertSql(t, WEBHOOK_EVENT, INSERT_FIELDS)} ON CONFLICT (provider, event_id) DO NOTHING RETURNING *`;
  const now = 'COALESCE($1::timestamptz, statement_timestamp())';
  const byEventId = `SELECT * FROM ${t} WHERE provider = $1 AND event_id = $2`;
  return {
    async insert(input) {
      const data = parseWith(newWebhookEventSchema, input, 'webhookEvents.insert');
      const row = { ...data, id: data.id ?? randomUUID(), receivedAt: data.receivedAt ?? new Date() };
      const operation = 'webhookEvents.insert';
      // The existing row can vanish between the two statements (deleted by a host's cleanup):
      // then the insert is tried again.
      for (let attempt = 0; attempt < 3; attempt++) {
        const { rows } = await ctx.run(
          {
            operation,
            parents: { integration: data.integrationId, 'webhook registration': data.webhookId },
          },
          insert,
          [recordset(INSERT_FIELDS, [row])],
        );
        if (rows[0]) return { event: toEvent(rows[0]), inserted: true };
        const existing = await ctx.run({ operation }, byEventId, [data.provider, data.eventId]);
        if (existing.rows[0]) return { event: toEvent(existing.rows[0]), inserted: false };
      }
      throw new StorageError(
        `${operation} failed: the event kept conflicting with a row that was deleted before it could be read. Retry the delivery.`,
        { operation, failure: 'serialization' },
      );
    },
    async get(id) {
      const { rows } = await ctx.run({ operation: 'webhookEvents.get' }, `SELECT * FROM ${t} WHERE id = $1`, [
        id,
      ]);
      return rows[0] ? toEvent(rows[0]) : null;
    },
    async getByEventId(provider, eventId) {
      const { rows } = await ctx.run({ operation: 'webhookEvents.getByEventId' }, byEventId, [
        provider,
        eventId,
      ]);
      return rows[0] ? toEvent(rows[0]) : null;
    },
    async list(filter = {}) {
      const f = parseWith(webhookEventFilterSchema, filter, 'webhookEvents.list');
      const { sql: where, params } = equalityWhere([
        ['provider', f.provider],
        ['integration_id', f.integrationId],
        ['status', f.status],
      ]);
      params.push(f.limit ?? 100);
      const { rows } = await ctx.run(
        { operation: 'webhookEvents.list' },
        `SELECT * FROM ${t}${where} ORDER BY received_at, id LIMIT $${params.length}::integer`,
        params,
      );
      return rows.map(toEvent);
    },
    async update(id, patch) {
      const data = parseWith(webhookEventPatchSchema, patch, 'webhookEvents.update');
      const { fields, json } = patchParams(WEBHOOK_EVENT, data);
      const { rows } = await ctx.run(
        {
          operation: 'webhookEvents.update',
          parents: { integration: data.integrationId },
        },
        updateSql(t, WEBHOOK_EVENT, fields, 'id'),
        fields.length ? [id, json] : [id],
      );
      if (!rows[0]) throw missingRow('webhookEvents.update', 'webhook event', id);
      return toEvent(rows[0]);
    },
    async claim(options = {}) {
      const o = parseWith(webhookClaimSchema, options, 'webhookEvents.claim');
      const { rows } = await ctx.run(
        { operation: 'webhookEvents.claim' },
        `WITH due AS (
           SELECT id FROM ${t}
           WHERE (status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ${now}))
              OR (status = 'processing' AND locked_until <= ${now})
           ORDER BY received_at, id
           LIMIT $2::integer
           FOR UPDATE SKIP LOCKED
         )
         UPDATE ${t} AS e
         SET status = 'processing', locked_until = ${now} + make_interval(secs => $3::double precision / 1000)
         FROM due WHERE e.id = due.id
         RETURNING e.*`,
        [o.now?.toISOString() ?? null, o.limit, o.leaseMs],
      );
      return rows
        .map(toEvent)
        .sort(
          (a, b) =>
            a.receivedAt.getTime() - b.receivedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
        );
    },
  };
}
