import { randomUUID } from 'node:crypto';
import type { SyncRecord, SyncRecordInput } from '../domain/sync-record.js';
import { fromZodError } from '../errors/zod.js';
import { hashRecord } from '../hash/canonical-json.js';
import type { LocalRecord } from '../local/local-store.js';
import { type ConfigRun, recordFailure, refOf } from './config-run.js';
import { localIdFor } from './local-ids.js';
import type { MappedRecord } from './ports.js';
import { mergeInto } from './record-diff.js';
import { pushUpdate } from './remote-writes.js';

/** A provider record that passed its schema and its mapping. */
interface Incoming {
  remoteId: string;
  mapped: MappedRecord;
  hash: string;
  updatedAt: Date | null;
  version: string | null;
}

/** The link row after both sides agreed on `base`. */
export function syncedLink(
  run: ConfigRun,
  link: Partial<SyncRecord> | undefined,
  fields: {
    localId: string;
    remoteId: string;
    base: MappedRecord;
    remoteHash?: string | null;
    remoteVersion?: string | null;
    remoteUpdatedAt?: Date | null;
    generation?: number | null;
    /** The host record's data after this sync; its outbound projection is what later pushes compare against (echo detection). */
    local?: Record<string, unknown>;
  },
): SyncRecordInput {
  const baseHash = hashRecord(fields.base);
  const localHash = fields.local
    ? hashRecord(run.mapper.pickLocal(fields.local, { direction: 'outbound' }))
    : baseHash;
  const now = run.deps.now();
  return {
    ...(link?.id ? { id: link.id } : {}),
    syncConfigId: run.config.id,
    localId: fields.localId,
    remoteId: fields.remoteId,
    base: fields.base,
    baseHash,
    localHash,
    remoteHash: fields.remoteHash ?? baseHash,
    remoteVersion: fields.remoteVersion ?? link?.remoteVersion ?? null,
    remoteUpdatedAt: fields.remoteUpdatedAt ?? link?.remoteUpdatedAt ?? null,
    localUpdatedAt: now,
    lastSyncedAt: now,
    syncStatus: 'synced',
    generation: fields.generation ?? link?.generation ?? 0,
    errorMessage: null,
    pending: null,
    deletedAt: null,
  };
}

function safeId(run: ConfigRun, raw: unknown): string | null {
  try {
    const id = run.entity.id(raw);
    return typeof id === 'string' && id.length > 0 ? id : null;
  } catch {
    return null;
  }
}

/**
 * Applies one page of provider records to the host, three-way against each link's base:
 * unchanged (or our own echo) → skip; host unchanged → apply; both changed → the resolver.
 * Writes the host records first and the links last, so a crash in between is repaired by the
 * next run (deterministic host ids, hashes equal on both sides). `generation` marks every link
 * this page saw (full passes detect deletions with it).
 */
