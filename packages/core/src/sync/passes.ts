import type { Change, Page } from '../connector/connector.js';
import { SyncBridgeError } from '../errors/syncbridge-error.js';
import type { ConfigRun } from './config-run.js';
import { pullsFromRemote, pushesToRemote } from './config-run.js';
import { applyRemoteDeletes, applyRemoteRecords } from './inbound.js';
import { pushLocalChanges } from './outbound.js';
import { prefetched } from './prefetch.js';

/** Thrown between pages when `sync.stop()` or `close()` asked the run to stop. */
export class SyncStoppedError extends SyncBridgeError {
  override name = 'SyncStoppedError';
  constructor() {
    super(
      'The sync was stopped by sync.stop() or close() after finishing its current page; the next run resumes from the checkpoint.',
      {
        defaultCode: 'SYNC_STOPPED',
      },
    );
  }
}

interface FullState {
  cursor: string | null;
  generation: number;
  done: boolean;
  startedAt: string;
  /** Where the change feed stood when the pass started: the first incremental run resumes there. */
  feedStart?: string | null;
}

/** How far an incremental `since` query reaches back before the last watermark (clock skew). */
const SINCE_OVERLAP_MS = 60_000;
const OUTBOUND_PAGE = 500;

/**
 * Joins provider pages into write batches of at least `size` records (the last may be smaller):
 * a database statement's fixed cost is then shared by ten 100-record pages instead of paid per
 * page. Memory holds one batch and the page being fetched.
 */
async function* batched(pages: AsyncIterable<Page<unknown>>, size: number): AsyncGenerator<Page<unknown>> {
  let records: unknown[] = [];
  let last: Page<unknown> | undefined;
  for await (const page of pages) {
    records.push(...page.records);
    last = page;
    if (records.length >= size) {
      yield { records, cursor: page.cursor, ...(page.total === undefined ? {} : { total: page.total }) };
      records = [];
    }
  }
  if (last && records.length > 0) {
    yield { records, cursor: last.cursor, ...(last.total === undefined ? {} : { total: last.total }) };
  }
}

/** A checkpoint key's current value and version, and a writer that keeps the version in step. */
async function checkpoint<T>(run: ConfigRun, key: string) {
  const row = await run.deps.storage.checkpoints.get(run.config.id, key);
  let version = row?.version ?? null;
  return {
    value: (row?.value ?? null) as T | null,
    async write(value: T) {
      version = (
        await run.deps.storage.checkpoints.put({
          syncConfigId: run.config.id,
          key,
          value,
          expectedVersion: version,
        })
      ).version;
    },
  };
}

function progress(run: ConfigRun, direction: 'inbound' | 'outbound', total?: number) {
  run.deps.events.emit('sync.progress', {
    integrationId: run.integration.id,
    syncConfigId: run.config.id,
    localEntity: run.config.localEntity,
    remoteEntity: run.config.remoteEntity,
    direction,
    processed: run.stats.processed,
    ...(total === undefined ? {} : { total }),
  });
}

function stopIfAsked(run: ConfigRun) {
  if (run.stopSignal.aborted) throw new SyncStoppedError();
}

/**
 * Lists every provider record page by page (resuming a pass a crash interrupted), marks each
 * link with this pass's generation, and only after the whole pass succeeded deletes what the
 * provider no longer has. The cursor checkpoint advances after each page is committed.
 */
export async function fullPass(run: ConfigRun): Promise<void> {
  const cp = await checkpoint<FullState>(run, 'full');
  const resume = cp.value !== null && !cp.value.done;
  const state: FullState = resume
    ? cp.value!
    : {
        cursor: null,
        generation: (cp.value?.generation ?? 0) + 1,
        done: false,
        startedAt: run.deps.now().toISOString(),
        feedStart: run.connector.initialChangeCursor
          ? await run.connector.initialChangeCursor(run.ctx, [run.config.remoteEntity])
          : null,
      };
  if (!resume) await cp.write(state);
  const pages = run.entity.list(run.ctx, {
    cursor: state.cursor,
    since: null,
    filter: run.config.syncFilter,
  });
  for await (const batch of batched(prefetched(pages), run.writeBatchSize)) {
    await applyRemoteRecords(run, batch.records, state.generation);
    // The cursor of the batch's last page: everything before it is committed.
    await cp.write({ ...state, cursor: batch.cursor });
    progress(run, 'inbound', batch.total);
    stopIfAsked(run);
  }
  await deleteUnseen(run, state.generation);
  await cp.write({ ...state, cursor: null, done: true });
  if (state.feedStart) {
    const feed = await checkpoint<{ cursor: string }>(run, 'feed');
    if (feed.value === null) await feed.write({ cursor: state.feedStart });
  }
  const since = await checkpoint<{ since: string }>(run, 'since');
  if (since.value === null || since.value.since < state.startedAt)
    await since.write({ since: state.startedAt });
}

