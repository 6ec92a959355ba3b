/*
 * A crash between a provider create and the commit of its link: the next run replays the create (same idempotency key) before any provider record is applied, so nothing is duplicated.
 * (Found by the scenario tests; kept as regression tests.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, sqlWorkspace, type TestDatabase } from './support/databases.js';
import { fakeBridge, rowsOf } from './support/fake-bridge.js';
import { mortal } from './support/mortal.js';

describe('crash between a provider create and its commit (PGlite)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openPglite();
  });
  afterAll(async () => {
    await db.close();
  });

  it.each(['full', 'incremental'] as const)('a %s run afterwards duplicates nothing', async (type) => {
    const workspace = await sqlWorkspace(db);
    let f: Awaited<ReturnType<typeof fakeBridge>> | undefined;
    const storage = mortal(workspace.storage, () => (f?.remote.writes.create ?? 0) >= 1);
    f = await fakeBridge({ storage, local: workspace.local });
    await f.bridge.sync.run(f.integrationId, { type: 'full' });
    await workspace.local.store.upsert([{ id: 'host-0', data: { name: 'Host 0', email: 'h0@example.com' } }]);
    await expect(f.bridge.sync.run(f.integrationId, { type: 'incremental' })).rejects.toThrow(/process died/);
    const restarted = await f.restart(workspace.storage);
    await restarted.sync.run(f.integrationId, { type });
    const local = (await workspace.local.all()).map((r) => r.data);
    expect(rowsOf(local)).toEqual(rowsOf(f.remote.all('contact')));
    expect(f.remote.writes.create).toBe(1);
    await restarted.close();
    await workspace.dispose();
  });
});