export async function applyRemoteRecords(
  run: ConfigRun,
  raws: readonly unknown[],
  generation: number | null,
): Promise<void> {
  const { deps, config, entity, mapper, stats } = run;
  const seen = new Set<string>();
  const incoming = new Map<string, Incoming>();
  const failed = new Map<string, string>();
  const tombstones: string[] = [];

  for (const raw of raws) {
    stats.processed++;
    const parsed = entity.schema.safeParse(raw);
    if (!parsed.success) {
      const remoteId = safeId(run, raw);
      const message = recordFailure(
        run,
        { remoteId },
        fromZodError(
          `${run.connector.displayName} ${config.remoteEntity} ${remoteId ?? '(no id)'}`,
          parsed.error,
        ),
      );
      if (remoteId) {
        seen.add(remoteId);
        failed.set(remoteId, message);
      }
      continue;
    }
    const record = parsed.data;
    const remoteId = entity.id(record);
    seen.add(remoteId);
    if (entity.isDeleted?.(record)) {
      tombstones.push(remoteId);
      incoming.delete(remoteId);
      continue;
    }
    const mapped = mapper.inbound(record);
    if (!mapped.ok) {
      failed.set(remoteId, recordFailure(run, { remoteId }, mapped.error));
      continue;
    }
    incoming.set(remoteId, {
      remoteId,
      mapped: mapped.value,
      hash: hashRecord(mapped.value),
      updatedAt: entity.updatedAt(record) ?? null,
      version: entity.version?.(record) ?? null,
    });
  }

  const links = await deps.storage.syncRecords.getByRemoteIds(config.id, [...seen]);
  const byRemote = new Map(links.map((l) => [l.remoteId!, l]));
  const linkWrites: SyncRecordInput[] = [];
  const localUpserts: LocalRecord[] = [];
  const pushes: { link: SyncRecord; record: MappedRecord; remote: Incoming; index: number }[] = [];

  for (const [remoteId, message] of failed) {
    const link = byRemote.get(remoteId);
    if (link?.syncStatus === 'conflict') continue;
    linkWrites.push({
      ...(link ?? { syncConfigId: config.id, remoteId, localId: null }),
      syncStatus: 'error',
      errorMessage: message,
      generation: generation ?? link?.generation ?? 0,
    });
  }

  const compare: { link: SyncRecord; remote: Incoming }[] = [];
  const creates: { link: SyncRecord | undefined; localId: string; remote: Incoming }[] = [];
  for (const remote of incoming.values()) {
    const link = byRemote.get(remote.remoteId);
    if (!link?.localId) {
      creates.push({ link, localId: localIdFor(config.id, remote.remoteId), remote });
    } else if (link.syncStatus === 'conflict' || link.deletedAt !== null) {
      // Held for review, or deleted in the host and deactivated at the provider (tombstone).
      stats.skipped++;
      if (generation !== null && link.generation !== generation) linkWrites.push({ ...link, generation });
    } else if (
      link.syncStatus === 'synced' &&
      (remote.hash === link.baseHash || remote.hash === link.remoteHash)
    ) {
      stats.skipped++;
      const moved = generation !== null && link.generation !== generation;
      if (moved || (remote.version !== null && remote.version !== link.remoteVersion)) {
        linkWrites.push({
          ...link,
          generation: generation ?? link.generation,
          remoteVersion: remote.version ?? link.remoteVersion,
        });
      }
    } else {
      compare.push({ link, remote });
    }
  }

  // A provider record with no link at all has no host record yet: links (intents) are stored
  // before host records are written, and engine-made host ids derive from the remote id. Only
  // links that exist (compared ones, and failed ones without a host id) need reading.
  const wanted = [
    ...compare.map((c) => c.link.localId!),
    ...creates.flatMap((c) => (c.link ? [c.localId] : [])),
  ];
  const locals = wanted.length ? await run.localStore.get(wanted) : [];
  const localById = new Map(locals.map((l) => [l.id, l]));

  // Before host records are written, their links record what is about to happen, in one
  // statement with the page's other link writes still to come: a new host record's link is an
  // intent (`pending_inbound`), an existing link notes the provider hash being applied. If the
  // process dies before the final link write, the next run knows the host record holds our own
  // write (not a host edit), and deletes an intent's record if the provider deleted it meanwhile.
  const marks: SyncRecordInput[] = [];
  for (const { link, localId, remote } of creates) {
    const id = link?.id ?? randomUUID();
    marks.push({
      ...(link ?? {}),
      id,
      syncConfigId: config.id,
      localId,
      remoteId: remote.remoteId,
      syncStatus: 'pending_inbound',
      generation: generation ?? link?.generation ?? 0,
    });
    const existing = localById.get(localId);
    const data = existing ? mergeInto(existing.data, remote.mapped) : remote.mapped;
    localUpserts.push({ id: localId, data });
    linkWrites.push(
      syncedLink(
        run,
        { ...link, id },
        { localId, ...remoteFields(remote), base: remote.mapped, generation, local: data },
      ),
    );
    stats.created++;
  }

  for (const { link, remote } of compare) {
    const localId = link.localId!;
    const local = localById.get(localId);
    const linked = (data: Record<string, unknown>) =>
      syncedLink(run, link, {
        localId,
        ...remoteFields(remote),
        base: remote.mapped,
        generation,
        local: data,
      });
    if (!local) {
      // The host record is gone but the provider changed it since: bring it back rather than lose the change.
      localUpserts.push({ id: localId, data: remote.mapped });
      linkWrites.push(linked(remote.mapped));
      stats.created++;
      continue;
    }
    const projected = mapper.pickLocal(local.data);
    const localHash = hashRecord(projected);
    if (localHash === remote.hash) {
      linkWrites.push(linked(local.data));
      stats.skipped++;
    } else if (
      config.direction === 'inbound' ||
      localHash === link.baseHash ||
      localHash === (link.pending as { inbound?: string } | null)?.inbound ||
      (link.baseHash === null && link.syncStatus !== 'synced')
    ) {
      const data = mergeInto(local.data, remote.mapped);
      marks.push({
        ...link,
        pending: { ...(link.pending ?? {}), inbound: hashRecord(mapper.pickLocal(data)) },
      });
      localUpserts.push({ id: localId, data });
      linkWrites.push(linked(data));
      stats.updated++;
    } else {
      const answer = deps.resolve({
        base: link.base,
        local: projected,
        remote: remote.mapped,
        localUpdatedAt: local.updatedAt ?? link.localUpdatedAt,
        remoteUpdatedAt: remote.updatedAt,
        strategy: config.conflictResolution,
        priority: config.prioritySource,
        fallback: config.conflictFallback,
      });
      stats.conflicts++;
      deps.events.emit('conflict.detected', {
        ...refOf(run, { localId, remoteId: remote.remoteId }),
        linkId: link.id,
        fields: answer.conflictingFields,
        strategy: answer.outcome === 'manual_review' ? 'manual_review' : config.conflictResolution,
      });
      if (answer.outcome === 'manual_review') {
        linkWrites.push({
          ...link,
          syncStatus: 'conflict',
          generation: generation ?? link.generation,
          pending: {
            local: projected,
            remote: remote.mapped,
            fields: answer.conflictingFields,
            remoteVersion: remote.version,
            reason: answer.reason,
            detectedAt: deps.now().toISOString(),
          },
        });
        stats.skipped++;
        continue;
      }
      const data = answer.applyToLocal ? mergeInto(local.data, answer.record) : local.data;
      if (answer.applyToLocal) localUpserts.push({ id: localId, data });
      const index = linkWrites.push(
        syncedLink(run, link, {
          localId,
          ...remoteFields(remote),
          base: answer.record,
          generation,
          local: data,
        }),
      );
      if (answer.applyToRemote) pushes.push({ link, record: answer.record, remote, index: index - 1 });
      stats.updated++;
    }
  }

  if (marks.length) await deps.storage.syncRecords.upsert(marks);
  if (localUpserts.length) await run.localStore.upsert(localUpserts);
  for (const push of pushes) {
    try {
      const written = await pushUpdate(run, push.link, push.record, push.remote.mapped, push.remote.version);
      if (written)
        Object.assign(linkWrites[push.index]!, {
          remoteHash: written.remoteHash,
          remoteVersion: written.remoteVersion,
        });
    } catch (error) {
      const message = recordFailure(run, { localId: push.link.localId, remoteId: push.link.remoteId }, error);
      // Keep the old base: the next run sees both sides changed again and resolves the same way.
      linkWrites[push.index] = {
        ...push.link,
        syncStatus: 'error',
        errorMessage: message,
        generation: generation ?? push.link.generation,
      };
    }
  }
  if (linkWrites.length) await deps.storage.syncRecords.upsert(linkWrites);
  if (tombstones.length) await applyRemoteDeletes(run, tombstones);
}

