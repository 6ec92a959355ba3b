import type { SyncRecord } from '../domain/sync-record.js';
import { isConfigError } from '../errors/config-error.js';
import { isProviderError } from '../errors/provider-error.js';
import { isValidationError } from '../errors/validation-error.js';
import { hashRecord } from '../hash/canonical-json.js';
import type { LocalRecord } from '../local/local-store.js';
import { type ConfigRun, recordFailure, refOf } from './config-run.js';
import { syncedLink } from './inbound.js';
import type { MappedRecord } from './ports.js';
import { mergeInto } from './record-diff.js';
import {
  isStaleVersion,
  pushCreate,
  pushDelete,
  pushUpdate,
  type RemoteWriteResult,
} from './remote-writes.js';

/**
 * Pushes host changes to the provider for these host ids: creates for records with no link
 * (the intent is stored before the call, with an idempotency key derived from it), sparse
 * updates of the changed fields for linked ones, deletes for host records that are gone.
 * A record equal to its base is an echo of an inbound apply and is skipped. A stale provider
 * version means a concurrent provider edit: the record is re-read and goes through the resolver.
 */
export async function pushLocalChanges(
  run: ConfigRun,
  localIds: readonly string[],
  options: { countEchoes?: boolean } = {},
): Promise<void> {
  const countEchoes = options.countEchoes ?? true;
  const { deps, config, stats } = run;
  const ids = [...new Set(localIds)];
  if (ids.length === 0) return;
  const [links, locals] = await Promise.all([
    deps.storage.syncRecords.getByLocalIds(config.id, ids),
    run.localStore.get(ids),
  ]);
  const linkByLocal = new Map(links.map((l) => [l.localId!, l]));
  const localById = new Map(locals.map((l) => [l.id, l]));
  // Records are pushed a few at a time (each one's steps stay in order); the connector's rate
  // limiter decides how fast requests really go.
  const pushOne = async (id: string): Promise<void> => {
    if (run.stopSignal.aborted) return;
    const link = linkByLocal.get(id);
    const local = localById.get(id);
    const echo = () => {
      if (countEchoes) {
        stats.processed++;
        stats.skipped++;
      }
    };
    try {
      if (!local) {
        stats.processed++;
        // A `pending_inbound` link without its host record is an inbound create a crash interrupted, not a host deletion.
        if (
          link?.remoteId &&
          link.syncStatus !== 'conflict' &&
          link.syncStatus !== 'pending_inbound' &&
          link.deletedAt === null
        ) {
          const removed = await pushDelete(run, link);
          if (removed) stats.deleted++;
          else stats.skipped++;
          if (removed && run.capabilities.delete === 'deactivate') {
            // The provider keeps the record (inactive): a tombstone stops the next inbound pass from bringing it back.
            await deps.storage.syncRecords.upsert([{ ...link, deletedAt: deps.now(), pending: null }]);
          } else await deps.storage.syncRecords.delete([link.id]);
        } else if (link && !link.remoteId && link.syncStatus !== 'pending_inbound') {
          // The host deleted a record whose create never finished: drop the intent. If the create did
          // reach the provider, the next inbound pass brings that record in visibly (nothing is lost silently).
          deps.logger.warn({ ...refOf(run, link) }, 'host record deleted while its create was unconfirmed');
          await deps.storage.syncRecords.delete([link.id]);
          stats.skipped++;
        } else stats.skipped++;
        return;
      }
      // What the host record says in the compared (inbound) shape, and what a push would send.
      const projected = run.mapper.pickLocal(local.data);
      const outgoing = run.mapper.pickLocal(local.data, { direction: 'outbound' });
      if (link?.syncStatus === 'synced' && link.remoteId && hashRecord(outgoing) === link.localHash) {
        echo();
        return;
      }
      stats.processed++;
      if (link?.syncStatus === 'conflict') {
        stats.skipped++;
      } else if (!link?.remoteId) {
        await createRemote(run, link, local, projected, outgoing);
      } else {
        await updateRemote(run, link, local, projected, outgoing);
      }
    } catch (error) {
      const message = recordFailure(run, { localId: id, remoteId: link?.remoteId ?? null }, error);
      await markFailed(run, id, message, error).catch((markError: unknown) =>
        deps.logger.error({ localId: id }, `could not record the failure: ${(markError as Error).message}`),
      );
    }
  };
  let next = 0;
  const worker = async () => {
    while (next < ids.length) await pushOne(ids[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(run.pushConcurrency, ids.length) }, worker));
}

