import PQueue from 'p-queue';
import type { Change, Connector } from '../connector/connector.js';
import type { Integration } from '../domain/integration.js';
import type { SyncConfig } from '../domain/sync-config.js';
import type { SyncLog, SyncType } from '../domain/sync-log.js';
import { AuthError } from '../errors/auth-error.js';
import { ConfigError } from '../errors/config-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import type { ConfigRun } from './config-run.js';
import { pullsFromRemote, pushesToRemote } from './config-run.js';
import { applyRemoteDeletes, applyRemoteRecords } from './inbound.js';
import { pushLocalChanges } from './outbound.js';
import {
  fetchRecords,
  fullPass,
  incrementalPass,
  outboundPass,
  replayPendingCreates,
  SyncStoppedError,
} from './passes.js';
import type { EngineDeps } from './ports.js';
import { RunStats } from './run-stats.js';

export interface RunOptions {
  type?: 'full' | 'incremental';
  /** Only these sync configs (default: every enabled one of the integration). */
  syncConfigIds?: readonly string[];
  triggeredBy?: string;
  /** The log's `sync_type`; defaults to `type`. */
  logType?: SyncType;
}

export interface EngineOptions {
  /** Sync configs of one integration processed at once (their pages interleave within the rate limit). Default 2. */
  configConcurrency?: number;
  /** Consecutive failed runs before the integration's status becomes `error`. Default 3. */
  failuresBeforeError?: number;
  /** Provider records written per batch in list passes (pages are joined up to this). Default 1,000. */
  writeBatchSize?: number;
  /** Host records pushed to the provider at once per sync config. Default 4. */
  pushConcurrency?: number;
}

/**
 * Runs syncs: one log per run, one storage lock per sync config (so two runs of a config never
 * overlap, in any process), configs in parallel within the connector's rate limits, health of
 * the integration kept up to date. Calls connectors, the mapper, the resolver and storage only
 * through `EngineDeps`.
 */
export class SyncEngine {
  readonly #deps: EngineDeps;
  readonly #options: Required<EngineOptions>;
  #stop = new AbortController();
  readonly #running = new Set<Promise<unknown>>();

