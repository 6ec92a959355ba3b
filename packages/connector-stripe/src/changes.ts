import {
  type Change,
  type ChangePage,
  type ConnectorContext,
  isProviderError,
  parseWith,
  type QueryValue,
  SyncBridgeError,
} from '@syncbridge/core';
import type { z } from 'zod';
import { EVENT_TIME_FIELD, OBJECT_TO_ENTITY } from './entities.js';
import { eventSchema, listSchema, type StripeEvent } from './schemas.js';

/** Stripe keeps events for 30 days; an older cursor cannot be resumed. */
export const EVENT_RETENTION_MS = 30 * 86_400_000;

const eventsPageSchema = listSchema(eventSchema);

/** Event type patterns per entity (`types[]`, at most 20). Balance transactions have no events. */
const EVENT_TYPES: Readonly<Record<string, string>> = {
  customer: 'customer.*',
  product: 'product.*',
  price: 'price.*',
  invoice: 'invoice.*',
  payment_intent: 'payment_intent.*',
  charge: 'charge.*',
  refund: 'refund.*',
  payout: 'payout.*',
};

/** A change-feed position: the last processed event's `created` and id (`<created>:<evt_id>`). */
export interface EventCursor {
  readonly created: number;
  /** Empty when the account had no event yet when the feed started. */
  readonly eventId: string;
}

export function encodeEventCursor(cursor: EventCursor): string {
  return `${cursor.created}:${cursor.eventId}`;
}

export function decodeEventCursor(value: string): EventCursor {
  const match = /^(\d+):(evt_[A-Za-z0-9]+)?$/.exec(value);
  if (!match) {
    throw new SyncBridgeError(`Stripe change feed: malformed cursor ${JSON.stringify(value.slice(0, 80))}.`, {
      code: 'CURSOR_INVALID',
    });
  }
  return { created: Number(match[1]), eventId: match[2] ?? '' };
}

function cursorExpired(cursor: EventCursor): SyncBridgeError {
  return new SyncBridgeError(
    `Stripe change feed: the cursor (event ${cursor.eventId || 'none'} of ${new Date(cursor.created * 1000).toISOString()}) is older than Stripe's 30-day event retention. Run a full sync to re-backfill.`,
    { code: 'CURSOR_EXPIRED' },
  );
}

/**
 * One event as changes: the entity is read from `data.object.object`, `*.deleted` events (and
 * `deleted: true` objects) are deletes. The event's snapshot travels as `record` only when it is
 * rendered in the API version the connector pins; otherwise the engine re-fetches the object.
 */
export function eventToChanges(
  event: StripeEvent,
  entities: readonly string[] | null,
  apiVersion: string,
): Change[] {
  const object = event.data.object;
  const entity = OBJECT_TO_ENTITY[object.object];
  // Objects without an id (the preview invoice of `invoice.upcoming`) are not records to sync.
  if (!entity || object.id === undefined || (entities !== null && !entities.includes(entity))) return [];
  const isDelete = event.type.endsWith('.deleted') || object.deleted === true;
  const sameVersion = event.api_version === apiVersion;
  return [
    {
      entity,
      id: object.id,
      type: isDelete ? 'delete' : 'upsert',
      ...(!isDelete && sameVersion ? { record: { ...object, [EVENT_TIME_FIELD]: event.created } } : {}),
      version: String(event.created),
      occurredAt: new Date(event.created * 1000),
    },
  ];
}

/** Changes of `events` (oldest first), skipping event ids already in `seen` (Stripe may repeat). */
function dedupedChanges(
  events: readonly StripeEvent[],
  seen: Set<string>,
  entities: readonly string[],
  apiVersion: string,
): Change[] {
  const changes: Change[] = [];
  for (const event of events) {
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    changes.push(...eventToChanges(event, entities, apiVersion));
  }
  return changes;
}

function typesFor(entities: readonly string[]): string[] {
  return entities.map((e) => EVENT_TYPES[e]).filter((t): t is string => t !== undefined);
}

async function fetchEvents(ctx: ConnectorContext, query: Record<string, QueryValue>) {
  const res = await ctx.http.request<unknown>({
    method: 'GET',
    path: '/v1/events',
    query,
    signal: ctx.signal,
  });
  return parseWith(eventsPageSchema, res.data, 'stripe GET /v1/events');
}

