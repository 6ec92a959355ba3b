/*
 * The scheduler as createSyncBridge wires it: two bridges (two processes' worth, each with its
 * own storage adapter) on one database run their schedulers at the same moment; each sync config
 * is synced by one of them at a time, and the result is exact.
 */
import type { PostgresStorage } from '@syncbridge/storage-postgres';
import { postgresStorage } from '@syncbridge/storage-postgres';
import { describe, expect, it } from 'vitest';
import { sqlBackends } from './support/databases.js';
import { fakeBridge, rowsOf } from './support/fake-bridge.js';
import { useDatabase } from './support/sql-suite.js';

describe.each(sqlBackends())('scheduler across two bridges on $name', ({ open }) => {
  const { db, withWorkspace } = useDatabase(open);

  it('never syncs a config twice at once when two schedulers find it due together', () =>
    withWorkspace(async (workspace) => {
      // No change feed: full and incremental passes both list, so every pass is seen here.
      const f = await fakeBridge({
        storage: workspace.storage,
        local: workspace.local,
        connector: { changeFeed: false },
      });
      const entity = f.connector.entities.contact!;
      const list = entity.list.bind(entity);
      let active = 0;
      let maxActive = 0;
      let listings = 0;
      Object.assign(entity, {
        list: async function* (...args: Parameters<typeof list>) {
          active++;
          listings++;
          maxActive = Math.max(maxActive, active);
          try {
            for await (const page of list(...args)) {
              // Give the other bridge's run turns of the event loop while this page is in flight.
              for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
              yield page;
            }
          } finally {
            active--;
          }
        },
      });
      f.remote.seed(
        'contact',
        Array.from({ length: 120 }, (_, i) => ({ name: `Person ${i}`, email: `p${i}@example.com` })),
      );
      await f.bridge.integrations.update(f.integrationId, { syncFrequencyMinutes: 15 });
      const schema = (workspace.storage as PostgresStorage).schema;
      const other = f.spawn(postgresStorage({ ...db().connection, schema }));
      try {
        await Promise.all([f.bridge.internals.scheduler.runDue(), other.internals.scheduler.runDue()]);
        // Both schedulers found the integration due and ran it, one after the other.
        expect(listings).toBe(2);
        expect(maxActive).toBe(1);
        expect(await f.bridge.sync.history(f.integrationId)).toHaveLength(2);
        expect(rowsOf((await workspace.local.all()).map((r) => r.data))).toEqual(
          rowsOf(f.remote.all('contact')),
        );
        const links = await workspace.storage.syncRecords.list({ syncConfigId: f.syncConfigId, limit: 1000 });
        expect(links).toHaveLength(120);
      } finally {
        await other.close();
        await f.bridge.close();
      }
    }));
});
