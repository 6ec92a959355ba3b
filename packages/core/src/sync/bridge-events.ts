import type { SyncLog, SyncType } from '../domain/sync-log.js';

/** Where a record-level event happened. */
export interface RecordRef {
  integrationId: string;
  syncConfigId: string;
  localEntity: string;
  remoteEntity: string;
  localId?: string | null;
  remoteId?: string | null;
}

/**
 * Every event a bridge emits, with its payload. Listen with `bridge.on(name, fn)`; a listener
 * that throws never breaks a sync.
 *
 * ```ts
 * bridge.on('sync.progress', (e) => bar.update(e.processed, { total: e.total }));
 * bridge.on('record.failed', (e) => log.warn(e, 'record failed'));
 * ```
 */
export interface BridgeEvents {
  'sync.started': { integrationId: string; logId: string; syncType: SyncType; syncConfigIds: string[] };
  'sync.progress': {
    integrationId: string;
    syncConfigId: string;
    localEntity: string;
    remoteEntity: string;
    direction: 'inbound' | 'outbound';
    processed: number;
    total?: number;
  };
  'sync.completed': { integrationId: string; log: SyncLog };
  'sync.failed': { integrationId: string; log: SyncLog | null; error: Error };
  'record.failed': RecordRef & { code: string; message: string };
  'conflict.detected': RecordRef & { linkId: string; fields: string[]; strategy: string };
  'token.refreshed': { integrationId: string };
  'integration.error': { integrationId: string; error: Error };
  'webhook.received': { provider: string; eventId: string; integrationId: string | null };
  'webhook.processed': {
    provider: string;
    eventId: string;
    status: 'processed' | 'failed' | 'ignored';
    error?: string;
  };
}
