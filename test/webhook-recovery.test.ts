/*
 * Webhook recovery as createSyncBridge wires it: a process that stored a delivery and died
 * before processing it leaves the event in the inbox; the next bridge on the same storage
 * processes it when it starts, and a redelivery of the same event is a duplicate.
 */
import type { BridgeEvents } from '@syncbridge/core';
import { signFakeWebhook } from '@syncbridge/testing';
import { describe, expect, it } from 'vitest';
import { sqlBackends } from './support/databases.js';
import { fakeBridge, rowsOf, WEBHOOK_SECRET } from './support/fake-bridge.js';
import { mortal } from './support/mortal.js';
import { useDatabase } from './support/sql-suite.js';

describe.each(sqlBackends())('webhook recovery on $name', ({ open }) => {
  const { withWorkspace } = useDatabase(open);

  it('processes an event stored just before a crash when the next bridge starts', () =>
    withWorkspace(async (workspace) => {
      // The process dies right after the event's row is written, before anything processes it.
      const storage = mortal(workspace.storage, () => true, 'webhooks.recordDelivery');
      const f = await fakeBridge({ storage, local: workspace.local });
      await f.bridge.webhooks.register({ integrationId: f.integrationId, secret: WEBHOOK_SECRET });
      const created = f.remote.put('contact', { name: 'From webhook', email: 'w@example.com' });
      const body = JSON.stringify({
        events: [{ id: 'evt_crash_1', entity: 'contact', objectId: created.id, type: 'upsert' }],
      });
      const delivery = { provider: 'fake', headers: signFakeWebhook(body, WEBHOOK_SECRET), body };
      // The provider got no 2xx (the host answers 500) and will redeliver.
      await expect(f.bridge.webhooks.receive(delivery)).rejects.toThrow(/process died/);
      expect(storage.dead).toBe(true);
      const [stored] = await workspace.storage.webhookEvents.list({});
      expect(stored).toMatchObject({ eventId: 'evt_crash_1', status: 'pending' });
      expect(await workspace.local.all()).toEqual([]);

      const restarted = f.spawn(workspace.storage);
      try {
        const processed = new Promise<BridgeEvents['webhook.processed']>((resolve) =>
          restarted.once('webhook.processed', resolve),
        );
        // Any first call starts the bridge, which picks up what the dead process left.
        await restarted.integrations.list();
        expect(await processed).toMatchObject({ eventId: 'evt_crash_1', status: 'processed' });
        expect(rowsOf((await workspace.local.all()).map((r) => r.data))).toEqual([
          'From webhook|w@example.com',
        ]);
        // The provider's redelivery is acknowledged as a duplicate and changes nothing.
        expect(await restarted.webhooks.receive(delivery)).toMatchObject({
          status: 200,
          body: { received: 0, duplicates: 1 },
        });
        await restarted.webhooks.process();
        expect(await restarted.webhooks.events()).toMatchObject([
          { eventId: 'evt_crash_1', status: 'processed' },
        ]);
        expect(await workspace.local.all()).toHaveLength(1);
      } finally {
        await restarted.close();
      }
    }));

  it('processes an event whose processing a crash interrupted once its lease has lapsed, not before', () =>
    withWorkspace(async (workspace) => {
      let crashing = false;
      // The process dies while applying the event (at its first link write).
      const storage = mortal(workspace.storage, () => crashing);
      const f = await fakeBridge({ storage, local: workspace.local });
      await f.bridge.webhooks.register({ integrationId: f.integrationId, secret: WEBHOOK_SECRET });
      const created = f.remote.put('contact', { name: 'Leased', email: 'l@example.com' });
      const body = JSON.stringify({
        events: [{ id: 'evt_lease_1', entity: 'contact', objectId: created.id, type: 'upsert' }],
      });
      crashing = true;
      const reply = await f.bridge.webhooks.receive({
        provider: 'fake',
        headers: signFakeWebhook(body, WEBHOOK_SECRET),
        body,
      });
      expect(reply.status).toBe(200);
      // Processing starts now (the delivery's own background drain joins this one) and dies.
      await expect(f.bridge.webhooks.process()).rejects.toThrow(/process died/);
      expect(await workspace.storage.webhookEvents.list({})).toMatchObject([
        { eventId: 'evt_lease_1', status: 'processing' },
      ]);

      const restarted = f.spawn(workspace.storage);
      try {
        // Another worker may still hold the lease: the event waits.
        await restarted.webhooks.process();
        expect(await restarted.webhooks.events()).toMatchObject([
          { eventId: 'evt_lease_1', status: 'processing' },
        ]);
        expect(await workspace.local.all()).toEqual([]);
        f.remote.advance(60_001); // the default lease is 60 s
        await restarted.webhooks.process();
        expect(await restarted.webhooks.events()).toMatchObject([
          { eventId: 'evt_lease_1', status: 'processed' },
        ]);
        expect(rowsOf((await workspace.local.all()).map((r) => r.data))).toEqual(['Leased|l@example.com']);
      } finally {
        await restarted.close();
      }
    }));
});
