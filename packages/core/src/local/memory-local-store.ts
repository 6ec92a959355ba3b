import type { JsonObject } from '../domain/common.js';
import type { LocalRecord, LocalStore } from './local-store.js';

/** A `LocalStore` in memory, with `changedSince` (a change counter as the cursor) and `all()` for inspection. */
export interface MemoryLocalStore<T extends JsonObject = JsonObject> extends LocalStore<T> {
  /** Every record, in id order (copies). */
  all(): LocalRecord<T>[];
  /** Number of records. */
  readonly size: number;
}

/**
 * A host data store in memory: for tests, examples and prototypes.
 *
 * ```ts
 * const customers = memoryLocalStore();
 * await customers.upsert([{ id: 'c_1', data: { name: 'Ada' } }]);
 * ```
 */
export function memoryLocalStore<T extends JsonObject = JsonObject>(
  initial: readonly LocalRecord<T>[] = [],
): MemoryLocalStore<T> {
  const rows = new Map<string, { record: LocalRecord<T>; seq: number }>();
  const tombstones = new Map<string, number>();
  let seq = 0;
  const put = (r: LocalRecord<T>) => {
    seq += 1;
    tombstones.delete(r.id);
    rows.set(r.id, { record: structuredClone({ ...r, updatedAt: r.updatedAt ?? new Date() }), seq });
  };
  for (const r of initial) put(r);
  return {
    async get(ids) {
      return ids.flatMap((id) => {
        const row = rows.get(id);
        return row ? [structuredClone(row.record)] : [];
      });
    },
    async upsert(records) {
      for (const r of records) put(r);
    },
    async delete(ids) {
      for (const id of ids) {
        if (rows.delete(id)) tombstones.set(id, ++seq);
      }
    },
    async changedSince(cursor, limit) {
      const after = cursor === null ? 0 : Number(cursor);
      const changed = [...rows.values()]
        .filter((r) => r.seq > after)
        .sort((a, b) => a.seq - b.seq)
        .slice(0, limit);
      const last = changed.at(-1)?.seq ?? after;
      const deleted = [...tombstones].filter(([, s]) => s > after && (changed.length < limit || s <= last));
      const next = Math.max(last, ...deleted.map(([, s]) => s));
      return {
        records: changed.map((r) => structuredClone(r.record)),
        deletedIds: deleted.map(([id]) => id),
        cursor: String(next),
      };
    },
    all() {
      return [...rows.values()].map((r) => structuredClone(r.record)).sort((a, b) => (a.id < b.id ? -1 : 1));
    },
    get size() {
      return rows.size;
    },
  };
}
