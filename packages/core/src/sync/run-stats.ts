import type { SyncErrorEntry } from '../domain/sync-log.js';
import { isSyncBridgeError } from '../errors/syncbridge-error.js';

/** The most failed records one sync log keeps with their reasons; the count is always exact. */
export const MAX_LOGGED_ERRORS = 500;

/** The five counters of a run plus the reasons records failed. */
export class RunStats {
  processed = 0;
  created = 0;
  updated = 0;
  skipped = 0;
  failed = 0;
  conflicts = 0;
  deleted = 0;
  /** Provider writes made (create, update, delete): the echo-storm guard counts these. */
  remoteWrites = 0;
  readonly errors: SyncErrorEntry[] = [];

  fail(
    entry: { localId?: string | null; remoteId?: string | null },
    error: unknown,
    at: Date,
  ): SyncErrorEntry {
    this.failed++;
    const record: SyncErrorEntry = {
      localId: entry.localId ?? null,
      remoteId: entry.remoteId ?? null,
      code: isSyncBridgeError(error) ? error.code : 'UNEXPECTED',
      message: error instanceof Error ? error.message : String(error),
      at,
    };
    if (this.errors.length < MAX_LOGGED_ERRORS) this.errors.push(record);
    return record;
  }

  add(other: RunStats): void {
    this.processed += other.processed;
    this.created += other.created;
    this.updated += other.updated;
    this.skipped += other.skipped;
    this.failed += other.failed;
    this.conflicts += other.conflicts;
    this.deleted += other.deleted;
    this.remoteWrites += other.remoteWrites;
    for (const e of other.errors) if (this.errors.length < MAX_LOGGED_ERRORS) this.errors.push(e);
  }
}
