import type { Checkpoint, CheckpointWrite } from '../domain/checkpoint.js';
import type { FieldMapping, NewFieldMapping } from '../domain/field-mapping.js';
import type {
  Integration,
  IntegrationFilter,
  IntegrationPatch,
  NewIntegration,
} from '../domain/integration.js';
import type { NewOAuthState, OAuthState } from '../domain/oauth-state.js';
import type { NewSyncConfig, SyncConfig, SyncConfigPatch } from '../domain/sync-config.js';
import type { NewSyncLog, SyncLog, SyncLogFilter, SyncLogPatch } from '../domain/sync-log.js';
import type { SyncRecord, SyncRecordFilter, SyncRecordInput } from '../domain/sync-record.js';
import type {
  NewWebhookEvent,
  NewWebhookRegistration,
  WebhookClaim,
  WebhookCounters,
  WebhookEvent,
  WebhookEventFilter,
  WebhookEventPatch,
  WebhookRegistration,
  WebhookRegistrationPatch,
} from '../domain/webhook.js';

/*
 * Rules every adapter follows (the contract suite in @syncbridge/testing checks each one):
 * - Input is validated with core's zod schemas; bad input throws `ValidationError` and writes nothing.
 * - `get` of a missing id returns null; `update` of a missing id throws `NotFoundError`;
 *   `delete` of a missing id returns false.
 * - A write that breaks a uniqueness rule throws `StorageError` with code `STORAGE_UNIQUE_VIOLATION`.
 * - Bulk methods take arrays; an empty array is a no-op that returns an empty result.
 * - Returned objects are copies: mutating one never changes what is stored.
 * - Any other failure is a `StorageError` naming the operation, with the driver's error as `cause`.
 */

/** Connections (`integrations`), unique per (organizationId, provider). */
export interface IntegrationStore {
  create(input: NewIntegration): Promise<Integration>;
  get(id: string): Promise<Integration | null>;
  getByProvider(organizationId: string, provider: string): Promise<Integration | null>;
  /** Ordered by creation time, then id. */
  list(filter?: IntegrationFilter): Promise<Integration[]>;
  update(id: string, patch: IntegrationPatch): Promise<Integration>;
  /** Deletes the integration and, by cascade, its sync configs, mappings, records, logs, checkpoints and webhook registrations. Webhook events are kept with `integrationId` set to null (audit trail). */
  delete(id: string): Promise<boolean>;
}

/** Entity pairs per integration (`sync_configs`), unique per (integrationId, localEntity, remoteEntity). */
export interface SyncConfigStore {
  create(input: NewSyncConfig): Promise<SyncConfig>;
  get(id: string): Promise<SyncConfig | null>;
  /** Ordered by creation time, then id. */
  list(filter?: { integrationId?: string; enabled?: boolean }): Promise<SyncConfig[]>;
  update(id: string, patch: SyncConfigPatch): Promise<SyncConfig>;
  delete(id: string): Promise<boolean>;
}

/** The field mappings of one sync config, always replaced as a whole (`field_mappings`). */
export interface FieldMappingStore {
  /** Replaces every mapping of the config atomically; `position` follows array order. Throws `NotFoundError` for an unknown config. */
  replace(syncConfigId: string, mappings: readonly NewFieldMapping[]): Promise<FieldMapping[]>;
  /** In `position` order; empty for an unknown config. */
  list(syncConfigId: string): Promise<FieldMapping[]>;
}

/** Runs (`sync_logs`). */
export interface SyncLogStore {
  create(input: NewSyncLog): Promise<SyncLog>;
  get(id: string): Promise<SyncLog | null>;
  update(id: string, patch: SyncLogPatch): Promise<SyncLog>;
  /** Newest first (by `startedAt`, then id); `limit` defaults to 100. */
  list(filter?: SyncLogFilter): Promise<SyncLog[]>;
}

/** Links between host and provider records (`sync_records`). */
export interface SyncRecordStore {
  /**
   * Inserts or replaces by `id` (new ids are generated when absent), all or nothing: if one row
   * breaks the unique (syncConfigId, localId) or (syncConfigId, remoteId) rule, none is written.
   * Returns the stored rows in input order.
   */
  upsert(records: readonly SyncRecordInput[]): Promise<SyncRecord[]>;
  get(id: string): Promise<SyncRecord | null>;
  /** Rows whose localId is in `localIds`; missing ids are simply absent from the result (any order). */
  getByLocalIds(syncConfigId: string, localIds: readonly string[]): Promise<SyncRecord[]>;
  /** Rows whose remoteId is in `remoteIds`; missing ids are simply absent from the result (any order). */
  getByRemoteIds(syncConfigId: string, remoteIds: readonly string[]): Promise<SyncRecord[]>;
  /** One page in id order; pass the last id as `after` for the next page. */
  list(filter: SyncRecordFilter): Promise<SyncRecord[]>;
  count(filter: { syncConfigId: string; status?: SyncRecord['syncStatus'] }): Promise<number>;
  /** Deletes by id; returns how many existed. */
  delete(ids: readonly string[]): Promise<number>;
}

