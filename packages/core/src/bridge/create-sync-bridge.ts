import { z } from 'zod';
import { createAuthManager } from '../auth/index.js';
import { checkConflictPolicy, resolveConflict } from '../conflict/index.js';
import type { Connector } from '../connector/connector.js';
import { jsonObjectSchema, syncDirectionSchema } from '../domain/common.js';
import type { Integration, IntegrationFilter } from '../domain/integration.js';
import { conflictStrategySchema, prioritySourceSchema, type SyncConfig } from '../domain/sync-config.js';
import type { SyncLog } from '../domain/sync-log.js';
import type { SyncRecord } from '../domain/sync-record.js';
import type { WebhookEventStatus, WebhookRegistration } from '../domain/webhook.js';
import { ConfigError } from '../errors/config-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { parseWith } from '../errors/zod.js';
import { EventBus, type Listener } from '../events/event-bus.js';
import { silentLogger } from '../logging/logger.js';
import type { BridgeEvents } from '../sync/bridge-events.js';
import {
  type ConflictDecision,
  listConflicts,
  resolveConflictById,
  type SyncConflict,
} from '../sync/conflicts.js';
import { SyncEngine } from '../sync/engine.js';
import { NotifyQueue } from '../sync/notify-queue.js';
import type { RecordMapper } from '../sync/ports.js';
import { Scheduler } from '../sync/scheduler.js';
import {
  compileMappings,
  fieldMappingsToSpecs,
  type MappingSpec,
  mappingSpecsToFieldMappings,
} from '../transform/index.js';
import { createVault, rotateKeys } from '../vault/index.js';
import { WebhookProcessor } from '../webhooks/webhook-processor.js';
import { createWebhookReceiver, type WebhookDelivery } from '../webhooks/webhook-receiver.js';
import { checkOptions, type SyncBridgeOptions } from './options.js';

