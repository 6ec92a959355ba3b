import type { JsonObject } from '../domain/common.js';

/** One host record as the engine sees it: an id, its fields, and when it last changed. */
export interface LocalRecord<T extends JsonObject = JsonObject> {
  readonly id: string;
  readonly data: T;
  readonly updatedAt?: Date;
}

/** A page of `changedSince`: records changed after the cursor, and the cursor to ask with next. */
export interface LocalChanges<T extends JsonObject = JsonObject> {
  readonly records: readonly LocalRecord<T>[];
  readonly deletedIds?: readonly string[];
  readonly cursor: string;
}

/**
 * The host's own data for one local entity (customers, invoices…), which the engine reads and
 * writes. Implement it over your tables, or use `memoryLocalStore()` /
 * `postgresLocalStore()` for a mirror.
 *
 * Rules: `get` of unknown ids leaves them out of the result; `upsert` creates or replaces by id
 * (the engine chooses ids for new records and records them before writing, so a retried upsert
 * after a crash must overwrite, not duplicate); `delete` of unknown ids is a no-op; empty arrays
 * are no-ops. Writes may be called concurrently for different ids, never for the same id.
 */
export interface LocalStore<T extends JsonObject = JsonObject> {
  get(ids: readonly string[]): Promise<LocalRecord<T>[]>;
  upsert(records: readonly LocalRecord<T>[]): Promise<void>;
  delete(ids: readonly string[]): Promise<void>;
  /** Optional polling of host changes for outbound sync when the host does not call `changes.notify`. */
  changedSince?(cursor: string | null, limit: number): Promise<LocalChanges<T>>;
}