/** Links the finished full pass did not see: the provider deleted those records. */
async function deleteUnseen(run: ConfigRun, generation: number): Promise<void> {
  let after: string | undefined;
  for (;;) {
    const page = await run.deps.storage.syncRecords.list({
      syncConfigId: run.config.id,
      generationBelow: generation,
      limit: 500,
      ...(after ? { after } : {}),
    });
    if (page.length === 0) return;
    after = page.at(-1)!.id;
    const gone = page
      .filter((l) => l.remoteId !== null && l.syncStatus !== 'pending_outbound' && l.deletedAt === null)
      .map((l) => l.remoteId!);
    if (gone.length) await applyRemoteDeletes(run, gone);
  }
}

/**
 * Only what changed: through the connector's change feed when it has one, else a list of
 * records changed since the last watermark. A run with no completed full pass does a full one.
 */
export async function incrementalPass(run: ConfigRun): Promise<void> {
  const full = await run.deps.storage.checkpoints.get(run.config.id, 'full');
  if (!full || !(full.value as FullState).done) return fullPass(run);
  if (run.connector.changes && run.capabilities.incremental) {
    try {
      await feedPass(run);
    } catch (error) {
      if ((error as { code?: string }).code !== 'CURSOR_EXPIRED') throw error;
      run.deps.logger.warn(
        { syncConfigId: run.config.id },
        'change feed cursor expired; running a full pass',
      );
      await run.deps.storage.checkpoints.delete(run.config.id, 'feed');
      await fullPass(run);
    }
  } else {
    await sincePass(run);
  }
  await retryFailedInbound(run);
}

async function feedPass(run: ConfigRun): Promise<void> {
  const cp = await checkpoint<{ cursor: string }>(run, 'feed');
  const feed = run.connector.changes!(run.ctx, {
    cursor: cp.value?.cursor ?? null,
    entities: [run.config.remoteEntity],
  });
  for await (const page of prefetched(feed)) {
    const latest = new Map<string, Change>();
    for (const change of page.changes) {
      if (change.entity !== run.config.remoteEntity) continue;
      latest.set(change.id, change);
      if (change.mergedFromId)
        latest.set(change.mergedFromId, { entity: change.entity, id: change.mergedFromId, type: 'delete' });
    }
    const deletes: string[] = [];
    const records: unknown[] = [];
    const fetch: string[] = [];
    for (const change of latest.values()) {
      if (change.type === 'delete') deletes.push(change.id);
      else if (change.record !== undefined) records.push(change.record);
      else fetch.push(change.id);
    }
    const fetched = await fetchRecords(run, fetch);
    records.push(...fetched.records);
    deletes.push(...fetched.missing);
    await applyRemoteRecords(run, records, null);
    run.stats.processed += deletes.length;
    if (deletes.length) await applyRemoteDeletes(run, deletes);
    await cp.write({ cursor: page.cursor });
    progress(run, 'inbound');
    stopIfAsked(run);
  }
}

/** Fetches records a change feed named without data; ids the provider no longer has are returned as missing. */
export async function fetchRecords(
  run: ConfigRun,
  ids: readonly string[],
): Promise<{ records: unknown[]; missing: string[] }> {
  if (ids.length === 0) return { records: [], missing: [] };
  const { entity } = run;
  let records: unknown[];
  if (entity.getMany) records = await entity.getMany(run.ctx, ids);
  else if (entity.get)
    records = (await Promise.all(ids.map((id) => entity.get!(run.ctx, id)))).filter((r) => r !== null);
  else
    throw new SyncBridgeError(
      `${run.connector.displayName} ${run.config.remoteEntity} has no get or getMany; its change feed must carry records.`,
      { code: 'CONFIG_INVALID' },
    );
  const found = new Set(records.map((r) => entity.id(r)));
  return { records, missing: ids.filter((id) => !found.has(id)) };
}