/**
 * After a write, values the provider computed (a QuickBooks `TotalAmt`, a version) come back to
 * the host: fields only the provider writes (inbound-only mappings) take its value, other fields
 * only fill gaps (a host value is never overwritten here). Returns the host data as it now is
 * and the agreed base.
 */
async function takeComputedValues(
  run: ConfigRun,
  local: LocalRecord,
  projected: MappedRecord,
  outgoing: MappedRecord,
  written: RemoteWriteResult | null,
): Promise<{ data: Record<string, unknown>; base: MappedRecord }> {
  const filled: MappedRecord = {};
  for (const [field, value] of Object.entries(written?.mapped ?? {})) {
    if (value === null || value === undefined) continue;
    // Fields the host cannot push belong to the provider; the others only fill gaps.
    const providerOwned = !(field in outgoing);
    const empty = projected[field] === null || projected[field] === undefined;
    if ((providerOwned || empty) && hashRecord(value) !== hashRecord(projected[field] ?? null))
      filled[field] = value;
  }
  if (Object.keys(filled).length === 0) return { data: local.data, base: projected };
  const data = mergeInto(local.data, filled);
  await run.localStore.upsert([{ id: local.id, data }]);
  return { data, base: { ...projected, ...filled } };
}

async function createRemote(
  run: ConfigRun,
  existing: SyncRecord | undefined,
  local: LocalRecord,
  projected: MappedRecord,
  outgoing: MappedRecord,
) {
  const { deps, config } = run;
  const localId = local.id;
  // Record the intent first: a crash after the provider call retries with the same key. The
  // intent remembers what the first attempt sent: a provider replays the first response for a
  // reused key, so if the host changed the record since, the difference follows as an update.
  const sent = hashRecord(outgoing);
  const [link] =
    existing?.syncStatus === 'pending_outbound'
      ? [existing]
      : await deps.storage.syncRecords.upsert([
          {
            ...(existing ?? {}),
            syncConfigId: config.id,
            localId,
            syncStatus: 'pending_outbound',
            pending: {
              op: 'create',
              attempt: (existing?.pending as { attempt?: number } | null)?.attempt ?? 0,
              sent,
            },
          },
        ]);
  let written = await pushCreate(run, link!, outgoing);
  const firstSent = (link!.pending as { sent?: string } | null)?.sent;
  const replayed = written.mapped;
  if (firstSent !== undefined && firstSent !== sent && replayed) {
    const created = { ...link!, remoteId: written.remoteId, remoteVersion: written.remoteVersion };
    try {
      const followUp = await pushUpdate(run, created, outgoing, replayed, written.remoteVersion);
      if (followUp) written = followUp;
    } catch (error) {
      // The create is confirmed (the provider named its record): link it to what the provider
      // holds, so later passes see the host's change (and a provider delete) like any other.
      await deps.storage.syncRecords.upsert([syncedLink(run, link, { localId, ...written, base: replayed })]);
      throw error;
    }
  }
  const { data, base } = await takeComputedValues(run, local, projected, outgoing, written);
  await deps.storage.syncRecords.upsert([syncedLink(run, link, { localId, ...written, base, local: data })]);
  run.stats.created++;
}

async function updateRemote(
  run: ConfigRun,
  link: SyncRecord,
  local: LocalRecord,
  projected: MappedRecord,
  outgoing: MappedRecord,
) {
  const { deps } = run;
  let written: RemoteWriteResult | null;
  try {
    // Fields an outbound-only mapping writes have no base: they go with every push of a change.
    written = await pushUpdate(run, link, outgoing, link.base);
  } catch (error) {
    if (!isStaleVersion(error) || !run.entity.get) throw error;
    await resolveStale(run, link, projected, outgoing, local.updatedAt ?? null);
    return;
  }
  const { data, base } = await takeComputedValues(run, local, projected, outgoing, written);
  await deps.storage.syncRecords.upsert([
    syncedLink(run, link, {
      localId: link.localId!,
      remoteId: link.remoteId!,
      ...(written ?? {}),
      base,
      local: data,
    }),
  ]);
  if (written) run.stats.updated++;
  else run.stats.skipped++;
}

