import {
  type Change,
  type ChangePage,
  type ConnectorContext,
  ProviderError,
  SyncBridgeError,
  ValidationError,
} from '@syncbridge/core';
import { qboRequest, realmOf } from './entities/request.js';

/** QuickBooks keeps 30 days of change data; stay a day inside it. */
export const CDC_MAX_AGE_MS = 29 * 24 * 3600 * 1000;
/** CDC returns at most this many objects per response, across entities. */
export const CDC_RESPONSE_LIMIT = 1000;

interface CdcObject {
  Id?: unknown;
  SyncToken?: unknown;
  status?: unknown;
  MetaData?: { LastUpdatedTime?: unknown };
}

interface CdcResult {
  readonly byEntity: Map<string, CdcObject[]>;
  readonly count: number;
  readonly time: string;
}

async function cdc(
  ctx: ConnectorContext,
  minorVersion: number,
  entities: readonly string[],
  since: string,
): Promise<CdcResult> {
  const data = await qboRequest<{
    CDCResponse?: { QueryResponse?: Record<string, unknown>[] }[];
    time?: unknown;
  }>(ctx, minorVersion, {
    method: 'GET',
    resource: 'cdc',
    query: { entities: entities.join(','), changedSince: since },
  });
  if (typeof data.time !== 'string' || !Array.isArray(data.CDCResponse))
    throw new ValidationError('QuickBooks CDC response has no CDCResponse array or no time');
  const byEntity = new Map<string, CdcObject[]>();
  let count = 0;
  for (const block of data.CDCResponse)
    for (const qr of block.QueryResponse ?? [])
      for (const name of entities) {
        const rows = qr[name];
        if (!Array.isArray(rows)) continue;
        byEntity.set(name, [...(byEntity.get(name) ?? []), ...(rows as CdcObject[])]);
        count += rows.length;
      }
  return { byEntity, count, time: data.time };
}

function toChange(entity: string, o: CdcObject): Change {
  const id = String(o.Id);
  const at =
    typeof o.MetaData?.LastUpdatedTime === 'string' ? Date.parse(o.MetaData.LastUpdatedTime) : Number.NaN;
  const occurredAt = Number.isNaN(at) ? {} : { occurredAt: new Date(at) };
  if (o.status === 'Deleted') return { entity, id, type: 'delete', ...occurredAt };
  return {
    entity,
    id,
    type: 'upsert',
    record: o,
    ...(typeof o.SyncToken === 'string' ? { version: o.SyncToken } : {}),
    ...occurredAt,
  };
}

function latest(objects: readonly CdcObject[]): string | undefined {
  let best: string | undefined;
  for (const o of objects) {
    const t = o.MetaData?.LastUpdatedTime;
    if (typeof t === 'string' && (best === undefined || Date.parse(t) > Date.parse(best))) best = t;
  }
  return best;
}

/**
 * The change feed: QuickBooks Change Data Capture for the given entities.
 *
 * The cursor is the `time` of the last complete response (Intuit's clock, not ours). A response
 * holding 1,000 objects may be truncated, so the window is split: each entity on its own, and an
 * entity that still fills a response is read again from the latest change it returned
 * (re-reading a few is harmless). A cursor older than 29 days cannot be served by CDC:
 * `CURSOR_EXPIRED` tells the engine to run a full sync.
 */
export async function* quickBooksChanges(
  ctx: ConnectorContext,
  minorVersion: number,
  params: { cursor: string | null; entities: readonly string[] },
  now: () => Date = () => new Date(),
): AsyncIterable<ChangePage> {
  if (params.entities.length === 0) return;
  // One reading of the clock: the default start and the expiry check must agree.
  const nowMs = now().getTime();
  const since = params.cursor ?? new Date(nowMs - CDC_MAX_AGE_MS).toISOString();
  const sinceMs = Date.parse(since);
  if (Number.isNaN(sinceMs))
    throw new SyncBridgeError(`QuickBooks change cursor is not a time: ${since.slice(0, 40)}`, {
      code: 'CURSOR_INVALID',
    });
  if (sinceMs < nowMs - CDC_MAX_AGE_MS)
    throw new SyncBridgeError(
      `QuickBooks change cursor ${since} is older than 29 days; CDC keeps 30 days. Run a full sync to catch up (deletions included).`,
      { code: 'CURSOR_EXPIRED' },
    );

  const first = await cdc(ctx, minorVersion, params.entities, since);
  if (first.count < CDC_RESPONSE_LIMIT) {
    const changes = params.entities.flatMap((e) => (first.byEntity.get(e) ?? []).map((o) => toChange(e, o)));
    yield { changes, cursor: first.time };
    return;
  }

  // Truncated: read each entity on its own, narrowing its window while its responses stay full.
  const watermark = new Map(params.entities.map((e) => [e, since]));
  const finished = new Map<string, string>();
  const cursor = () => {
    const pending = [...watermark.entries()].filter(([e]) => !finished.has(e)).map(([, t]) => t);
    const all = [...pending, ...finished.values()];
    return all.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b));
  };
  for (const entity of params.entities) {
    let from = since;
    for (;;) {
      const result = await cdc(ctx, minorVersion, [entity], from);
      const objects = result.byEntity.get(entity) ?? [];
      if (result.count < CDC_RESPONSE_LIMIT) {
        finished.set(entity, result.time);
        yield { changes: objects.map((o) => toChange(entity, o)), cursor: cursor() };
        break;
      }
      const next = latest(objects);
      if (next === undefined || Date.parse(next) <= Date.parse(from))
        throw new ProviderError(
          `QuickBooks CDC returned ${CDC_RESPONSE_LIMIT}+ ${entity} changes at one instant (${from}); the window cannot be split further. Run a full sync.`,
          { provider: 'quickbooks', method: 'GET', path: 'cdc' },
        );
      // Step back a second in case changedSince is exclusive at the boundary; re-reads are harmless.
      const stepBack = new Date(Date.parse(next) - 1000).toISOString();
      from = Date.parse(stepBack) > Date.parse(from) ? stepBack : next;
      watermark.set(entity, from);
      yield { changes: objects.map((o) => toChange(entity, o)), cursor: cursor() };
    }
  }
}

/**
 * A change cursor at the current end of the feed, on Intuit's clock: the `time` of a cheap
 * company-info read. The engine takes it when a full pass starts, so the first incremental run
 * reads CDC from there (changes made during the pass are read again, harmlessly, by hash).
 * The local clock is not used: a host clock running ahead of Intuit's would skip changes.
 */
export async function quickBooksInitialCursor(ctx: ConnectorContext, minorVersion: number): Promise<string> {
  const data = await qboRequest<{ time?: unknown }>(ctx, minorVersion, {
    method: 'GET',
    resource: `companyinfo/${realmOf(ctx)}`,
  });
  if (typeof data.time !== 'string' || Number.isNaN(Date.parse(data.time)))
    throw new ValidationError(
      'QuickBooks companyinfo response has no usable time to start the change feed at',
    );
  return data.time;
}
