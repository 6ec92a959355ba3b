import type { Checkpoint } from '../../domain/checkpoint.js';
import type { FieldMapping } from '../../domain/field-mapping.js';
import type { Integration } from '../../domain/integration.js';
import type { OAuthState } from '../../domain/oauth-state.js';
import type { SyncConfig } from '../../domain/sync-config.js';
import type { SyncLog } from '../../domain/sync-log.js';
import type { SyncRecord } from '../../domain/sync-record.js';
import type { WebhookEvent, WebhookRegistration } from '../../domain/webhook.js';

/** Every table of the memory storage. Rows are owned here; callers only ever get clones. */
export interface MemoryState {
  integrations: Map<string, Integration>;
  syncConfigs: Map<string, SyncConfig>;
  fieldMappings: Map<string, FieldMapping[]>;
  syncLogs: Map<string, SyncLog>;
  syncRecords: Map<string, SyncRecord>;
  /** syncConfigId → localId → record id */
  recordsByLocal: Map<string, Map<string, string>>;
  /** syncConfigId → remoteId → record id */
  recordsByRemote: Map<string, Map<string, string>>;
  webhooks: Map<string, WebhookRegistration>;
  webhookEvents: Map<string, WebhookEvent>;
  /** `${provider}\u0000${eventId}` → event id */
  webhookEventKeys: Map<string, string>;
  oauthStates: Map<string, OAuthState>;
  /** `${syncConfigId}\u0000${key}` → checkpoint */
  checkpoints: Map<string, Checkpoint>;
}

export function createMemoryState(): MemoryState {
  return {
    integrations: new Map(),
    syncConfigs: new Map(),
    fieldMappings: new Map(),
    syncLogs: new Map(),
    syncRecords: new Map(),
    recordsByLocal: new Map(),
    recordsByRemote: new Map(),
    webhooks: new Map(),
    webhookEvents: new Map(),
    webhookEventKeys: new Map(),
    oauthStates: new Map(),
    checkpoints: new Map(),
  };
}

/** An undo log: a transaction records how to reverse each write and replays it on rollback. */
export type Journal = Array<() => void>;

/** Sets `map[key] = value`, recording in `journal` how to restore the previous entry. */
export function journaledSet<K, V>(journal: Journal | undefined, map: Map<K, V>, key: K, value: V): void {
  if (journal) {
    const had = map.has(key);
    const previous = map.get(key);
    journal.push(() => {
      if (had) map.set(key, previous as V);
      else map.delete(key);
    });
  }
  map.set(key, value);
}

/** Deletes `map[key]`, recording in `journal` how to restore it. */
export function journaledDelete<K, V>(journal: Journal | undefined, map: Map<K, V>, key: K): boolean {
  if (!map.has(key)) return false;
  if (journal) {
    const previous = map.get(key) as V;
    journal.push(() => map.set(key, previous));
  }
  return map.delete(key);
}

export const clone = <T>(value: T): T => structuredClone(value);

/**
 * What a JSON column holds: the value as JSON would carry it (a Date becomes its ISO string,
 * `undefined` properties vanish), so memory storage returns what Postgres returns.
 */
export const asJson = <T>(value: T): T => (value === undefined ? value : JSON.parse(JSON.stringify(value)));
