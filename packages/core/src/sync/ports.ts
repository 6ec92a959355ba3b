import type { Connector, ConnectorContext } from '../connector/connector.js';
import type { ConflictStrategy, PrioritySource } from '../domain/sync-config.js';
import type { ValidationError } from '../errors/validation-error.js';
import type { EventBus } from '../events/event-bus.js';
import type { LocalStore } from '../local/local-store.js';
import type { Logger } from '../logging/logger.js';
import type { StorageAdapter } from '../storage/storage-adapter.js';
import type { BridgeEvents } from './bridge-events.js';

/** A mapped record, in the local shape both sides are compared in. */
export type MappedRecord = Record<string, unknown>;

export type MapOutcome = { ok: true; value: MappedRecord } | { ok: false; error: ValidationError };

/**
 * What the engine needs of a compiled field mapping (the transformer's `CompiledMappings`
 * satisfies it): provider record → local shape, local shape → provider payload, and the
 * projection of a host record onto the mapped fields.
 */
export interface RecordMapper {
  inbound(remote: unknown): MapOutcome;
  outbound(local: MappedRecord, options?: { fields?: readonly string[] }): MapOutcome;
  /**
   * The host record projected onto the mapped fields: by default the fields `inbound()`
   * produces (the shape both sides are compared in); with `direction: 'outbound'` the fields
   * `outbound()` reads (what a push sends).
   */
  pickLocal(local: MappedRecord, options?: { direction?: 'inbound' | 'outbound' }): MappedRecord;
}

export interface ConflictQuestion {
  base: MappedRecord | null;
  local: MappedRecord;
  remote: MappedRecord;
  localUpdatedAt?: Date | null;
  remoteUpdatedAt?: Date | null;
  strategy: ConflictStrategy;
  priority?: PrioritySource | null;
  fallback?: ConflictStrategy | null;
}

/** What the engine needs of the conflict resolver (`resolveConflict` satisfies it). */
export type ConflictAnswer =
  | {
      outcome: 'resolved';
      record: MappedRecord;
      applyToLocal: boolean;
      applyToRemote: boolean;
      conflictingFields: string[];
      reason: string;
    }
  | {
      outcome: 'manual_review';
      conflictingFields: string[];
      reason: string;
    };

export type ResolveConflict = (question: ConflictQuestion) => ConflictAnswer;

/** Everything the engine calls, behind interfaces: it never constructs its collaborators. */
export interface EngineDeps {
  readonly storage: StorageAdapter;
  readonly connectors: ReadonlyMap<string, Connector>;
  readonly local: Readonly<Record<string, LocalStore>>;
  /** An authenticated connector context for the integration. */
  contextFor(integrationId: string, signal: AbortSignal): Promise<ConnectorContext>;
  /** Compiles a sync config's stored mappings (cached by the caller as it likes). */
  mapperFor(syncConfigId: string): Promise<RecordMapper>;
  readonly resolve: ResolveConflict;
  readonly events: EventBus<BridgeEvents>;
  readonly logger: Logger;
  now(): Date;
}