  constructor(deps: EngineDeps, options: EngineOptions = {}) {
    this.#deps = deps;
    this.#options = {
      configConcurrency: options.configConcurrency ?? 2,
      failuresBeforeError: options.failuresBeforeError ?? 3,
      writeBatchSize: options.writeBatchSize ?? 1_000,
      pushConcurrency: options.pushConcurrency ?? 4,
    };
  }

  /** Runs a sync of an integration and returns its log (status `failed` rather than a throw when the provider fails). */
  run(integrationId: string, options: RunOptions = {}): Promise<SyncLog> {
    return this.#track(this.#run(integrationId, options));
  }

  /** Pushes host changes of one local entity to every integration that syncs it outbound. */
  push(localEntity: string, ids: readonly string[], triggeredBy = 'changes.notify'): Promise<SyncLog[]> {
    return this.#track(this.#push(localEntity, ids, triggeredBy));
  }

  /**
   * Applies changes a webhook announced: the records are re-read from the provider (an event
   * is a hint; re-reading means a late, out-of-order event cannot regress a record), then go
   * through the same three-way inbound path as a sync. One log of type `webhook` per call;
   * null (and no log) when no sync config of the integration pulls any of the entities.
   */
  applyChanges(
    integrationId: string,
    changes: readonly Change[],
    triggeredBy = 'webhook',
  ): Promise<SyncLog | null> {
    return this.#track(this.#applyChanges(integrationId, changes, triggeredBy));
  }

  async #applyChanges(
    integrationId: string,
    changes: readonly Change[],
    triggeredBy: string,
  ): Promise<SyncLog | null> {
    const { storage } = this.#deps;
    const { integration, connector } = await this.#integration(integrationId);
    const configs = (await storage.syncConfigs.list({ integrationId, enabled: true })).filter(
      (c) => pullsFromRemote(c) && changes.some((ch) => ch.entity === c.remoteEntity),
    );
    if (configs.length === 0) return null;
    const started = this.#deps.now();
    const log = await this.#startLog(integrationId, configs, 'webhook', started, triggeredBy);
    const stats = new RunStats();
    const failures: Error[] = [];
    for (const config of configs) {
      const latest = new Map<string, Change>();
      for (const change of changes) {
        if (change.entity !== config.remoteEntity) continue;
        latest.set(change.id, change);
        if (change.mergedFromId)
          latest.set(change.mergedFromId, { entity: change.entity, id: change.mergedFromId, type: 'delete' });
      }
      await storage
        .withLock(`sync:${config.id}`, async () => {
          const run = await this.#configRun(
            integration,
            connector,
            config,
            stats,
            new AbortController().signal,
          );
          await replayPendingCreates(run);
          const deletes = [...latest.values()].filter((c) => c.type === 'delete').map((c) => c.id);
          const fetched = await fetchRecords(
            run,
            [...latest.values()].filter((c) => c.type === 'upsert').map((c) => c.id),
          );
          await applyRemoteRecords(run, fetched.records, null);
          const gone = [...deletes, ...fetched.missing];
          stats.processed += gone.length;
          if (gone.length) await applyRemoteDeletes(run, gone);
        })
        .catch((error: Error) => failures.push(error));
    }
    return this.#finishLog(log.id, started, stats, failures, configs.length);
  }

  #startLog(
    integrationId: string,
    configs: readonly SyncConfig[],
    syncType: SyncType,
    started: Date,
    triggeredBy: string,
  ) {
    return this.#deps.storage.syncLogs.create({
      integrationId,
      syncConfigId: configs.length === 1 ? configs[0]!.id : null,
      syncType,
      status: 'running',
      startedAt: started,
      triggeredBy,
    });
  }

  async #finishLog(
    logId: string,
    started: Date,
    stats: RunStats,
    failures: Error[],
    configCount: number,
    stopped = false,
  ): Promise<SyncLog> {
    const completedAt = this.#deps.now();
    return this.#deps.storage.syncLogs.update(logId, {
      status:
        failures.length > 0 && failures.length === configCount && !stopped
          ? 'failed'
          : failures.length || stats.failed
            ? 'partial'
            : 'completed',
      recordsProcessed: stats.processed,
      recordsCreated: stats.created,
      recordsUpdated: stats.updated,
      recordsSkipped: stats.skipped,
      recordsFailed: stats.failed,
      errors: stats.errors,
      errorMessage: failures.length ? failures.map((f) => f.message).join('\n') : null,
      completedAt,
      durationMs: Math.max(0, completedAt.getTime() - started.getTime()),
    });
  }

  /**
   * Runs `fn` with a prepared pass context for one sync config, under that config's lock:
   * what conflict resolution and other one-off operations use.
   */
  async withConfigRun<T>(
    syncConfigId: string,
    fn: (run: ConfigRun) => Promise<T>,
  ): Promise<{ value: T; stats: RunStats }> {
    const config = await this.#deps.storage.syncConfigs.get(syncConfigId);
    if (!config)
      throw new NotFoundError(`sync: no sync config with id "${syncConfigId}".`, {
        resource: 'sync config',
        id: syncConfigId,
      });
    const { integration, connector } = await this.#integration(config.integrationId);
    const stats = new RunStats();
    const value = await this.#track(
      this.#deps.storage.withLock(`sync:${config.id}`, async () =>
        fn(await this.#configRun(integration, connector, config, stats, new AbortController().signal)),
      ),
    );
    return { value, stats };
  }

  /** Asks running syncs to stop after their current page and waits for them. New runs may start afterwards. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await Promise.allSettled([...this.#running]);
    this.#stop = new AbortController();
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    this.#running.add(promise);
    promise.then(
      () => this.#running.delete(promise),
      () => this.#running.delete(promise),
    );
    return promise;
  }

  async #integration(integrationId: string): Promise<{ integration: Integration; connector: Connector }> {
    const integration = await this.#deps.storage.integrations.get(integrationId);
    if (!integration)
      throw new NotFoundError(`sync: no integration with id "${integrationId}".`, {
        resource: 'integration',
        id: integrationId,
      });
    const connector = this.#deps.connectors.get(integration.provider);
    if (!connector) {
      throw new ConfigError(
        `sync: integration "${integrationId}" uses provider "${integration.provider}", but no connector for it was passed to createSyncBridge.`,
      );
    }
    if (integration.status === 'expired' || integration.status === 'disconnected') {
      throw new AuthError(
        `sync: integration "${integrationId}" (${connector.displayName}) is ${integration.status}; reconnect it before syncing.`,
        {
          code: integration.status === 'expired' ? 'AUTH_EXPIRED' : 'AUTH_FAILED',
          provider: integration.provider,
        },
      );
    }
    return { integration, connector };
  }

  async #configRun(
    integration: Integration,
    connector: Connector,
    config: SyncConfig,
    stats: RunStats,
    signal: AbortSignal,
  ): Promise<ConfigRun> {
    const entity = connector.entities[config.remoteEntity];
    const localStore = this.#deps.local[config.localEntity];
    if (!entity || !localStore) {
      throw new ConfigError(
        !entity
          ? `sync config "${config.id}": ${connector.displayName} has no entity "${config.remoteEntity}" (it has: ${Object.keys(connector.entities).join(', ')}).`
          : `sync config "${config.id}": no local store for "${config.localEntity}"; pass it in createSyncBridge({ local: { ${config.localEntity}: store } }).`,
      );
    }
    const [mapper, ctx] = await Promise.all([
      this.#deps.mapperFor(config.id),
      this.#deps.contextFor(integration.id, signal),
    ]);
    return {
      deps: this.#deps,
      integration,
      config,
      connector,
      entity,
      capabilities: connector.capabilities.entities[config.remoteEntity]!,
      mapper,
      ctx,
      localStore,
      stats,
      stopSignal: this.#stop.signal,
      writeBatchSize: this.#options.writeBatchSize,
      pushConcurrency: this.#options.pushConcurrency,
    };
  }

  async #run(integrationId: string, options: RunOptions): Promise<SyncLog> {
    const { storage, events } = this.#deps;
    const { integration, connector } = await this.#integration(integrationId);
    const type = options.type ?? 'incremental';
    const configs = (await storage.syncConfigs.list({ integrationId, enabled: true })).filter(
      (c) => !options.syncConfigIds || options.syncConfigIds.includes(c.id),
    );
    const started = this.#deps.now();
    let log = await this.#startLog(
      integrationId,
      configs,
      options.logType ?? type,
      started,
      options.triggeredBy ?? 'manual',
    );
    events.emit('sync.started', {
      integrationId,
      logId: log.id,
      syncType: log.syncType,
      syncConfigIds: configs.map((c) => c.id),
    });
    const stats = new RunStats();
    const failures: Error[] = [];
    const queue = new PQueue({ concurrency: this.#options.configConcurrency });
    const controller = new AbortController();
    await Promise.all(
      configs.map((config) =>
        queue.add(() =>
          storage
            .withLock(`sync:${config.id}`, async () => {
              const configStats = new RunStats();
              try {
                const run = await this.#configRun(
                  integration,
                  connector,
                  config,
                  configStats,
                  controller.signal,
                );
                await replayPendingCreates(run);
                if (pullsFromRemote(config)) await (type === 'full' ? fullPass(run) : incrementalPass(run));
                if (pushesToRemote(config)) await outboundPass(run, type === 'full');
              } finally {
                stats.add(configStats);
              }
            })
            .catch((error: Error) => {
              failures.push(error);
              this.#deps.logger.error(
                { integrationId, syncConfigId: config.id, code: (error as { code?: string }).code },
                error.message,
              );
            }),
        ),
      ),
    );
    const stopped = failures.length > 0 && failures.every((f) => f instanceof SyncStoppedError);
    log = await this.#finishLog(log.id, started, stats, failures, configs.length, stopped);
    const completedAt = log.completedAt ?? this.#deps.now();
    await this.#recordHealth(
      integration,
      failures.filter((f) => !(f instanceof SyncStoppedError)),
      completedAt,
    );
    if (failures.length && !stopped) events.emit('sync.failed', { integrationId, log, error: failures[0]! });
    else events.emit('sync.completed', { integrationId, log });
    return log;
  }

  async #recordHealth(integration: Integration, failures: Error[], at: Date): Promise<void> {
    const { storage, events } = this.#deps;
    const current = (await storage.integrations.get(integration.id)) ?? integration;
    if (failures.length === 0) {
      await storage.integrations.update(integration.id, {
        status: current.status === 'error' ? 'connected' : current.status,
        lastError: null,
        errorCount: 0,
        lastSyncAt: at,
        nextSyncAt: current.syncFrequencyMinutes
          ? new Date(at.getTime() + current.syncFrequencyMinutes * 60_000)
          : null,
      });
      return;
    }
    const errorCount = current.errorCount + 1;
    const error = failures[0]!;
    await storage.integrations.update(integration.id, {
      status:
        current.status === 'connected' && errorCount >= this.#options.failuresBeforeError
          ? 'error'
          : current.status,
      lastError: error.message,
      lastErrorAt: at,
      errorCount,
      nextSyncAt: current.syncFrequencyMinutes
        ? new Date(at.getTime() + current.syncFrequencyMinutes * 60_000)
        : null,
    });
    events.emit('integration.error', { integrationId: integration.id, error });
  }

  async #push(localEntity: string, ids: readonly string[], triggeredBy: string): Promise<SyncLog[]> {
    const { storage } = this.#deps;
    const logs: SyncLog[] = [];
    const integrations = await storage.integrations.list({ status: 'connected' });
    for (const integration of integrations) {
      const configs = (
        await storage.syncConfigs.list({ integrationId: integration.id, enabled: true })
      ).filter((c) => c.localEntity === localEntity && pushesToRemote(c));
      if (configs.length === 0) continue;
      const connector = this.#deps.connectors.get(integration.provider);
      if (!connector) continue;
      const started = this.#deps.now();
      let log = await this.#startLog(integration.id, configs, 'manual', started, triggeredBy);
      const stats = new RunStats();
      const failures: Error[] = [];
      for (const config of configs) {
        await storage
          .withLock(`sync:${config.id}`, async () => {
            const run = await this.#configRun(
              integration,
              connector,
              config,
              stats,
              new AbortController().signal,
            );
            for (let i = 0; i < ids.length; i += 100) await pushLocalChanges(run, ids.slice(i, i + 100));
          })
          .catch((error: Error) => failures.push(error));
      }
      log = await this.#finishLog(log.id, started, stats, failures, configs.length);
      logs.push(log);
    }
    return logs;
  }
}
