import type { SyncRecord } from '../domain/sync-record.js';
import { ConfigError } from '../errors/config-error.js';
import { isConflictError } from '../errors/conflict-error.js';
import { hashRecord } from '../hash/canonical-json.js';
import type { ConfigRun } from './config-run.js';
import type { MappedRecord } from './ports.js';
import { changedFields } from './record-diff.js';

/** What a provider write left behind, for the link. */
export interface RemoteWriteResult {
  remoteId: string;
  remoteHash: string | null;
  remoteVersion: string | null;
  remoteUpdatedAt: Date | null;
  /** What the provider now holds, mapped inbound (null when it does not map). */
  mapped: MappedRecord | null;
}

/** Maps what the provider returned, so the link remembers the remote state it now has. */
export function describeRemote(run: ConfigRun, returned: unknown): RemoteWriteResult {
  const mapped = run.mapper.inbound(returned);
  return {
    remoteId: run.entity.id(returned),
    remoteHash: mapped.ok ? hashRecord(mapped.value) : null,
    remoteVersion: run.entity.version?.(returned) ?? null,
    remoteUpdatedAt: run.entity.updatedAt(returned) ?? null,
    mapped: mapped.ok ? mapped.value : null,
  };
}

function outboundPayload(
  run: ConfigRun,
  record: MappedRecord,
  fields?: readonly string[],
): Record<string, unknown> {
  const payload = run.mapper.outbound(record, fields ? { fields } : undefined);
  if (!payload.ok) throw payload.error;
  return payload.value;
}

/** One key per logical create: the link, plus the attempt after a definite rejection (nothing was created then). */
export function createKey(link: SyncRecord): string {
  const attempt = Number((link.pending as { attempt?: number } | null)?.attempt ?? 0);
  return attempt > 0 ? `sb-c-${link.id}-${attempt}` : `sb-c-${link.id}`;
}

/**
 * Creates the provider record for a link whose intent is already stored (`pending_outbound`),
 * with an idempotency key derived from the link, so a retry after a crash replays instead of
 * duplicating.
 */
export async function pushCreate(
  run: ConfigRun,
  link: SyncRecord,
  record: MappedRecord,
): Promise<RemoteWriteResult> {
  if (!run.entity.create) {
    throw new ConfigError(
      `${run.connector.displayName} ${run.config.remoteEntity} cannot be created through the API; make the sync config inbound-only or create the record in ${run.connector.displayName}.`,
    );
  }
  const created = await run.entity.create(run.ctx, outboundPayload(run, record), {
    idempotencyKey: createKey(link),
  });
  run.stats.remoteWrites++;
  return describeRemote(run, created);
}

/**
 * Sends the fields of `record` that differ from `against` (what the provider has, or the base)
 * as a sparse update based on the link's stored version. A stale version surfaces as
 * `ConflictError` code `STALE_VERSION` for the caller to re-read and resolve.
 */
export async function pushUpdate(
  run: ConfigRun,
  link: SyncRecord,
  record: MappedRecord,
  against: MappedRecord | null,
  version: string | null = link.remoteVersion,
): Promise<RemoteWriteResult | null> {
  if (!run.entity.update) {
    throw new ConfigError(
      `${run.connector.displayName} ${run.config.remoteEntity} cannot be updated through the API; make the sync config inbound-only.`,
    );
  }
  const fields = changedFields(record, against);
  if (fields.length === 0) return null;
  const payload = outboundPayload(run, record, fields);
  const updated = await run.entity.update(run.ctx, link.remoteId!, payload, {
    idempotencyKey: `sb-u-${link.id}-${hashRecord(payload).slice(0, 20)}`,
    version: version ?? undefined,
  });
  run.stats.remoteWrites++;
  return describeRemote(run, updated);
}

/** Deletes (or deactivates) the provider record of a link. A record already gone counts as deleted. */
export async function pushDelete(run: ConfigRun, link: SyncRecord): Promise<boolean> {
  if (!run.entity.delete || run.capabilities.delete === 'none') return false;
  try {
    await run.entity.delete(run.ctx, link.remoteId!, {
      idempotencyKey: `sb-d-${link.id}`,
      version: link.remoteVersion ?? undefined,
    });
    run.stats.remoteWrites++;
  } catch (error) {
    if ((error as { code?: string }).code !== 'NOT_FOUND') throw error;
  }
  return true;
}

export const isStaleVersion = (error: unknown) =>
  isConflictError(error) && (error as { code: string }).code === 'STALE_VERSION';
