import { AuthError, ConflictError, NotFoundError, ProviderError, RateLimitError } from '@syncbridge/core';

/** A record in the fake provider: an id, a last-modified time (ms), a version that grows on every write, and any fields. */
export interface FakeRecord {
  id: string;
  updated: number;
  version: number;
  deleted?: true;
  [field: string]: unknown;
}

/** Operations failures can be injected into. */
export type FakeOperation = 'list' | 'get' | 'getMany' | 'create' | 'update' | 'delete' | 'changes';

/** The kinds of failure a real provider produces. */
export type FakeFailure = 'server' | 'rate_limit' | 'timeout' | 'stale' | 'auth' | 'not_found' | 'validation';

interface FeedEntry {
  seq: number;
  entity: string;
  id: string;
  type: 'upsert' | 'delete';
  at: number;
}

/**
 * The controllable remote side of the fake connector: mutate records as if a user edited them
 * in the provider, inject failures at chosen calls, and count what the connector did.
 */
export class FakeRemote {
  readonly #tables = new Map<string, Map<string, FakeRecord>>();
  readonly #feed: FeedEntry[] = [];
  readonly #idempotency = new Map<string, FakeRecord>();
  readonly #failures: { op: FakeOperation | 'any'; failure: FakeFailure; remaining: number }[] = [];
  #seq = 0;
  #nextId = 1;
  #clock: number;
  /** Provider writes that changed data, per operation. */
  readonly writes = { create: 0, update: 0, delete: 0 };
  /** Webhook endpoints registered through the fake's API, by id, with their signing secrets. */
  readonly endpoints = new Map<string, { url: string; events: readonly string[]; secret: string }>();
  /** Every call the connector made, in order. */
  readonly calls: { op: FakeOperation; entity: string; id?: string }[] = [];
  /** Feed entries older than this (ms) are gone; a cursor before them is expired. */
  feedRetentionMs = Number.POSITIVE_INFINITY;

  constructor(entities: readonly string[], now = Date.UTC(2026, 0, 1)) {
    for (const e of entities) this.#tables.set(e, new Map());
    this.#clock = now;
  }

