import { KeyedMutex } from '../../util/keyed-mutex.js';
import type { StorageAdapter, StorageTransaction } from '../storage-adapter.js';
import {
  memoryCheckpoints,
  memoryFieldMappings,
  memoryIntegrations,
  memorySyncConfigs,
  memorySyncLogs,
} from './memory-config-stores.js';
import type { MemoryContext } from './memory-context.js';
import {
  createMemoryState,
  type Journal,
  journaledDelete,
  journaledSet,
  type MemoryState,
} from './memory-state.js';
import { memorySyncRecords } from './memory-sync-records.js';
import { memoryOAuthStates, memoryWebhookEvents, memoryWebhooks } from './memory-webhook-stores.js';

function stores(ctx: MemoryContext): StorageTransaction {
  const { state, journal } = ctx;
  const syncRecords = memorySyncRecords(ctx);
  const deleteSyncConfigChildren = (syncConfigId: string) => {
    const ids = [...state.syncRecords.values()]
      .filter((r) => r.syncConfigId === syncConfigId)
      .map((r) => r.id);
    void syncRecords.delete(ids);
    journaledDelete(journal, state.fieldMappings, syncConfigId);
    for (const [key, c] of state.checkpoints)
      if (c.syncConfigId === syncConfigId) journaledDelete(journal, state.checkpoints, key);
    for (const [id, log] of state.syncLogs) {
      if (log.syncConfigId === syncConfigId)
        journaledSet(journal, state.syncLogs, id, { ...log, syncConfigId: null });
    }
  };
  const deleteIntegrationChildren = (integrationId: string) => {
    for (const [id, c] of state.syncConfigs) {
      if (c.integrationId !== integrationId) continue;
      deleteSyncConfigChildren(id);
      journaledDelete(journal, state.syncConfigs, id);
    }
    for (const [id, w] of state.webhooks)
      if (w.integrationId === integrationId) journaledDelete(journal, state.webhooks, id);
    for (const [id, log] of state.syncLogs)
      if (log.integrationId === integrationId) journaledDelete(journal, state.syncLogs, id);
    for (const [id, e] of state.webhookEvents) {
      if (e.integrationId === integrationId) {
        journaledSet(journal, state.webhookEvents, id, { ...e, integrationId: null, webhookId: null });
      }
    }
  };
  return {
    integrations: memoryIntegrations(ctx, deleteIntegrationChildren),
    syncConfigs: memorySyncConfigs(ctx, deleteSyncConfigChildren),
    fieldMappings: memoryFieldMappings(ctx),
    syncLogs: memorySyncLogs(ctx),
    syncRecords,
    webhooks: memoryWebhooks(ctx),
    webhookEvents: memoryWebhookEvents(ctx),
    oauthStates: memoryOAuthStates(ctx),
    checkpoints: memoryCheckpoints(ctx),
  };
}

/**
 * Storage that lives in the process's memory: for tests, prototypes and hosts that sync into
 * their own tables and can afford a full resync after a restart. Everything is lost when the
 * process exits, and `withLock` excludes only within this process. Use `postgresStorage()`
 * from `@syncbridge/storage-postgres` in production.
 *
 * Transactions keep an undo log and roll back by replaying it; their writes are visible to
 * other callers before commit (read uncommitted).
 *
 * ```ts
 * import { createSyncBridge, memoryStorage } from '@syncbridge/core';
 * const bridge = createSyncBridge({ storage: memoryStorage(), ... });
 * ```
 */
export function memoryStorage(): StorageAdapter {
  const state: MemoryState = createMemoryState();
  const locks = new KeyedMutex();
  return {
    name: 'memory',
    ...stores({ state }),
    async transaction(fn) {
      const journal: Journal = [];
      try {
        return await fn(stores({ state, journal }));
      } catch (error) {
        for (let i = journal.length - 1; i >= 0; i--) journal[i]!();
        throw error;
      }
    },
    withLock: (key, fn) => locks.run(key, fn),
    tryWithLock: (key, fn) => locks.tryRun(key, fn),
    async migrate() {},
    async close() {},
  };
}
