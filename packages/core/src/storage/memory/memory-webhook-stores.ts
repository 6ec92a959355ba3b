import { randomUUID } from 'node:crypto';
import { newOAuthStateSchema, type OAuthState } from '../../domain/oauth-state.js';
import {
  newWebhookEventSchema,
  newWebhookRegistrationSchema,
  type WebhookEvent,
  type WebhookRegistration,
  webhookClaimSchema,
  webhookCountersSchema,
  webhookEventFilterSchema,
  webhookEventPatchSchema,
  webhookRegistrationPatchSchema,
} from '../../domain/webhook.js';
import { parseWith } from '../../errors/zod.js';
import { missingRow, uniqueViolation } from '../errors.js';
import type { OAuthStateStore, WebhookEventStore, WebhookRegistrationStore } from '../storage-adapter.js';
import type { MemoryContext } from './memory-context.js';
import { asJson, clone, journaledDelete, journaledSet } from './memory-state.js';

export function memoryWebhooks(ctx: MemoryContext): WebhookRegistrationStore {
  const { state } = ctx;
  const update = (
    operation: string,
    id: string,
    change: (row: WebhookRegistration) => WebhookRegistration,
  ) => {
    const row = state.webhooks.get(id);
    if (!row) throw missingRow(operation, 'webhook registration', id);
    const next = { ...change(row), updatedAt: new Date() };
    journaledSet(ctx.journal, state.webhooks, id, next);
    return clone(next);
  };
  return {
    async create(input) {
      const data = parseWith(newWebhookRegistrationSchema, input, 'webhooks.create');
      if (!state.integrations.has(data.integrationId))
        throw missingRow('webhooks.create', 'integration', data.integrationId);
      const id = data.id ?? randomUUID();
      if (state.webhooks.has(id))
        throw uniqueViolation('webhooks.create', `a webhook registration with id "${id}"`);
      const now = new Date();
      const row: WebhookRegistration = {
        ...data,
        id,
        totalReceived: 0,
        totalProcessed: 0,
        totalFailed: 0,
        lastReceivedAt: null,
        createdAt: now,
        updatedAt: now,
      };
      journaledSet(ctx.journal, state.webhooks, id, row);
      return clone(row);
    },
    async get(id) {
      const row = state.webhooks.get(id);
      return row ? clone(row) : null;
    },
    async list(filter = {}) {
      return [...state.webhooks.values()]
        .filter(
          (w) =>
            (filter.integrationId === undefined || w.integrationId === filter.integrationId) &&
            (filter.provider === undefined || w.provider === filter.provider),
        )
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
        .map(clone);
    },
    async update(id, patch) {
      const data = parseWith(webhookRegistrationPatchSchema, patch, 'webhooks.update');
      return update('webhooks.update', id, (row) => ({ ...row, ...data }));
    },
    async recordDelivery(id, counters) {
      const c = parseWith(webhookCountersSchema, counters, 'webhooks.recordDelivery');
      return update('webhooks.recordDelivery', id, (row) => ({
        ...row,
        totalReceived: row.totalReceived + c.received,
        totalProcessed: row.totalProcessed + c.processed,
        totalFailed: row.totalFailed + c.failed,
        lastReceivedAt: c.lastReceivedAt ?? row.lastReceivedAt,
      }));
    },
    async delete(id) {
      if (!state.webhooks.has(id)) return false;
      // The inbox keeps its events (audit trail), detached from the deleted registration.
      for (const [eventId, event] of state.webhookEvents) {
        if (event.webhookId === id)
          journaledSet(ctx.journal, state.webhookEvents, eventId, { ...event, webhookId: null });
      }
      return journaledDelete(ctx.journal, state.webhooks, id);
    },
  };
}

