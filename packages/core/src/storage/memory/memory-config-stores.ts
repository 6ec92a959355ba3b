import { randomUUID } from 'node:crypto';
import { type Checkpoint, checkpointWriteSchema } from '../../domain/checkpoint.js';
import { type FieldMapping, newFieldMappingSchema } from '../../domain/field-mapping.js';
import {
  type Integration,
  integrationFilterSchema,
  integrationPatchSchema,
  newIntegrationSchema,
} from '../../domain/integration.js';
import { newSyncConfigSchema, type SyncConfig, syncConfigPatchSchema } from '../../domain/sync-config.js';
import {
  newSyncLogSchema,
  type SyncLog,
  syncLogFilterSchema,
  syncLogPatchSchema,
} from '../../domain/sync-log.js';
import { ConflictError } from '../../errors/conflict-error.js';
import { parseWith } from '../../errors/zod.js';
import { missingRow, uniqueViolation } from '../errors.js';
import type {
  CheckpointStore,
  FieldMappingStore,
  IntegrationStore,
  SyncConfigStore,
  SyncLogStore,
} from '../storage-adapter.js';
import type { MemoryContext } from './memory-context.js';
import { asJson, clone, journaledDelete, journaledSet } from './memory-state.js';

const byCreation = <T extends { createdAt: Date; id: string }>(a: T, b: T) =>
  a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id);

export function memoryIntegrations(
  ctx: MemoryContext,
  cascade: (integrationId: string) => void,
): IntegrationStore {
  const { state } = ctx;
  const findByProvider = (organizationId: string, provider: string) =>
    [...state.integrations.values()].find(
      (i) => i.organizationId === organizationId && i.provider === provider,
    );
  return {
    async create(input) {
      const data = parseWith(newIntegrationSchema, input, 'integrations.create');
      const id = data.id ?? randomUUID();
      if (state.integrations.has(id))
        throw uniqueViolation('integrations.create', `an integration with id "${id}"`);
      if (findByProvider(data.organizationId, data.provider)) {
        throw uniqueViolation(
          'integrations.create',
          `an integration for organization "${data.organizationId}" and provider "${data.provider}"`,
        );
      }
      const now = new Date();
      const row: Integration = {
        ...data,
        id,
        lastSyncAt: null,
        lastError: null,
        lastErrorAt: null,
        errorCount: 0,
        createdAt: now,
        updatedAt: now,
      };
      journaledSet(ctx.journal, state.integrations, id, row);
      return clone(row);
    },
    async get(id) {
      const row = state.integrations.get(id);
      return row ? clone(row) : null;
    },
    async getByProvider(organizationId, provider) {
      const row = findByProvider(organizationId, provider);
      return row ? clone(row) : null;
    },
    async list(filter = {}) {
      const f = parseWith(integrationFilterSchema, filter, 'integrations.list');
      return [...state.integrations.values()]
        .filter(
          (i) =>
            (f.organizationId === undefined || i.organizationId === f.organizationId) &&
            (f.provider === undefined || i.provider === f.provider) &&
            (f.status === undefined || i.status === f.status) &&
            (f.dueBefore === undefined || (i.nextSyncAt !== null && i.nextSyncAt <= f.dueBefore)),
        )
        .sort(byCreation)
        .map(clone);
    },
    async update(id, patch) {
      const data = parseWith(integrationPatchSchema, patch, 'integrations.update');
      const row = state.integrations.get(id);
      if (!row) throw missingRow('integrations.update', 'integration', id);
      const next: Integration = { ...row, ...data, updatedAt: new Date() };
      journaledSet(ctx.journal, state.integrations, id, next);
      return clone(next);
    },
    async delete(id) {
      if (!state.integrations.has(id)) return false;
      cascade(id);
      return journaledDelete(ctx.journal, state.integrations, id);
    },
  };
}

export function memorySyncConfigs(
  ctx: MemoryContext,
  cascade: (syncConfigId: string) => void,
): SyncConfigStore {
  const { state } = ctx;
  return {
    async create(input) {
      const data = parseWith(newSyncConfigSchema, input, 'syncConfigs.create');
      if (!state.integrations.has(data.integrationId)) {
        throw missingRow('syncConfigs.create', 'integration', data.integrationId);
      }
      const id = data.id ?? randomUUID();
      const clash = [...state.syncConfigs.values()].some(
        (c) =>
          c.id === id ||
          (c.integrationId === data.integrationId &&
            c.localEntity === data.localEntity &&
            c.remoteEntity === data.remoteEntity),
      );
      if (clash) {
        throw uniqueViolation(
          'syncConfigs.create',
          `a sync config for integration "${data.integrationId}", ${data.localEntity} ↔ ${data.remoteEntity}`,
        );
      }
      const now = new Date();
      const row: SyncConfig = { ...data, id, createdAt: now, updatedAt: now };
      journaledSet(ctx.journal, state.syncConfigs, id, row);
      return clone(row);
    },
    async get(id) {
      const row = state.syncConfigs.get(id);
      return row ? clone(row) : null;
    },
    async list(filter = {}) {
      return [...state.syncConfigs.values()]
        .filter(
          (c) =>
            (filter.integrationId === undefined || c.integrationId === filter.integrationId) &&
            (filter.enabled === undefined || c.enabled === filter.enabled),
        )
        .sort(byCreation)
        .map(clone);
    },
    async update(id, patch) {
      const data = parseWith(syncConfigPatchSchema, patch, 'syncConfigs.update');
      const row = state.syncConfigs.get(id);
      if (!row) throw missingRow('syncConfigs.update', 'sync config', id);
      const next: SyncConfig = { ...row, ...data, updatedAt: new Date() };
      journaledSet(ctx.journal, state.syncConfigs, id, next);
      return clone(next);
    },
    async delete(id) {
      if (!state.syncConfigs.has(id)) return false;
      cascade(id);
      return journaledDelete(ctx.journal, state.syncConfigs, id);
    },
  };
}

