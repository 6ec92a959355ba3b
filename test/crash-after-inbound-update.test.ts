/*
 * A crash between an inbound host write and its link write, then another provider edit: the
 * host holds our own earlier write, which must not be taken for a host edit (found by the
 * scenario tests; inbound updates are now marked on their links before the host write).
 */
import { memoryLocalStore, memoryStorage } from '@syncbridge/core';
import { describe, expect, it } from 'vitest';
import { crashable } from './support/crashable.js';
import { fakeBridge } from './support/fake-bridge.js';

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
    // The mark is written, the host gets "Ada v2", then the final link write dies: the link keeps base "Ada".
    storage.crashLinkWriteAfter(1);
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