/** The provider changed the record since our version: re-read it and settle it as a conflict. */
async function resolveStale(
  run: ConfigRun,
  link: SyncRecord,
  projected: MappedRecord,
  outgoing: MappedRecord,
  localUpdatedAt: Date | null,
) {
  const { deps, config, entity, mapper, stats } = run;
  const fresh = await entity.get!(run.ctx, link.remoteId!);
  if (!fresh)
    throw new Error(
      `${run.connector.displayName} ${config.remoteEntity} ${link.remoteId} vanished during an update`,
    );
  const mapped = mapper.inbound(fresh);
  if (!mapped.ok) throw mapped.error;
  const version = entity.version?.(fresh) ?? null;
  const answer =
    config.direction === 'outbound'
      ? {
          outcome: 'resolved' as const,
          record: projected,
          applyToLocal: false,
          applyToRemote: true,
          conflictingFields: [],
          reason: 'outbound-only: the host is the source of truth',
        }
      : deps.resolve({
          base: link.base,
          local: projected,
          remote: mapped.value,
          localUpdatedAt,
          remoteUpdatedAt: entity.updatedAt(fresh) ?? null,
          strategy: config.conflictResolution,
          priority: config.prioritySource,
          fallback: config.conflictFallback,
        });
  stats.conflicts++;
  deps.events.emit('conflict.detected', {
    ...refOf(run, link),
    linkId: link.id,
    fields: answer.conflictingFields,
    strategy: answer.outcome === 'manual_review' ? 'manual_review' : config.conflictResolution,
  });
  if (answer.outcome === 'manual_review') {
    await deps.storage.syncRecords.upsert([
      {
        ...link,
        syncStatus: 'conflict',
        pending: {
          local: projected,
          remote: mapped.value,
          fields: answer.conflictingFields,
          remoteVersion: version,
          reason: answer.reason,
          detectedAt: deps.now().toISOString(),
        },
      },
    ]);
    return;
  }
  const [current] = await run.localStore.get([link.localId!]);
  let data = current?.data ?? {};
  if (answer.applyToLocal) {
    data = mergeInto(data, answer.record);
    await run.localStore.upsert([{ id: link.localId!, data }]);
  }
  // The settled compared fields, plus what outbound-only mappings send.
  const written = answer.applyToRemote
    ? await pushUpdate(run, link, mergeInto(outgoing, answer.record), mapped.value, version)
    : null;
  await deps.storage.syncRecords.upsert([
    syncedLink(run, link, {
      localId: link.localId!,
      remoteId: link.remoteId!,
      base: answer.record,
      remoteHash: written?.remoteHash ?? hashRecord(mapped.value),
      remoteVersion: written?.remoteVersion ?? version,
      local: data,
    }),
  ]);
  stats.updated++;
}

/**
 * Records a failed push on the link. A create stays `pending_outbound` (replayed under the same
 * idempotency key before the next inbound pass) unless the provider definitely rejected it: then
 * nothing exists there, the link becomes `error`, and the next attempt uses a fresh key (the
 * host may have changed the data, and a reused key with new data is refused by providers).
 */
async function markFailed(run: ConfigRun, localId: string, message: string, error: unknown): Promise<void> {
  const [current] = await run.deps.storage.syncRecords.getByLocalIds(run.config.id, [localId]);
  if (!current) return;
  if (current.remoteId) {
    await run.deps.storage.syncRecords.upsert([{ ...current, syncStatus: 'error', errorMessage: message }]);
  } else if (isDefiniteRejection(error)) {
    const attempt = Number((current.pending as { attempt?: number } | null)?.attempt ?? 0) + 1;
    await run.deps.storage.syncRecords.upsert([
      { ...current, syncStatus: 'error', errorMessage: message, pending: { op: 'create', attempt } },
    ]);
  } else {
    await run.deps.storage.syncRecords.upsert([{ ...current, errorMessage: message }]);
  }
}

/** True when the provider answered and refused (so nothing was created): not a timeout, a 5xx, a 409 or a 429. */
export function isDefiniteRejection(error: unknown): boolean {
  if (isValidationError(error) || isConfigError(error)) return true;
  if (!isProviderError(error)) return false;
  const status = error.status ?? 0;
  return !error.retryable && status >= 400 && status < 500 && ![408, 409, 425, 429].includes(status);
}