export function memoryFieldMappings(ctx: MemoryContext): FieldMappingStore {
  const { state } = ctx;
  return {
    async replace(syncConfigId, mappings) {
      const parsed = mappings.map((m, i) =>
        parseWith(newFieldMappingSchema, m, `fieldMappings.replace[${i}]`),
      );
      if (!state.syncConfigs.has(syncConfigId))
        throw missingRow('fieldMappings.replace', 'sync config', syncConfigId);
      const now = new Date();
      const rows: FieldMapping[] = parsed.map((m, position) => ({
        ...m,
        id: m.id ?? randomUUID(),
        syncConfigId,
        position,
        createdAt: now,
      }));
      journaledSet(ctx.journal, state.fieldMappings, syncConfigId, rows);
      return clone(rows);
    },
    async list(syncConfigId) {
      return clone(state.fieldMappings.get(syncConfigId) ?? []);
    },
  };
}

export function memorySyncLogs(ctx: MemoryContext): SyncLogStore {
  const { state } = ctx;
  return {
    async create(input) {
      const data = parseWith(newSyncLogSchema, input, 'syncLogs.create');
      if (!state.integrations.has(data.integrationId)) {
        throw missingRow('syncLogs.create', 'integration', data.integrationId);
      }
      if (data.syncConfigId !== null && !state.syncConfigs.has(data.syncConfigId)) {
        throw missingRow('syncLogs.create', 'sync config', data.syncConfigId);
      }
      const id = data.id ?? randomUUID();
      if (state.syncLogs.has(id)) throw uniqueViolation('syncLogs.create', `a sync log with id "${id}"`);
      const row: SyncLog = {
        ...data,
        id,
        startedAt: data.startedAt ?? new Date(),
        recordsProcessed: 0,
        recordsCreated: 0,
        recordsUpdated: 0,
        recordsSkipped: 0,
        recordsFailed: 0,
        errors: [],
        errorMessage: null,
        completedAt: null,
        durationMs: null,
      };
      journaledSet(ctx.journal, state.syncLogs, id, row);
      return clone(row);
    },
    async get(id) {
      const row = state.syncLogs.get(id);
      return row ? clone(row) : null;
    },
    async update(id, patch) {
      const data = parseWith(syncLogPatchSchema, patch, 'syncLogs.update');
      const row = state.syncLogs.get(id);
      if (!row) throw missingRow('syncLogs.update', 'sync log', id);
      const next: SyncLog = { ...row, ...data };
      journaledSet(ctx.journal, state.syncLogs, id, next);
      return clone(next);
    },
    async list(filter = {}) {
      const f = parseWith(syncLogFilterSchema, filter, 'syncLogs.list');
      return [...state.syncLogs.values()]
        .filter(
          (l) =>
            (f.integrationId === undefined || l.integrationId === f.integrationId) &&
            (f.syncConfigId === undefined || l.syncConfigId === f.syncConfigId) &&
            (f.status === undefined || l.status === f.status),
        )
        .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime() || b.id.localeCompare(a.id))
        .slice(0, f.limit ?? 100)
        .map(clone);
    },
  };
}

export function memoryCheckpoints(ctx: MemoryContext): CheckpointStore {
  const { state } = ctx;
  const keyOf = (syncConfigId: string, key: string) => `${syncConfigId}\u0000${key}`;
  return {
    async get(syncConfigId, key) {
      const row = state.checkpoints.get(keyOf(syncConfigId, key));
      return row ? clone(row) : null;
    },
    async put(write) {
      const data = parseWith(checkpointWriteSchema, write, 'checkpoints.put');
      if (!state.syncConfigs.has(data.syncConfigId)) {
        throw missingRow('checkpoints.put', 'sync config', data.syncConfigId);
      }
      const k = keyOf(data.syncConfigId, data.key);
      const current = state.checkpoints.get(k);
      if ((current?.version ?? null) !== data.expectedVersion) {
        throw new ConflictError(
          `checkpoints.put failed: checkpoint "${data.key}" of sync config "${data.syncConfigId}" is at version ${current?.version ?? 'none'}, not ${data.expectedVersion ?? 'none'}. Another run advanced it; re-read before writing.`,
          { code: 'STALE_VERSION' },
        );
      }
      const row: Checkpoint = {
        syncConfigId: data.syncConfigId,
        key: data.key,
        value: asJson(data.value),
        version: (current?.version ?? 0) + 1,
        updatedAt: new Date(),
      };
      journaledSet(ctx.journal, state.checkpoints, k, row);
      return clone(row);
    },
    async delete(syncConfigId, key) {
      let n = 0;
      for (const [k, row] of state.checkpoints) {
        if (row.syncConfigId === syncConfigId && (key === undefined || row.key === key)) {
          journaledDelete(ctx.journal, state.checkpoints, k);
          n++;
        }
      }
      return n;
    },
  };
}
