/*
 * changes.notify with no ids settles at once.
 * (Found by the scenario tests; kept as regression tests.)
 */
import { memoryLocalStore, memoryStorage } from '@syncbridge/core';
import { describe, expect, it } from 'vitest';
import { fakeBridge } from './support/fake-bridge.js';

describe('changes.notify', () => {
  it('settles a notification that names no records', async () => {
    const local = memoryLocalStore();
    const f = await fakeBridge({
      storage: memoryStorage(),
      local: { store: local, all: async () => local.all() },
    });
    const outcome = await Promise.race([
      f.bridge.changes.notify('customer', []).then(() => 'settled'),
      new Promise((resolve) => setImmediate(() => setImmediate(() => setImmediate(resolve)))).then(
        () => 'pending',
      ),
    ]);
    expect(outcome).toBe('settled');
    await f.bridge.close();
  });
});