/**
 * The feed's current position (the newest event, of `entities`' event types when given), for
 * hosts that want to skip history: take it before a full backfill and start `changes()` from it.
 * `stripe()` reports it as `initialChangeCursor`, so the engine takes it when a full pass starts
 * and the first incremental run reads only what happened since.
 *
 * ```ts
 * const cursor = await stripeEventCursorNow(ctx, Date.now, ['customer']); // '1767225600:evt_…'
 * ```
 */
export async function stripeEventCursorNow(
  ctx: ConnectorContext,
  now: () => number = Date.now,
  entities?: readonly string[],
): Promise<string> {
  const types = entities ? typesFor(entities) : [];
  const newest = (await fetchEvents(ctx, { limit: 1, ...(types.length ? { 'types[]': types } : {}) }))
    .data[0];
  // No event yet: a time-only cursor, backed off for clock skew between us and Stripe (repeats are harmless).
  return encodeEventCursor(
    newest
      ? { created: newest.created, eventId: newest.id }
      : { created: Math.floor(now() / 1000) - CLOCK_SKEW_SECONDS, eventId: '' },
  );
}

/** Seconds a time-only cursor backs off for clock differences between the host and Stripe. */
const CLOCK_SKEW_SECONDS = 300;

/**
 * The oldest event (of `types`) created at or after `since`, found by paging newest-first to the
 * end while keeping only the last page: flat memory, whatever the number of events.
 */
async function oldestEventSince(
  ctx: ConnectorContext,
  since: number,
  typeQuery: Record<string, QueryValue>,
): Promise<StripeEvent | undefined> {
  let oldest: StripeEvent | undefined;
  for (;;) {
    ctx.signal.throwIfAborted();
    const page = await fetchEvents(ctx, {
      limit: 100,
      ...(since > 0 ? { 'created[gte]': since } : {}),
      ...typeQuery,
      ...(oldest ? { starting_after: oldest.id } : {}),
    });
    oldest = page.data.at(-1) ?? oldest;
    if (!page.has_more || page.data.length === 0) return oldest;
  }
}

/**
 * Stripe's Events API as a change feed, oldest first. With a cursor it walks forward with
 * `ending_before=<last event id>`, 100 per page, each page's cursor being its newest event, and
 * drops event ids it already yielded. Without one it replays every retained event (30 days): no
 * change is lost however the engine sequences backfill and feed; use `stripeEventCursorNow` to
 * skip history. A cursor older than 30 days, or whose event Stripe no longer has, throws
 * `SyncBridgeError` code `CURSOR_EXPIRED`: re-backfill with a full sync.
 */
export async function* stripeChanges(
  ctx: ConnectorContext,
  params: { cursor: string | null; entities: readonly string[] },
  apiVersion: string,
  now: () => number = Date.now,
): AsyncIterable<ChangePage> {
  const types = typesFor(params.entities);
  if (types.length === 0) return;
  const typeQuery = { 'types[]': types };
  let cursor: EventCursor =
    params.cursor === null ? { created: 0, eventId: '' } : decodeEventCursor(params.cursor);
  if (params.cursor !== null && cursor.created * 1000 < now() - EVENT_RETENTION_MS)
    throw cursorExpired(cursor);
  const seen = new Set<string>();

  if (cursor.eventId === '') {
    // No anchor event yet: start at the oldest event since the cursor's time, then walk forward.
    const oldest = await oldestEventSince(ctx, cursor.created, typeQuery);
    if (!oldest) {
      if (params.cursor === null)
        yield { changes: [], cursor: await stripeEventCursorNow(ctx, now, params.entities) };
      return;
    }
    cursor = { created: oldest.created, eventId: oldest.id };
    yield {
      changes: dedupedChanges([oldest], seen, params.entities, apiVersion),
      cursor: encodeEventCursor(cursor),
    };
  }

  for (;;) {
    ctx.signal.throwIfAborted();
    let page: z.infer<typeof eventsPageSchema>;
    try {
      page = await fetchEvents(ctx, { limit: 100, ending_before: cursor.eventId, ...typeQuery });
    } catch (error) {
      if (
        isProviderError(error) &&
        error.providerCode === 'resource_missing' &&
        error.field === 'ending_before'
      ) {
        throw cursorExpired(cursor);
      }
      throw error;
    }
    if (page.data.length === 0) return;
    const changes = dedupedChanges([...page.data].reverse(), seen, params.entities, apiVersion);
    const newest = page.data[0] as StripeEvent;
    cursor = { created: newest.created, eventId: newest.id };
    yield { changes, cursor: encodeEventCursor(cursor) };
    if (!page.has_more) return;
  }
}