/** Webhook endpoints per integration (`integration_webhooks`). */
export interface WebhookRegistrationStore {
  create(input: NewWebhookRegistration): Promise<WebhookRegistration>;
  get(id: string): Promise<WebhookRegistration | null>;
  list(filter?: { integrationId?: string; provider?: string }): Promise<WebhookRegistration[]>;
  update(id: string, patch: WebhookRegistrationPatch): Promise<WebhookRegistration>;
  /** Adds to the counters atomically (safe under concurrent deliveries). Throws `NotFoundError` if missing. */
  recordDelivery(id: string, counters: WebhookCounters): Promise<WebhookRegistration>;
  delete(id: string): Promise<boolean>;
}

/** The webhook inbox (`webhook_events`), unique per (provider, eventId). */
export interface WebhookEventStore {
  /**
   * Stores the event unless one with the same (provider, eventId) exists. Never throws for a
   * duplicate: returns the existing row with `inserted: false`. Safe under concurrent inserts of
   * the same event: exactly one caller gets `inserted: true`.
   */
  insert(input: NewWebhookEvent): Promise<{ event: WebhookEvent; inserted: boolean }>;
  get(id: string): Promise<WebhookEvent | null>;
  getByEventId(provider: string, eventId: string): Promise<WebhookEvent | null>;
  /** Oldest first (by `receivedAt`, then id); `limit` defaults to 100. */
  list(filter?: WebhookEventFilter): Promise<WebhookEvent[]>;
  update(id: string, patch: WebhookEventPatch): Promise<WebhookEvent>;
  /**
   * Atomically moves up to `limit` due events to `processing` with a lease and returns them:
   * `pending` ones whose `nextAttemptAt` is null or past, and `processing` ones whose lease has
   * lapsed (a crashed worker). Two concurrent claims never return the same event.
   */
  claim(options?: WebhookClaim): Promise<WebhookEvent[]>;
}

/** Pending OAuth authorizations (`oauth_states`). */
export interface OAuthStateStore {
  /** Throws `STORAGE_UNIQUE_VIOLATION` if the state string exists. */
  create(input: NewOAuthState): Promise<OAuthState>;
  /**
   * Removes and returns the state in one step, so it can be used once: of two concurrent
   * consumers, one gets it and the other null. Expired states are returned too (the caller
   * reports the expiry); unknown ones give null.
   */
  consume(state: string): Promise<OAuthState | null>;
  /** Deletes states that expired before `now`; returns how many. */
  deleteExpired(now: Date): Promise<number>;
}

/** Sync cursors with optimistic versions. */
export interface CheckpointStore {
  get(syncConfigId: string, key: string): Promise<Checkpoint | null>;
  /**
   * Writes when `expectedVersion` matches the stored version (null: must not exist yet) and
   * returns the new row (version + 1). Otherwise throws `ConflictError` with code
   * `STALE_VERSION` and writes nothing. Throws `NotFoundError` for an unknown sync config.
   */
  put(write: CheckpointWrite): Promise<Checkpoint>;
  delete(syncConfigId: string, key?: string): Promise<number>;
}

/** Everything an adapter can do inside a transaction (no nested transaction, no locks, no close). */
export interface StorageTransaction {
  readonly integrations: IntegrationStore;
  readonly syncConfigs: SyncConfigStore;
  readonly fieldMappings: FieldMappingStore;
  readonly syncLogs: SyncLogStore;
  readonly syncRecords: SyncRecordStore;
  readonly webhooks: WebhookRegistrationStore;
  readonly webhookEvents: WebhookEventStore;
  readonly oauthStates: OAuthStateStore;
  readonly checkpoints: CheckpointStore;
}

/**
 * Where SyncBridge keeps its own state: one group of methods per aggregate of the seed's schema.
 * Implementations: `memoryStorage()` in core, `postgresStorage()` in @syncbridge/storage-postgres.
 * Write your own by passing `runStorageAdapterSuite` from @syncbridge/testing.
 *
 * ```ts
 * const storage = memoryStorage();
 * const integration = await storage.integrations.create({ organizationId: 'org_1', provider: 'stripe' });
 * ```
 */
export interface StorageAdapter extends StorageTransaction {
  /** Adapter name for logs and errors, e.g. `memory`, `postgres`. */
  readonly name: string;
  /**
   * Runs `fn` with a transactional view; commits when it resolves, rolls back everything when
   * it throws (and rethrows). Calls on the outer adapter during `fn` are not part of it.
   */
  transaction<T>(fn: (tx: StorageTransaction) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` while holding an exclusive lock on `key`, released when `fn` settles. Excludes
   * every caller using the same storage, in any process (Postgres: advisory locks). Waiters
   * are served in no particular order. Locks are not re-entrant: taking the same key inside
   * `fn` deadlocks.
   */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /** Like `withLock`, but returns `{ acquired: false }` at once when the lock is held. */
  tryWithLock<T>(
    key: string,
    fn: () => Promise<T>,
  ): Promise<{ acquired: true; value: T } | { acquired: false }>;
  /** Creates or upgrades the schema; idempotent. Memory storage has nothing to do. */
  migrate(): Promise<void>;
  /** Releases what the adapter opened itself (never the client the host passed in). */
  close(): Promise<void>;
}
