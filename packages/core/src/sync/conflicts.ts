import { z } from 'zod';
import type { SyncRecord } from '../domain/sync-record.js';
import { ConflictError } from '../errors/conflict-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { parseWith } from '../errors/zod.js';
import { hashRecord } from '../hash/canonical-json.js';
import type { StorageAdapter } from '../storage/storage-adapter.js';
import type { ConfigRun } from './config-run.js';
import type { SyncEngine } from './engine.js';
import { syncedLink } from './inbound.js';
import { pushLocalChanges } from './outbound.js';
import type { MappedRecord } from './ports.js';
import { mergeInto } from './record-diff.js';
import { pushUpdate } from './remote-writes.js';

/** A record held for manual review: both versions, the base they came from, and the fields in conflict. */
export interface SyncConflict {
  /** The link id; pass it to `conflicts.resolve`. */
  id: string;
  integrationId: string;
  syncConfigId: string;
  localEntity: string;
  remoteEntity: string;
  localId: string | null;
  remoteId: string | null;
  base: MappedRecord | null;
  local: MappedRecord | null;
  remote: MappedRecord | null;
  /** True when the provider deleted the record while the host changed it. */
  remoteDeleted: boolean;
  fields: string[];
  reason: string | null;
  detectedAt: Date | null;
}

export const conflictDecisionSchema = z.union([
  z.object({ take: z.enum(['local', 'remote']) }).strict(),
  z.object({ record: z.record(z.string(), z.unknown()) }).strict(),
]);
/** Keep one side, or supply the merged record (in the mapped local shape). */
export type ConflictDecision = z.infer<typeof conflictDecisionSchema>;

function toConflict(
  link: SyncRecord,
  integrationId: string,
  localEntity: string,
  remoteEntity: string,
): SyncConflict {
  const p = (link.pending ?? {}) as Record<string, unknown>;
  return {
    id: link.id,
    integrationId,
    syncConfigId: link.syncConfigId,
    localEntity,
    remoteEntity,
    localId: link.localId,
    remoteId: link.remoteId,
    base: link.base,
    local: (p.local as MappedRecord | undefined) ?? null,
    remote: (p.remote as MappedRecord | undefined) ?? null,
    remoteDeleted: p.remoteDeleted === true,
    fields: (p.fields as string[] | undefined) ?? [],
    reason: (p.reason as string | undefined) ?? null,
    detectedAt: typeof p.detectedAt === 'string' ? new Date(p.detectedAt) : null,
  };
}

/** Lists records held for manual review, oldest link id first. */
export async function listConflicts(
  storage: StorageAdapter,
  filter: { integrationId: string; limit?: number },
): Promise<SyncConflict[]> {
  const configs = await storage.syncConfigs.list({ integrationId: filter.integrationId });
  const out: SyncConflict[] = [];
  for (const config of configs) {
    const links = await storage.syncRecords.list({
      syncConfigId: config.id,
      status: 'conflict',
      limit: filter.limit ?? 1_000,
    });
    out.push(
      ...links.map((l) => toConflict(l, filter.integrationId, config.localEntity, config.remoteEntity)),
    );
  }
  return out;
}

/**
 * Settles a held record: writes the chosen version to whichever side lacks it (the provider
 * write is based on a fresh read, so a change made meanwhile is not overwritten blindly), makes
 * it the new base and lets the link sync again.
 */
export async function resolveConflictById(
  storage: StorageAdapter,
  engine: SyncEngine,
  linkId: string,
  decision: ConflictDecision,
): Promise<SyncRecord | null> {
  const choice = parseWith(conflictDecisionSchema, decision, 'conflicts.resolve');
  const link = await storage.syncRecords.get(linkId);
  if (!link)
    throw new NotFoundError(`conflicts.resolve: no held record with id "${linkId}".`, {
      resource: 'conflict',
      id: linkId,
    });
  if (link.syncStatus !== 'conflict') {
    throw new ConflictError(
      `conflicts.resolve: record "${linkId}" is not held for review (status ${link.syncStatus}); it may have been resolved already.`,
    );
  }
  const { value } = await engine.withConfigRun(link.syncConfigId, (run) => settle(run, link, choice));
  return value;
}

async function settle(
  run: ConfigRun,
  link: SyncRecord,
  choice: ConflictDecision,
): Promise<SyncRecord | null> {
  const { storage } = run.deps;
  const pending = toConflict(link, run.integration.id, run.config.localEntity, run.config.remoteEntity);
  if (pending.remoteDeleted) {
    if ('take' in choice && choice.take === 'remote') {
      if (link.localId) await run.localStore.delete([link.localId]);
      await storage.syncRecords.delete([link.id]);
      return null;
    }
    // Keep the host's record: create it again at the provider.
    const [reset] = await storage.syncRecords.upsert([
      { ...link, remoteId: null, syncStatus: 'pending_outbound', pending: { op: 'create' } },
    ]);
    if (!('take' in choice) && link.localId) {
      const [local] = await run.localStore.get([link.localId]);
      await run.localStore.upsert([{ id: link.localId, data: mergeInto(local?.data ?? {}, choice.record) }]);
    }
    await pushLocalChanges(run, [reset!.localId!]);
    return storage.syncRecords.get(link.id);
  }
  const record: MappedRecord =
    'record' in choice ? choice.record : ((choice.take === 'local' ? pending.local : pending.remote) ?? {});
  const localId = link.localId!;
  const [local] = await run.localStore.get([localId]);
  let data = local?.data ?? {};
  if (!local || hashRecord(run.mapper.pickLocal(local.data)) !== hashRecord(record)) {
    data = mergeInto(data, record);
    await run.localStore.upsert([{ id: localId, data }]);
  }
  let remoteVersion = link.remoteVersion;
  let remoteHash: string | null = null;
  if (run.config.direction !== 'inbound' && link.remoteId) {
    const fresh = run.entity.get ? await run.entity.get(run.ctx, link.remoteId) : null;
    const mapped = fresh ? run.mapper.inbound(fresh) : null;
    const current = mapped?.ok ? mapped.value : pending.remote;
    const version = fresh ? (run.entity.version?.(fresh) ?? null) : link.remoteVersion;
    const written = await pushUpdate(run, link, record, current, version);
    remoteVersion = written?.remoteVersion ?? version;
    remoteHash = written?.remoteHash ?? null;
  }
  const [saved] = await storage.syncRecords.upsert([
    syncedLink(run, link, {
      localId,
      remoteId: link.remoteId!,
      base: record,
      remoteHash,
      remoteVersion,
      local: data,
    }),
  ]);
  return saved!;
}