const remoteFields = (remote: Incoming) => ({
  remoteId: remote.remoteId,
  remoteHash: remote.hash,
  remoteVersion: remote.version,
  remoteUpdatedAt: remote.updatedAt,
});

/**
 * The provider deleted these records. The host records go too, unless the host changed one
 * since the last sync in a two-way config: that one is held for manual review instead of being
 * lost.
 */
export async function applyRemoteDeletes(run: ConfigRun, remoteIds: readonly string[]): Promise<void> {
  const { deps, config, mapper, stats } = run;
  const links = await deps.storage.syncRecords.getByRemoteIds(config.id, remoteIds);
  if (links.length === 0) return;
  const locals = await run.localStore.get(links.flatMap((l) => (l.localId ? [l.localId] : [])));
  const localById = new Map(locals.map((l) => [l.id, l]));
  const doomed: SyncRecord[] = [];
  const held: SyncRecordInput[] = [];
  for (const link of links) {
    const local = link.localId ? localById.get(link.localId) : undefined;
    const projected = local ? mapper.pickLocal(local.data) : null;
    if (
      projected &&
      config.direction === 'bidirectional' &&
      link.baseHash !== null &&
      hashRecord(projected) !== link.baseHash
    ) {
      held.push({
        ...link,
        syncStatus: 'conflict',
        pending: {
          local: projected,
          remote: null,
          remoteDeleted: true,
          fields: [],
          reason: 'deleted at the provider, changed in the host',
        },
      });
      stats.conflicts++;
      deps.events.emit('conflict.detected', {
        ...refOf(run, link),
        linkId: link.id,
        fields: [],
        strategy: 'manual_review',
      });
      continue;
    }
    doomed.push(link);
  }
  const localIds = doomed.flatMap((l) => (l.localId && localById.has(l.localId) ? [l.localId] : []));
  if (localIds.length) await run.localStore.delete(localIds);
  if (held.length) await deps.storage.syncRecords.upsert(held);
  await deps.storage.syncRecords.delete(doomed.map((l) => l.id));
  stats.deleted += doomed.length;
}
