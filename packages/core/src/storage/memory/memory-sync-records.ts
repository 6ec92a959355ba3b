import { randomUUID } from 'node:crypto';
import { type SyncRecord, syncRecordFilterSchema, syncRecordInputSchema } from '../../domain/sync-record.js';
import { ValidationError } from '../../errors/validation-error.js';
import { parseWith } from '../../errors/zod.js';
import { missingRow, uniqueViolation } from '../errors.js';
import type { SyncRecordStore } from '../storage-adapter.js';
import type { MemoryContext } from './memory-context.js';
import { asJson, clone, journaledDelete, journaledSet } from './memory-state.js';

function indexOf(index: Map<string, Map<string, string>>, syncConfigId: string): Map<string, string> {
  let inner = index.get(syncConfigId);
  if (!inner) {
    inner = new Map();
    index.set(syncConfigId, inner);
  }
  return inner;
}

export function memorySyncRecords(ctx: MemoryContext): SyncRecordStore {
  const { state } = ctx;

  /** Removes a row from the table and both unique indexes (journaled). */
  const remove = (row: SyncRecord) => {
    journaledDelete(ctx.journal, state.syncRecords, row.id);
    if (row.localId !== null)
      journaledDelete(ctx.journal, indexOf(state.recordsByLocal, row.syncConfigId), row.localId);
    if (row.remoteId !== null)
      journaledDelete(ctx.journal, indexOf(state.recordsByRemote, row.syncConfigId), row.remoteId);
  };

  return {
    async upsert(records) {
      const parsed = records.map((r, i) => parseWith(syncRecordInputSchema, r, `syncRecords.upsert[${i}]`));
      const now = new Date();
      const rows: SyncRecord[] = parsed.map((r) => {
        const existing = r.id === undefined ? undefined : state.syncRecords.get(r.id);
        return {
          ...r,
          base: asJson(r.base),
          pending: asJson(r.pending),
          id: r.id ?? randomUUID(),
          createdAt: existing?.createdAt ?? now,
          updatedAt: now,
        };
      });
      if (new Set(rows.map((r) => r.id)).size !== rows.length) {
        throw new ValidationError(
          'syncRecords.upsert: the same id appears twice in one batch; send each link once.',
        );
      }
      // Check every rule before writing anything: all or nothing. Rows of this batch that exist
      // already give up their old ids, so two links may swap or move ids in one call.
      const replaced = new Set(rows.filter((r) => state.syncRecords.has(r.id)).map((r) => r.id));
      const claimed = new Map<string, string>();
      for (const row of rows) {
        if (!state.syncConfigs.has(row.syncConfigId))
          throw missingRow('syncRecords.upsert', 'sync config', row.syncConfigId);
        for (const [side, index] of [
          ['localId', state.recordsByLocal],
          ['remoteId', state.recordsByRemote],
        ] as const) {
          const value = row[side];
          if (value === null) continue;
          const key = `${side}\u0000${row.syncConfigId}\u0000${value}`;
          const inBatch = claimed.get(key);
          const stored = index.get(row.syncConfigId)?.get(value);
          if (
            (inBatch !== undefined && inBatch !== row.id) ||
            (stored !== undefined && stored !== row.id && !replaced.has(stored))
          ) {
            throw uniqueViolation(
              'syncRecords.upsert',
              `a sync record with ${side} "${value}" in sync config "${row.syncConfigId}"`,
            );
          }
          claimed.set(key, row.id);
        }
      }
      for (const row of rows) {
        const existing = state.syncRecords.get(row.id);
        if (existing) remove(existing);
      }
      for (const row of rows) {
        journaledSet(ctx.journal, state.syncRecords, row.id, row);
        if (row.localId !== null)
          journaledSet(ctx.journal, indexOf(state.recordsByLocal, row.syncConfigId), row.localId, row.id);
        if (row.remoteId !== null)
          journaledSet(ctx.journal, indexOf(state.recordsByRemote, row.syncConfigId), row.remoteId, row.id);
      }
      return rows.map(clone);
    },
    async get(id) {
      const row = state.syncRecords.get(id);
      return row ? clone(row) : null;
    },
    async getByLocalIds(syncConfigId, localIds) {
      const index = state.recordsByLocal.get(syncConfigId);
      if (!index) return [];
      return localIds.flatMap((id) => {
        const rowId = index.get(id);
        return rowId === undefined ? [] : [clone(state.syncRecords.get(rowId)!)];
      });
    },
    async getByRemoteIds(syncConfigId, remoteIds) {
      const index = state.recordsByRemote.get(syncConfigId);
      if (!index) return [];
      return remoteIds.flatMap((id) => {
        const rowId = index.get(id);
        return rowId === undefined ? [] : [clone(state.syncRecords.get(rowId)!)];
      });
    },
    async list(filter) {
      const f = parseWith(syncRecordFilterSchema, filter, 'syncRecords.list');
      const statuses = f.status === undefined ? undefined : Array.isArray(f.status) ? f.status : [f.status];
      const out: SyncRecord[] = [];
      // Filter first, then sort what is left: a status query (the engine's retries) stays cheap.
      const matching = [...state.syncRecords.values()]
        .filter(
          (r) =>
            r.syncConfigId === f.syncConfigId &&
            (f.after === undefined || r.id > f.after) &&
            (!statuses || statuses.includes(r.syncStatus)) &&
            (f.generationBelow === undefined || r.generation < f.generationBelow),
        )
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      for (const r of matching) {
        out.push(clone(r));
        if (out.length >= f.limit) break;
      }
      return out;
    },
    async count(filter) {
      let n = 0;
      for (const r of state.syncRecords.values()) {
        if (
          r.syncConfigId === filter.syncConfigId &&
          (filter.status === undefined || r.syncStatus === filter.status)
        )
          n++;
      }
      return n;
    },
    async delete(ids) {
      let n = 0;
      for (const id of new Set(ids)) {
        const row = state.syncRecords.get(id);
        if (!row) continue;
        remove(row);
        n++;
      }
      return n;
    },
  };
}