async function sincePass(run: ConfigRun): Promise<void> {
  const cp = await checkpoint<{ since: string }>(run, 'since');
  const startedAt = run.deps.now().toISOString();
  const since = cp.value ? new Date(new Date(cp.value.since).getTime() - SINCE_OVERLAP_MS) : null;
  const pages = run.entity.list(run.ctx, { cursor: null, since, filter: run.config.syncFilter });
  for await (const page of batched(prefetched(pages), run.writeBatchSize)) {
    await applyRemoteRecords(run, page.records, null);
    progress(run, 'inbound', page.total);
    stopIfAsked(run);
  }
  await cp.write({ since: startedAt });
}

/** Records that failed in an earlier run are fetched again, so a fixed cause heals them. */
async function retryFailedInbound(run: ConfigRun): Promise<void> {
  const failed = await run.deps.storage.syncRecords.list({
    syncConfigId: run.config.id,
    status: 'error',
    limit: 500,
  });
  const ids = failed.flatMap((l) => (l.remoteId ? [l.remoteId] : []));
  if (ids.length === 0) return;
  const fetched = await fetchRecords(run, ids);
  await applyRemoteRecords(run, fetched.records, null);
  if (fetched.missing.length) await applyRemoteDeletes(run, fetched.missing);
}

/**
 * Pushes host changes found by polling the local store's `changedSince` (hosts that call
 * `changes.notify` need none of this). A full run rescans every host record; echoes of inbound
 * applies are skipped by their hashes.
 */
export async function outboundPass(run: ConfigRun, full: boolean): Promise<void> {
  if (!pushesToRemote(run.config)) return;
  // Failed pushes, and creates whose commit a crash interrupted, are retried (same idempotency key).
  const unfinished = await run.deps.storage.syncRecords.list({
    syncConfigId: run.config.id,
    status: ['error', 'pending_outbound'],
    limit: 500,
  });
  const retry = unfinished.flatMap((l) => (l.localId ? [l.localId] : []));
  if (retry.length) await pushLocalChanges(run, retry);
  const changedSince = run.localStore.changedSince?.bind(run.localStore);
  if (!changedSince) return;
  const cp = await checkpoint<{ cursor: string | null }>(run, 'outbound');
  let cursor = full ? null : (cp.value?.cursor ?? null);
  for (;;) {
    const page = await changedSince(cursor, OUTBOUND_PAGE);
    const ids = [...page.records.map((r) => r.id), ...(page.deletedIds ?? [])];
    if (ids.length) await pushLocalChanges(run, ids, { countEchoes: false });
    cursor = page.cursor;
    await cp.write({ cursor });
    progress(run, 'outbound');
    stopIfAsked(run);
    if (ids.length < OUTBOUND_PAGE) return;
  }
}

export { pullsFromRemote };

/**
 * Creates a crash interrupted between the provider call and the link commit are replayed first,
 * under their original idempotency keys, before any provider record is applied: otherwise the
 * inbound side would meet the provider's new record with no link and take it for a new one.
 */
export async function replayPendingCreates(run: ConfigRun): Promise<void> {
  if (!pushesToRemote(run.config)) return;
  let after: string | undefined;
  for (;;) {
    const page = await run.deps.storage.syncRecords.list({
      syncConfigId: run.config.id,
      status: 'pending_outbound',
      limit: 500,
      ...(after ? { after } : {}),
    });
    if (page.length === 0) break;
    after = page.at(-1)!.id;
    const ids = page.flatMap((l) => (l.localId && l.remoteId === null ? [l.localId] : []));
    if (ids.length) await pushLocalChanges(run, ids);
  }
  const unconfirmed = await run.deps.storage.syncRecords.count({
    syncConfigId: run.config.id,
    status: 'pending_outbound',
  });
  if (unconfirmed > 0) {
    throw new SyncBridgeError(
      `${unconfirmed} create(s) sent to ${run.connector.displayName} ${run.config.remoteEntity} could not be confirmed; this sync config's inbound pass is postponed to the next run so their provider records are not taken for new ones.`,
      { code: 'PENDING_CREATES_UNCONFIRMED' },
    );
  }
}
