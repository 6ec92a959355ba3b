/*
 * KNOWN BUG (for the lead; kept out of the committed suite because it fails today).
 * Run: pnpm exec vitest run --config test/known-bugs/vitest.config.ts
 *
 * applyRemoteRecords writes the host records first and the links last; inbound.ts says a crash in
 * between "is repaired by the next run (hashes equal on both sides)". That holds only while the
 * provider record stays as it was. If the provider changes it again before the next run, the host
 * holds an earlier provider version that differs from the (old) base, so the engine takes it for
 * a host edit: a conflict, and with `source_priority: local` (or last_write_wins with a later host
 * timestamp) the stale provider value is pushed back over the newer one: a lost provider update
 * and a provider write that no host change caused. Creates are protected by `pending_inbound`
 * intents; updates have none.
 * Fix: store an intent for inbound updates too, before the host write, e.g. the link's
 * `pending: { inboundHash }` (hash of the mapped record being applied) in the same link upsert
 * that creates intents; on the next run treat a host record whose projection hashes to
 * `pending.inboundHash` as unchanged (equal to base), and clear the intent with the final link write.
 */
import { memoryLocalStore, memoryStorage } from '@syncbridge/core';
import { describe, expect, it } from 'vitest';
import { crashable } from '../support/crashable.js';
import { fakeBridge } from '../support/fake-bridge.js';

describe('crash between an inbound host write and its link write', () => {
  it('does not push the stale provider value back when the provider changed the record again', async () => {
    const local = memoryLocalStore();
    const storage = crashable(memoryStorage());
    const f = await fakeBridge({
      storage,
      local: { store: local, all: async () => local.all() },
      conflict: { strategy: 'source_priority', priority: 'local' },
    });
    const [record] = f.remote.seed('contact', [{ name: 'Ada', email: 'ada@example.com' }]);
    await f.bridge.sync.run(f.integrationId, { type: 'full' });
    f.remote.put('contact', { id: record!.id, name: 'Ada v2' });
    storage.crashNextLinkWrite(); // the host gets "Ada v2", the link keeps base "Ada"
    await f.bridge.sync.run(f.integrationId, { type: 'incremental' });
    expect(local.all()[0]!.data.name).toBe('Ada v2');
    f.remote.put('contact', { id: record!.id, name: 'Ada v3' });
    const restarted = await f.restart();
    await restarted.sync.run(f.integrationId, { type: 'incremental' });
    expect(f.remote.get('contact', record!.id)?.name).toBe('Ada v3');
    expect(local.all()[0]!.data.name).toBe('Ada v3');
    expect(f.remote.writes.update).toBe(0);
    await restarted.close();
  });
});
