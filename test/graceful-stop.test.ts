/*
 * sync.stop() as createSyncBridge wires it: the running full sync finishes the page it is on,
 * stops, and the next run resumes from that page's checkpoint rather than starting over.
 */
import { describe, expect, it } from 'vitest';
import { sqlBackends } from './support/databases.js';
import { fakeBridge, rowsOf } from './support/fake-bridge.js';
import { useDatabase } from './support/sql-suite.js';

describe.each(sqlBackends())('graceful stop on $name', ({ open }) => {
  const { withWorkspace } = useDatabase(open);

  it('lets the current page finish and resumes from its checkpoint on the next run', () =>
    withWorkspace(async (workspace) => {
      const f = await fakeBridge({ storage: workspace.storage, local: workspace.local });
      const entity = f.connector.entities.contact!;
      const list = entity.list.bind(entity);
      const cursors: (string | null)[] = [];
      Object.assign(entity, {
        list: (...args: Parameters<typeof list>) => {
          cursors.push(args[1].cursor);
          return list(...args);
        },
      });
      f.remote.seed(
        'contact',
        Array.from({ length: 45 }, (_, i) => ({ name: `Person ${i}`, email: `p${i}@example.com` })),
      );
      let stopping: Promise<void> | undefined;
      f.bridge.once('sync.progress', () => {
        stopping = f.bridge.sync.stop();
      });
      const stopped = await f.bridge.sync.run(f.integrationId, { type: 'full' });
      await stopping;
      // The first page (10 records) was written whole, and nothing after it.
      expect(stopped).toMatchObject({ status: 'partial', recordsProcessed: 10, recordsCreated: 10 });
      expect(stopped.errorMessage).toMatch(/stopped/);
      expect(await workspace.local.all()).toHaveLength(10);
      const firstPage = f.remote.all('contact')[9]!.id;

      const resumed = await f.bridge.sync.run(f.integrationId, { type: 'full' });
      expect(resumed).toMatchObject({ status: 'completed', recordsProcessed: 35, recordsCreated: 35 });
      expect(cursors).toEqual([null, firstPage]);
      expect(rowsOf((await workspace.local.all()).map((r) => r.data))).toEqual(
        rowsOf(f.remote.all('contact')),
      );
      const links = await workspace.storage.syncRecords.list({ syncConfigId: f.syncConfigId, limit: 100 });
      expect(links).toHaveLength(45);
      await f.bridge.close();
    }));
});