const configureSchema = z
  .object({
    localEntity: z.string().min(1),
    remoteEntity: z.string().min(1),
    direction: syncDirectionSchema.optional(),
    conflict: z
      .object({
        strategy: conflictStrategySchema,
        fallback: conflictStrategySchema.optional(),
        priority: prioritySourceSchema.optional(),
      })
      .strict()
      .optional(),
    mappings: z
      .array(z.object({ local: z.string(), remote: z.string() }).loose())
      .min(1, 'map at least one field'),
    filter: jsonObjectSchema.nullable().optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

/** What `sync.configure` takes: one entity pair of an integration, its direction, conflict policy and field mappings. */
export interface SyncConfigureInput {
  localEntity: string;
  remoteEntity: string;
  direction?: 'inbound' | 'outbound' | 'bidirectional';
  conflict?: {
    strategy: SyncConfig['conflictResolution'];
    fallback?: SyncConfig['conflictResolution'];
    priority?: 'local' | 'remote';
  };
  mappings: readonly MappingSpec[];
  filter?: Record<string, unknown> | null;
  enabled?: boolean;
}

const updateIntegrationSchema = z
  .object({
    name: z.string().max(255).nullable(),
    syncFrequencyMinutes: z.number().int().positive().nullable(),
    syncDirection: syncDirectionSchema,
    config: jsonObjectSchema,
  })
  .partial()
  .strict();

/** A sync config with its mappings, as `sync.configure` stored it. */
export interface ConfiguredSync extends SyncConfig {
  mappings: MappingSpec[];
}

/** Where an integration's syncs stand. */
export interface SyncStatus {
  integration: Integration;
  lastRun: SyncLog | null;
  configs: { config: SyncConfig; links: number; conflicts: number; errors: number; pending: number }[];
}

/**
 * Creates a SyncBridge: the one object a host app keeps. Validates everything at construction.
 *
 * ```ts
 * const bridge = createSyncBridge({
 *   storage: memoryStorage(),
 *   encryptionKeys: [{ kid: '2026-11', key: process.env.SYNCBRIDGE_KEY! }],
 *   connectors: [stripe()],
 *   local: { customer: memoryLocalStore() },
 * });
 * const integration = await bridge.integrations.connect({ organizationId: 'org_1', provider: 'stripe', credentials: { apiKey } });
 * await bridge.sync.configure(integration.id, { localEntity: 'customer', remoteEntity: 'customer', mappings: [{ local: 'name', remote: '$.name' }] });
 * const log = await bridge.sync.run(integration.id, { type: 'full' });
 * ```
 */
export function createSyncBridge(input: SyncBridgeOptions) {
  const options = checkOptions(input);
  const { storage } = options;
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? (() => new Date());
  const vault = createVault(options.encryptionKeys);
  const connectors = new Map<string, Connector>(options.connectors.map((c) => [c.provider, c]));
  const events = new EventBus<BridgeEvents>({
    onListenerError: (error, event) =>
      logger.warn({ event, error: (error as Error)?.message }, 'event listener failed'),
  });
  const auth = createAuthManager({
    storage,
    vault,
    connectors: options.connectors,
    logger,
    onEvent: (e) => {
      if (e.type === 'token.refreshed') events.emit('token.refreshed', { integrationId: e.integrationId });
      else if (e.error) events.emit('integration.error', { integrationId: e.integrationId, error: e.error });
    },
  });
  const mappers = new Map<string, Promise<RecordMapper>>();
  const mapperFor = (syncConfigId: string): Promise<RecordMapper> => {
    let mapper = mappers.get(syncConfigId);
    if (!mapper) {
      mapper = storage.fieldMappings.list(syncConfigId).then(async (rows) => {
        const config = await storage.syncConfigs.get(syncConfigId);
        return compileMappings(fieldMappingsToSpecs(rows), {
          computes: options.computes ?? {},
          ...(config ? { direction: config.direction } : {}),
        });
      });
      mapper.catch(() => mappers.delete(syncConfigId));
      mappers.set(syncConfigId, mapper);
    }
    return mapper;
  };
  const engine = new SyncEngine(
    {
      storage,
      connectors,
      local: options.local,
      contextFor: (integrationId, signal) => auth.context(integrationId, signal),
      mapperFor,
      resolve: resolveConflict,
      events,
      logger,
      now,
    },
    options.engine,
  );
  const scheduler = new Scheduler(storage, engine, logger, now, options.scheduler);
  const processor = new WebhookProcessor(storage, engine, events, logger, now, options.webhooks);
  const receiver = createWebhookReceiver({
    storage,
    connectors,
    secrets: vault,
    logger,
    maxBodyBytes: options.webhooks?.maxBodyBytes ?? 1_048_576,
    now,
    onStored: () => {
      setImmediate(() => processor.drainInBackground());
    },
  });
  const notifications = new NotifyQueue((entity, ids) => engine.push(entity, ids));
  let migrated: Promise<void> | null = null;
  const ready = () => {
    if (options.migrate === false) return Promise.resolve();
    migrated ??= storage.migrate().then(() => {
      // Events stored but not processed when a previous process stopped are picked up now.
      setImmediate(() => processor.drainInBackground());
    });
    return migrated;
  };
  const integrationOrThrow = async (id: string): Promise<Integration> => {
    await ready();
    const integration = await storage.integrations.get(id);
    if (!integration)
      throw new NotFoundError(`no integration with id "${id}".`, { resource: 'integration', id });
    return integration;
  };

  const integrations = {
    /** Connects with API-key (or Basic) credentials, stored encrypted. Test the connection with `test`. */
    async connect(params: {
      organizationId: string;
      provider: string;
      credentials: Record<string, string>;
      name?: string;
    }) {
      await ready();
      return auth.connectApiKey(params);
    },
    async list(filter: IntegrationFilter = {}) {
      await ready();
      return storage.integrations.list(filter);
    },
    get: integrationOrThrow,
    /** Changes name, schedule (`syncFrequencyMinutes`), direction or provider config. */
    async update(id: string, patch: z.input<typeof updateIntegrationSchema>) {
      const data = parseWith(updateIntegrationSchema, patch, 'integrations.update');
      const current = await integrationOrThrow(id);
      const schedule =
        data.syncFrequencyMinutes !== undefined
          ? { nextSyncAt: data.syncFrequencyMinutes === null ? null : (current.nextSyncAt ?? now()) }
          : {};
      return storage.integrations.update(id, { ...data, ...schedule });
    },
    /** Makes a cheap authenticated call to prove the credentials work. */
    async test(id: string) {
      await integrationOrThrow(id);
      await auth.test(id);
      return { ok: true as const };
    },
    /** Revokes the tokens where the provider allows it and forgets the credentials; configs and links are kept. */
    async disconnect(id: string) {
      await integrationOrThrow(id);
      await auth.disconnect(id);
    },
    /** Deletes the integration with its configs, links, logs and webhooks (the host's data stays). */
    async delete(id: string) {
      await ready();
      return storage.integrations.delete(id);
    },
  };

  const oauth = {
    async authorizeUrl(params: Parameters<typeof auth.authorizeUrl>[0]) {
      await ready();
      return auth.authorizeUrl(params);
    },
    async callback(params: Parameters<typeof auth.callback>[0]) {
      await ready();
      return auth.callback(params);
    },
  };

  const sync = {
    /** Creates or replaces the sync of one entity pair. Every mapping is checked now; problems throw one `ConfigError`. */
    async configure(integrationId: string, params: SyncConfigureInput): Promise<ConfiguredSync> {
      const data = parseWith(configureSchema, params, 'sync.configure');
      const integration = await integrationOrThrow(integrationId);
      const connector = connectors.get(integration.provider);
      const entity = connector?.entities[data.remoteEntity];
      const capabilities = connector?.capabilities.entities[data.remoteEntity];
      const direction = data.direction ?? integration.syncDirection;
      const problems: string[] = [];
      if (!connector) problems.push(`no connector for provider "${integration.provider}"`);
      else if (!entity)
        problems.push(
          `remoteEntity: ${connector.displayName} has no "${data.remoteEntity}" (it has ${Object.keys(connector.entities).join(', ')})`,
        );
      if (!options.local[data.localEntity])
        problems.push(`localEntity: no local store "${data.localEntity}" was passed to createSyncBridge`);
      if (capabilities && direction !== 'inbound' && !capabilities.outbound) {
        problems.push(
          `direction: ${connector!.displayName} ${data.remoteEntity} cannot be written through its API; use direction 'inbound'`,
        );
      }
      if (problems.length) throw new ConfigError(`sync.configure: ${problems.join('; ')}`, { problems });
      const specs = data.mappings as MappingSpec[];
      const strategy = data.conflict?.strategy ?? 'last_write_wins';
      checkConflictPolicy({
        strategy,
        ...(data.conflict?.fallback ? { fallback: data.conflict.fallback } : {}),
        ...(data.conflict?.priority ? { priority: data.conflict.priority } : {}),
      });
      compileMappings(specs, { computes: options.computes ?? {}, direction });
      const existing = (await storage.syncConfigs.list({ integrationId })).find(
        (c) => c.localEntity === data.localEntity && c.remoteEntity === data.remoteEntity,
      );
      const fields = {
        direction,
        conflictResolution: data.conflict?.strategy ?? 'last_write_wins',
        conflictFallback: data.conflict?.fallback ?? null,
        prioritySource: data.conflict?.priority ?? null,
        syncFilter: data.filter ?? null,
        enabled: data.enabled ?? true,
      } as const;
      const config = await storage.transaction(async (tx) => {
        const saved = existing
          ? await tx.syncConfigs.update(existing.id, fields)
          : await tx.syncConfigs.create({
              integrationId,
              localEntity: data.localEntity,
              remoteEntity: data.remoteEntity,
              ...fields,
            });
        await tx.fieldMappings.replace(saved.id, mappingSpecsToFieldMappings(specs));
        return saved;
      });
      mappers.delete(config.id);
      return { ...config, mappings: specs };
    },
    /** Lists an integration's sync configs with their mappings. */
    async configs(integrationId: string): Promise<ConfiguredSync[]> {
      await integrationOrThrow(integrationId);
      const configs = await storage.syncConfigs.list({ integrationId });
      return Promise.all(
        configs.map(async (c) => ({
          ...c,
          mappings: fieldMappingsToSpecs(await storage.fieldMappings.list(c.id)),
        })),
      );
    },
    /** Runs a sync now and returns its log. `full` lists everything (and detects deletions); `incremental` only what changed. */
    async run(
      integrationId: string,
      params: { type?: 'full' | 'incremental'; syncConfigIds?: string[]; triggeredBy?: string } = {},
    ) {
      await ready();
      return engine.run(integrationId, params);
    },
    async status(integrationId: string): Promise<SyncStatus> {
      const integration = await integrationOrThrow(integrationId);
      const [lastRun] = await storage.syncLogs.list({ integrationId, limit: 1 });
      const configs = await storage.syncConfigs.list({ integrationId });
      return {
        integration,
        lastRun: lastRun ?? null,
        configs: await Promise.all(
          configs.map(async (config) => {
            const count = (status?: SyncRecord['syncStatus']) =>
              storage.syncRecords.count({ syncConfigId: config.id, ...(status ? { status } : {}) });
            const [links, conflicts, errors, pending] = await Promise.all([
              count(),
              count('conflict'),
              count('error'),
              count('pending_outbound'),
            ]);
            return { config, links, conflicts, errors, pending };
          }),
        ),
      };
    },
    /** Past runs, newest first. */
    async history(integrationId: string, params: { limit?: number } = {}) {
      await ready();
      return storage.syncLogs.list({ integrationId, limit: params.limit ?? 20 });
    },
    /** Starts the scheduler: integrations with `syncFrequencyMinutes` sync when due. */
    start() {
      ready().then(
        () => {
          scheduler.start();
          processor.startPolling();
        },
        (error: unknown) =>
          logger.error(
            { error: (error as Error)?.message },
            'sync.start: storage migration failed; the scheduler did not start',
          ),
      );
    },
    /** Stops the scheduler; running syncs finish their current page. */
    stop: () => scheduler.stop(),
  };

  const changes = {
    /**
     * Tells SyncBridge which host records changed (or were deleted); they are pushed to every
     * integration syncing that entity outbound. Calls made in a burst are coalesced.
     */
    async notify(localEntity: string, ids: readonly string[]): Promise<SyncLog[]> {
      if (!options.local[localEntity]) {
        throw new ConfigError(
          `changes.notify: no local store "${localEntity}" was passed to createSyncBridge.`,
        );
      }
      await ready();
      return notifications.notify(localEntity, ids);
    },
  };

  /** A registration as the host sees it: the secret never leaves the vault. */
  const publicRegistration = ({ secret, ...rest }: WebhookRegistration) => ({
    ...rest,
    hasSecret: secret !== null,
  });
  const registerSchema = z
    .object({
      integrationId: z.string().min(1),
      /** The signing secret from the provider's dashboard; omit it to register through the provider's API. */
      secret: z.string().min(1).optional(),
      url: z.string().url().optional(),
      events: z.array(z.string()).optional(),
    })
    .strict();

  const webhooks = {
    /** Stores a provider's signing secret (encrypted) for an integration; deliveries are verified with it. */
    async register(params: z.input<typeof registerSchema>) {
      const data = parseWith(registerSchema, params, 'webhooks.register');
      const integration = await integrationOrThrow(data.integrationId);
      const spec = connectors.get(integration.provider)?.webhooks;
      let secret = data.secret;
      let remoteId: string | null = null;
      if (secret === undefined) {
        if (!spec?.register || !data.url) {
          throw new ConfigError(
            spec?.register
              ? 'webhooks.register: pass the endpoint `url` to register it through the provider API.'
              : `webhooks.register: ${integration.provider} has no API to register endpoints; create the endpoint in its dashboard and pass its signing secret.`,
          );
        }
        const ctx = await auth.context(integration.id);
        const registered = await spec.register(ctx, { url: data.url, events: data.events ?? [] });
        secret = registered.secret;
        remoteId = registered.remoteId;
      }
      const created = await storage.webhooks.create({
        integrationId: integration.id,
        provider: integration.provider,
        secret: await vault.encrypt(secret),
        url: data.url ?? null,
        events: data.events ?? [],
        remoteId,
      });
      receiver.invalidate();
      return publicRegistration(created);
    },
    async list(filter: { integrationId?: string } = {}) {
      await ready();
      return (await storage.webhooks.list(filter)).map(publicRegistration);
    },
    /** Deletes a registration (and the provider's endpoint, when it was registered through its API). */
    async delete(id: string) {
      await ready();
      const registration = await storage.webhooks.get(id);
      if (!registration) return false;
      const spec = connectors.get(registration.provider)?.webhooks;
      if (registration.remoteId && spec?.unregister) {
        await spec.unregister(await auth.context(registration.integrationId), registration.remoteId);
      }
      const deleted = await storage.webhooks.delete(id);
      receiver.invalidate();
      return deleted;
    },
    /**
     * Takes a delivery with its raw body, verifies it, stores its events and returns what to
     * answer: `{ status, body }`. Processing happens after the answer.
     */
    async receive(delivery: WebhookDelivery) {
      await ready();
      return receiver.receive(delivery);
    },
    /** The inbox: every event with its status, retries and error (the audit trail). */
    async events(
      filter: { status?: WebhookEventStatus; integrationId?: string; provider?: string; limit?: number } = {},
    ) {
      await ready();
      return storage.webhookEvents.list(filter);
    },
    /** Processes an event again (a failed one after its cause was fixed). `id` is the inbox id. */
    async replay(id: string) {
      await ready();
      const event = await storage.webhookEvents.get(id);
      if (!event)
        throw new NotFoundError(`webhooks.replay: no webhook event with id "${id}".`, {
          resource: 'webhook event',
          id,
        });
      await storage.webhookEvents.update(id, {
        status: 'pending',
        retryCount: 0,
        nextAttemptAt: null,
        lockedUntil: null,
        error: null,
      });
      await processor.drain();
      return storage.webhookEvents.get(id);
    },
    /** Processes due events now (they are also processed after each delivery and by the scheduler). */
    process: () => processor.drain(),
    /** Deliveries turned away (unknown provider, too large, bad signature, malformed). */
    rejections: receiver.rejections,
  };

  const conflicts = {
    async list(filter: { integrationId: string; limit?: number }): Promise<SyncConflict[]> {
      await integrationOrThrow(filter.integrationId);
      return listConflicts(storage, filter);
    },
    /** Settles a held record by taking one side or a merged record; the link syncs again afterwards. */
    resolve: async (id: string, decision: ConflictDecision) => {
      await ready();
      return resolveConflictById(storage, engine, id, decision);
    },
  };

  return {
    integrations,
    oauth,
    sync,
    changes,
    conflicts,
    webhooks,
    on: <K extends keyof BridgeEvents>(event: K, listener: Listener<BridgeEvents[K]>) =>
      events.on(event, listener),
    off: <K extends keyof BridgeEvents>(event: K, listener: Listener<BridgeEvents[K]>) =>
      events.off(event, listener),
    once: <K extends keyof BridgeEvents>(event: K, listener: Listener<BridgeEvents[K]>) =>
      events.once(event, listener),
    /** Re-encrypts every stored secret under the first encryption key. */
    rotateKeys: async () => {
      await ready();
      return rotateKeys(storage, vault);
    },
    /** Stops the scheduler and background work and waits for running syncs to finish their page. The storage (yours) stays open. */
    async close() {
      await scheduler.stop();
      await processor.close();
      await notifications.idle();
      await engine.stop();
      events.removeAllListeners();
    },
    /** For advanced use and tests. */
    internals: { engine, scheduler, auth, vault, events, processor },
  };
}

/** The object `createSyncBridge` returns. */
export type SyncBridge = ReturnType<typeof createSyncBridge>;
