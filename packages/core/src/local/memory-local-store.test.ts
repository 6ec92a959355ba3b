import { describe, expect, it } from 'vitest';
import { memoryLocalStore } from './memory-local-store.js';

describe('memoryLocalStore', () => {
  it('gets known ids only, upserts by id and deletes', async () => {
    const store = memoryLocalStore([{ id: 'a', data: { name: 'A' } }]);
    await store.upsert([
      { id: 'b', data: { name: 'B' } },
      { id: 'a', data: { name: 'A2' } },
    ]);
    expect((await store.get(['a', 'b', 'zz'])).map((r) => [r.id, r.data.name])).toEqual([
      ['a', 'A2'],
      ['b', 'B'],
    ]);
    await store.delete(['a', 'missing']);
    expect(store.size).toBe(1);
    expect(store.all().map((r) => r.id)).toEqual(['b']);
  });

  it('returns copies, so callers cannot change stored data by mutation', async () => {
    const store = memoryLocalStore([{ id: 'a', data: { name: 'A' } }]);
    const [row] = await store.get(['a']);
    (row!.data as { name: string }).name = 'changed';
    expect((await store.get(['a']))[0]!.data.name).toBe('A');
  });

  it('reports changes and deletions after a cursor, page by page', async () => {
    const store = memoryLocalStore();
    await store.upsert([
      { id: 'a', data: {} },
      { id: 'b', data: {} },
      { id: 'c', data: {} },
    ]);
    const first = await store.changedSince!(null, 2);
    expect(first.records.map((r) => r.id)).toEqual(['a', 'b']);
    const second = await store.changedSince!(first.cursor, 2);
    expect(second.records.map((r) => r.id)).toEqual(['c']);
    await store.upsert([{ id: 'a', data: { v: 2 } }]);
    await store.delete(['b']);
    const third = await store.changedSince!(second.cursor, 10);
    expect(third.records.map((r) => r.id)).toEqual(['a']);
    expect(third.deletedIds).toEqual(['b']);
    const none = await store.changedSince!(third.cursor, 10);
    expect(none.records).toEqual([]);
    expect(none.deletedIds).toEqual([]);
  });
});
