import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../../storage/memory/memory-storage.js';
import type { StorageAdapter } from '../../storage/storage-adapter.js';
import { crashable } from './crashable-storage.js';
import { setup } from './harness.js';

type Op =
  | { kind: 'localEdit'; index: number; value: string }
  | { kind: 'localCreate'; value: string }
  | { kind: 'localDelete'; index: number }
  | { kind: 'remoteEdit'; index: number; value: string }
  | { kind: 'remoteCreate'; value: string }
  | { kind: 'remoteDelete'; index: number }
  | { kind: 'sync'; type: 'full' | 'incremental' }
  | { kind: 'notify'; indexes: number[] }
  | { kind: 'fail'; op: 'list' | 'getMany' | 'create' | 'update' | 'changes' }
  | { kind: 'crash' };

const value = fc.constantFrom('a', 'b', 'c', 'd');
const index = fc.nat({ max: 9 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('localEdit' as const), index, value }),
  fc.record({ kind: fc.constant('localCreate' as const), value }),
  fc.record({ kind: fc.constant('localDelete' as const), index }),
  fc.record({ kind: fc.constant('remoteEdit' as const), index, value }),
  fc.record({ kind: fc.constant('remoteCreate' as const), value }),
  fc.record({ kind: fc.constant('remoteDelete' as const), index }),
  fc.record({
    kind: fc.constant('sync' as const),
    type: fc.constantFrom('full' as const, 'incremental' as const),
  }),
  fc.record({ kind: fc.constant('notify' as const), indexes: fc.array(index, { maxLength: 4 }) }),
  fc.record({
    kind: fc.constant('fail' as const),
    op: fc.constantFrom(
      'list' as const,
      'getMany' as const,
      'create' as const,
      'update' as const,
      'changes' as const,
    ),
  }),
  fc.record({ kind: fc.constant('crash' as const) }),
);

/**
 * Random histories of edits on both sides, deletes, syncs, duplicated and reordered
 * notifications, provider failures and crashes. After quiescence both sides hold the same
 * records (those held for review excepted), nothing is duplicated, and the provider saw no more
 * writes than the host made real changes (no echo storms).
 */
export async function checkConvergence(
  makeStorage: () => Promise<StorageAdapter> | StorageAdapter,
  runs: number,
) {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 30 }), async (ops) => {
      const storage = crashable(await makeStorage());
      const s = await setup({ storage });
      let engine = s.engine;
      let localChanges = 0;
      let seq = 0;
      const localIds = () => s.local.all().map((r) => r.id);
      const remoteIds = () => s.remote.all('contact').map((r) => r.id);
      for (const o of ops) {
        switch (o.kind) {
          case 'localEdit': {
            const id = localIds()[o.index];
            const current = id ? (await s.local.get([id]))[0] : undefined;
            if (current && current.data.name !== `L-${o.value}-${id}`) {
              await s.local.upsert([
                { id: current.id, data: { ...current.data, name: `L-${o.value}-${id}` } },
              ]);
              localChanges++;
            }
            break;
          }
          case 'localCreate':
            await s.local.upsert([
              { id: `local-${++seq}`, data: { name: `L-new-${seq}`, email: `${o.value}@x` } },
            ]);
            localChanges++;
            break;
          case 'localDelete': {
            const id = localIds()[o.index];
            if (id) {
              await s.local.delete([id]);
              localChanges++;
            }
            break;
          }
          case 'remoteEdit': {
            const id = remoteIds()[o.index];
            if (id) s.remote.put('contact', { id, name: `R-${o.value}-${id}` });
            break;
          }
          case 'remoteCreate':
            s.remote.put('contact', { name: `R-new-${++seq}`, email: `${o.value}@x` });
            break;
          case 'remoteDelete': {
            const id = remoteIds()[o.index];
            if (id) s.remote.remove('contact', id);
            break;
          }
          case 'sync':
            await engine.run(s.integrationId, { type: o.type });
            break;
          case 'notify': {
            const ids = o.indexes.map((i) => localIds()[i] ?? `gone-${i}`);
            // Duplicated and reordered notifications.
            await engine.push('customer', [...ids, ...ids].reverse());
            break;
          }
          case 'fail':
            s.remote.failNext(o.op, 'server');
            break;
          case 'crash':
            storage.crashNextLinkWrite();
            engine = s.restart();
            break;
        }
      }
      // Quiescence: a clean process, no failures pending, sync both ways until nothing changes.
      s.remote.clearFailures();
      storage.disarm();
      for (let i = 0; i < 2; i++) {
        engine = s.restart();
        await engine.run(s.integrationId, { type: 'full' });
      }
      const held = new Set(
        (
          await storage.syncRecords.list({ syncConfigId: s.config.id, status: 'conflict', limit: 10_000 })
        ).flatMap((l) => [l.localId, l.remoteId]),
      );
      const localNames = s.local
        .all()
        .filter((r) => !held.has(r.id))
        .map((r) => `${r.data.name}|${r.data.email}`)
        .sort();
      const remoteNames = s.remote
        .all('contact')
        .filter((r) => !held.has(r.id))
        .map((r) => `${r.name}|${r.email}`)
        .sort();
      expect(localNames).toEqual(remoteNames);
      const links = await storage.syncRecords.list({ syncConfigId: s.config.id, limit: 10_000 });
      const live = links.filter((l) => l.deletedAt === null);
      expect(new Set(live.map((l) => l.remoteId)).size).toBe(live.length);
      expect(new Set(live.map((l) => l.localId)).size).toBe(live.length);
      const writes = s.remote.writes.create + s.remote.writes.update + s.remote.writes.delete;
      expect(writes).toBeLessThanOrEqual(localChanges);
    }),
    { numRuns: runs },
  );
}

describe('sync model (property)', () => {
  it('converges with no duplicates and no echo storms on memory storage', async () => {
    await checkConvergence(() => memoryStorage(), Number(process.env.MODEL_RUNS ?? 60));
  }, 120_000);
});
