import type { SyncRecord } from '../domain/sync-record.js';
import { isConfigError } from '../errors/config-error.js';
import { isProviderError } from '../errors/provider-error.js';
import { isValidationError } from '../errors/validation-error.js';
import { hashRecord } from '../hash/canonical-json.js';
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
  for (const id of ids) {
    if (run.stopSignal.aborted) break;
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
        continue;
      }
      const projected = run.mapper.pickLocal(local.data);
      const hash = hashRecord(projected);
      if (
        link?.syncStatus === 'synced' &&
        link.remoteId &&
        (hash === link.baseHash || hash === link.localHash)
      ) {
        echo();
        continue;
      }
      stats.processed++;
      if (link?.syncStatus === 'conflict') {
        stats.skipped++;
      } else if (!link?.remoteId) {
        await createRemote(run, link, id, projected);
      } else {
        await updateRemote(run, link, projected, local.updatedAt ?? null);
      }
    } catch (error) {
      const message = recordFailure(run, { localId: id, remoteId: link?.remoteId ?? null }, error);
      await markFailed(run, id, message, error).catch((markError: unknown) =>
        deps.logger.error({ localId: id }, `could not record the failure: ${(markError as Error).message}`),
      );
    }
  }
}

async function createRemote(
  run: ConfigRun,
  existing: SyncRecord | undefined,
  localId: string,
  projected: MappedRecord,
) {
  const { deps, config } = run;
  // Record the intent first: a crash after the provider call retries with the same key.
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
            },
          },
        ]);
  const written = await pushCreate(run, link!, projected);
  await deps.storage.syncRecords.upsert([syncedLink(run, link, { localId, base: projected, ...written })]);
  run.stats.created++;
}

async function updateRemote(
  run: ConfigRun,
  link: SyncRecord,
  projected: MappedRecord,
  localUpdatedAt: Date | null,
) {
  const { deps } = run;
  let written: RemoteWriteResult | null;
  try {
    written = await pushUpdate(run, link, projected, link.base);
  } catch (error) {
    if (!isStaleVersion(error) || !run.entity.get) throw error;
    await resolveStale(run, link, projected, localUpdatedAt);
    return;
  }
  await deps.storage.syncRecords.upsert([
    syncedLink(run, link, {
      localId: link.localId!,
      remoteId: link.remoteId!,
      base: projected,
      ...(written ?? {}),
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
  if (answer.applyToLocal) {
    const [local] = await run.localStore.get([link.localId!]);
    await run.localStore.upsert([{ id: link.localId!, data: mergeInto(local?.data ?? {}, answer.record) }]);
  }
  const written = answer.applyToRemote
    ? await pushUpdate(run, link, answer.record, mapped.value, version)
    : null;
  await deps.storage.syncRecords.upsert([
    syncedLink(run, link, {
      localId: link.localId!,
      remoteId: link.remoteId!,
      base: answer.record,
      remoteHash: written?.remoteHash ?? hashRecord(mapped.value),
      remoteVersion: written?.remoteVersion ?? version,
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