  /** Empties the provider: no records, no feed, no pending failures, counters at zero. */
  reset(): void {
    for (const table of this.#tables.values()) table.clear();
    this.#feed.length = 0;
    this.#idempotency.clear();
    this.#failures.length = 0;
    this.calls.length = 0;
    this.endpoints.clear();
    this.writes.create = this.writes.update = this.writes.delete = 0;
  }

  now(): number {
    return this.#clock;
  }

  /** Moves the fake's clock forward. */
  advance(ms: number): void {
    this.#clock += ms;
  }

  table(entity: string): Map<string, FakeRecord> {
    const t = this.#tables.get(entity);
    if (!t) throw new Error(`fake remote: unknown entity "${entity}"`);
    return t;
  }

  /** A copy of one record, or undefined. */
  get(entity: string, id: string): FakeRecord | undefined {
    const r = this.table(entity).get(id);
    return r ? structuredClone(r) : undefined;
  }

  /** Copies of every live record, in id order. */
  all(entity: string): FakeRecord[] {
    return [...this.table(entity).values()].sort(byId).map((r) => structuredClone(r));
  }

  /** Creates or edits a record as a user of the provider would (bumps version and time, feeds a change). */
  put(entity: string, fields: Record<string, unknown> & { id?: string }): FakeRecord {
    this.#clock += 1;
    const id = fields.id ?? this.#newId(entity);
    const previous = this.table(entity).get(id);
    const record: FakeRecord = {
      ...previous,
      ...fields,
      id,
      updated: this.#clock,
      version: (previous?.version ?? 0) + 1,
    };
    this.table(entity).set(id, record);
    this.#emit(entity, id, 'upsert');
    return structuredClone(record);
  }

  /** Adds many records at once (no feed entries: as if they existed before the sync started). */
  seed(entity: string, records: readonly Record<string, unknown>[]): FakeRecord[] {
    return records.map((fields) => {
      const id = (fields.id as string | undefined) ?? this.#newId(entity);
      const record: FakeRecord = { ...fields, id, updated: this.#clock, version: 1 };
      this.table(entity).set(id, record);
      return structuredClone(record);
    });
  }

  /** Deletes a record as a user of the provider would. */
  remove(entity: string, id: string): void {
    this.#clock += 1;
    if (this.table(entity).delete(id)) this.#emit(entity, id, 'delete');
  }

  /** The next `times` calls of `op` (or of any operation) fail with `failure`. */
  failNext(op: FakeOperation | 'any', failure: FakeFailure, times = 1): void {
    this.#failures.push({ op, failure, remaining: times });
  }

  /** Drops failures still waiting to be injected. */
  clearFailures(): void {
    this.#failures.length = 0;
  }

  // --- used by the fake connector ---

  /** @internal */
  call(op: FakeOperation, entity: string, id?: string): void {
    this.calls.push({ op, entity, ...(id === undefined ? {} : { id }) });
    const index = this.#failures.findIndex((f) => f.op === op || f.op === 'any');
    if (index === -1) return;
    const f = this.#failures[index]!;
    if (--f.remaining <= 0) this.#failures.splice(index, 1);
    throw failureError(f.failure, op, entity, id);
  }

  /**
   * @internal Replays a create made with the same idempotency key: the first response, as
   * providers do (Stripe, QuickBooks `requestid`), even if the record changed or was deleted since.
   */
  /** @internal The first response of a write made with this key, if there was one. */
  replayed(key: string): FakeRecord | undefined {
    const first = this.#idempotency.get(key);
    return first === undefined ? undefined : structuredClone(first);
  }

  idempotent(key: string, make: () => FakeRecord): FakeRecord {
    const first = this.#idempotency.get(key);
    if (first !== undefined) return structuredClone(first);
    const record = make();
    this.#idempotency.set(key, structuredClone(record));
    return record;
  }

  /** @internal Feed entries after `cursor`, oldest first. */
  feedAfter(cursor: number, limit: number): { entries: FeedEntry[]; expired: boolean } {
    const horizon = this.#clock - this.feedRetentionMs;
    const after = this.#feed.filter((e) => e.seq > cursor);
    return {
      entries: after.filter((e) => e.at >= horizon).slice(0, limit),
      expired: after.some((e) => e.at < horizon),
    };
  }

  /** @internal */
  get feedHead(): number {
    return this.#seq;
  }

  #newId(entity: string): string {
    return `${entity.slice(0, 3)}_${String(this.#nextId++).padStart(6, '0')}`;
  }

  #emit(entity: string, id: string, type: 'upsert' | 'delete'): void {
    this.#feed.push({ seq: ++this.#seq, entity, id, type, at: this.#clock });
  }
}

const byId = (a: FakeRecord, b: FakeRecord) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function failureError(failure: FakeFailure, op: string, entity: string, id?: string): Error {
  const where = `fake ${op} ${entity}${id ? ` ${id}` : ''}`;
  switch (failure) {
    case 'server':
      return new ProviderError(`${where} failed with 500 (injected).`, {
        provider: 'fake',
        status: 500,
        retryable: true,
      });
    case 'timeout':
      return new ProviderError(`${where} timed out (injected).`, { provider: 'fake', retryable: true });
    case 'rate_limit':
      return new RateLimitError(`${where} was rate limited (injected).`, {
        retryAfterMs: 1000,
        provider: 'fake',
      });
    case 'stale':
      return new ConflictError(`${where}: stale version (injected).`, { code: 'STALE_VERSION' });
    case 'auth':
      return new AuthError(`${where} failed with 401 (injected).`, { provider: 'fake' });
    case 'not_found':
      return new NotFoundError(`${where}: not found (injected).`, {
        resource: entity,
        ...(id ? { id } : {}),
      });
    case 'validation':
      return new ProviderError(`${where} failed with 400 (injected).`, { provider: 'fake', status: 400 });
  }
}
