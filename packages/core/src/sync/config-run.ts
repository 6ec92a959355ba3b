import type {
  Connector,
  ConnectorContext,
  EntityCapabilities,
  EntityDefinition,
} from '../connector/connector.js';
import type { Integration } from '../domain/integration.js';
import type { SyncConfig } from '../domain/sync-config.js';
import type { LocalStore } from '../local/local-store.js';
import type { RecordRef } from './bridge-events.js';
import type { EngineDeps, RecordMapper } from './ports.js';
import type { RunStats } from './run-stats.js';

/** Everything one pass over one sync config works with. Built once per config per run. */
export interface ConfigRun {
  readonly deps: EngineDeps;
  readonly integration: Integration;
  readonly config: SyncConfig;
  readonly connector: Connector;
  // biome-ignore lint/suspicious/noExplicitAny: records are validated by the entity's own schema.
  readonly entity: EntityDefinition<any>;
  readonly capabilities: EntityCapabilities;
  readonly mapper: RecordMapper;
  readonly ctx: ConnectorContext;
  readonly localStore: LocalStore;
  readonly stats: RunStats;
  /** Aborted by `sync.stop()` / `close()`: passes stop after the page in hand. */
  readonly stopSignal: AbortSignal;
  /** Provider records written per batch in list passes (pages are joined up to this). */
  readonly writeBatchSize: number;
  /** Host records pushed at once (the connector's rate limiter paces the requests). */
  readonly pushConcurrency: number;
}

/** The identifying part of record events for this run. */
export function refOf(run: ConfigRun, ids: { localId?: string | null; remoteId?: string | null }): RecordRef {
  return {
    integrationId: run.integration.id,
    syncConfigId: run.config.id,
    localEntity: run.config.localEntity,
    remoteEntity: run.config.remoteEntity,
    localId: ids.localId ?? null,
    remoteId: ids.remoteId ?? null,
  };
}

/** Counts a failed record, keeps its reason, and tells listeners. */
export function recordFailure(
  run: ConfigRun,
  ids: { localId?: string | null; remoteId?: string | null },
  error: unknown,
): string {
  const entry = run.stats.fail(ids, error, run.deps.now());
  run.deps.events.emit('record.failed', { ...refOf(run, ids), code: entry.code, message: entry.message });
  run.deps.logger.warn({ ...refOf(run, ids), code: entry.code }, `record failed: ${entry.message}`);
  return entry.message;
}

/** True when the config lets data flow from the provider into the host. */
export const pullsFromRemote = (config: SyncConfig) => config.direction !== 'outbound';
/** True when the config lets data flow from the host to the provider. */
export const pushesToRemote = (config: SyncConfig) => config.direction !== 'inbound';