export function memoryWebhookEvents(ctx: MemoryContext): WebhookEventStore {
  const { state } = ctx;
  const keyOf = (provider: string, eventId: string) => `${provider}\u0000${eventId}`;
  return {
    async insert(input) {
      const data = parseWith(newWebhookEventSchema, input, 'webhookEvents.insert');
      if (data.integrationId !== null && !state.integrations.has(data.integrationId)) {
        throw missingRow('webhookEvents.insert', 'integration', data.integrationId);
      }
      if (data.webhookId !== null && !state.webhooks.has(data.webhookId)) {
        throw missingRow('webhookEvents.insert', 'webhook registration', data.webhookId);
      }
      const existingId = state.webhookEventKeys.get(keyOf(data.provider, data.eventId));
      if (existingId !== undefined)
        return { event: clone(state.webhookEvents.get(existingId)!), inserted: false };
      const id = data.id ?? randomUUID();
      if (state.webhookEvents.has(id))
        throw uniqueViolation('webhookEvents.insert', `a webhook event with id "${id}"`);
      const row: WebhookEvent = {
        ...data,
        payload: asJson(data.payload),
        id,
        retryCount: 0,
        nextAttemptAt: null,
        lockedUntil: null,
        error: null,
        receivedAt: data.receivedAt ?? new Date(),
        processedAt: null,
      };
      journaledSet(ctx.journal, state.webhookEvents, id, row);
      journaledSet(ctx.journal, state.webhookEventKeys, keyOf(data.provider, data.eventId), id);
      return { event: clone(row), inserted: true };
    },
    async get(id) {
      const row = state.webhookEvents.get(id);
      return row ? clone(row) : null;
    },
    async getByEventId(provider, eventId) {
      const id = state.webhookEventKeys.get(keyOf(provider, eventId));
      return id === undefined ? null : clone(state.webhookEvents.get(id)!);
    },
    async list(filter = {}) {
      const f = parseWith(webhookEventFilterSchema, filter, 'webhookEvents.list');
      return [...state.webhookEvents.values()]
        .filter(
          (e) =>
            (f.provider === undefined || e.provider === f.provider) &&
            (f.integrationId === undefined || e.integrationId === f.integrationId) &&
            (f.status === undefined || e.status === f.status),
        )
        .sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || a.id.localeCompare(b.id))
        .slice(0, f.limit ?? 100)
        .map(clone);
    },
    async update(id, patch) {
      const data = parseWith(webhookEventPatchSchema, patch, 'webhookEvents.update');
      if (data.integrationId != null && !state.integrations.has(data.integrationId)) {
        throw missingRow('webhookEvents.update', 'integration', data.integrationId);
      }
      const row = state.webhookEvents.get(id);
      if (!row) throw missingRow('webhookEvents.update', 'webhook event', id);
      const next = { ...row, ...data };
      journaledSet(ctx.journal, state.webhookEvents, id, next);
      return clone(next);
    },
    async claim(options = {}) {
      const o = parseWith(webhookClaimSchema, options, 'webhookEvents.claim');
      const now = o.now ?? new Date();
      const lockedUntil = new Date(now.getTime() + o.leaseMs);
      const due = [...state.webhookEvents.values()]
        .filter(
          (e) =>
            (e.status === 'pending' && (e.nextAttemptAt === null || e.nextAttemptAt <= now)) ||
            (e.status === 'processing' && e.lockedUntil !== null && e.lockedUntil <= now),
        )
        .sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || a.id.localeCompare(b.id))
        .slice(0, o.limit);
      return due.map((e) => {
        const next: WebhookEvent = { ...e, status: 'processing', lockedUntil };
        journaledSet(ctx.journal, state.webhookEvents, e.id, next);
        return clone(next);
      });
    },
  };
}

export function memoryOAuthStates(ctx: MemoryContext): OAuthStateStore {
  const { state } = ctx;
  return {
    async create(input) {
      const data = parseWith(newOAuthStateSchema, input, 'oauthStates.create');
      if (state.oauthStates.has(data.state))
        throw uniqueViolation('oauthStates.create', 'an OAuth state with that value');
      const row: OAuthState = { ...data, createdAt: new Date() };
      journaledSet(ctx.journal, state.oauthStates, data.state, row);
      return clone(row);
    },
    async consume(value) {
      const row = state.oauthStates.get(value);
      if (!row) return null;
      journaledDelete(ctx.journal, state.oauthStates, value);
      return clone(row);
    },
    async deleteExpired(now) {
      let n = 0;
      for (const [key, row] of state.oauthStates) {
        if (row.expiresAt < now) {
          journaledDelete(ctx.journal, state.oauthStates, key);
          n++;
        }
      }
      return n;
    },
  };
}
