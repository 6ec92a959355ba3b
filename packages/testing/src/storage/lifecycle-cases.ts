import { isNotFoundError } from '@syncbridge/core';
import { describe, expect } from 'vitest';
import { type SuiteHarness, seedConfig } from './harness.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Cascades, transactions and locks. */
export function lifecycleCases(h: SuiteHarness): void {
  describe('cascades', () => {
    h.case(
      'deleting an integration removes its configs, mappings, records, logs, checkpoints and webhooks',
      async () => {
        const { integration, config } = await seedConfig(h.storage);
        const keep = await seedConfig(h.storage, 'org_2');
        for (const { integration: i, config: c } of [{ integration, config }, keep]) {
          await h.storage.fieldMappings.replace(c.id, [{ localField: 'a', remoteField: '$.a' }]);
          await h.storage.syncRecords.upsert([{ syncConfigId: c.id, localId: 'l', remoteId: 'r' }]);
          await h.storage.syncLogs.create({ integrationId: i.id, syncConfigId: c.id, syncType: 'full' });
          await h.storage.checkpoints.put({
            syncConfigId: c.id,
            key: 'full',
            value: 1,
            expectedVersion: null,
          });
          await h.storage.webhooks.create({ integrationId: i.id, provider: 'acme' });
        }
        const { event } = await h.storage.webhookEvents.insert({
          provider: 'acme',
          eventId: 'e1',
          integrationId: integration.id,
          payload: {},
        });
        expect(await h.storage.integrations.delete(integration.id)).toBe(true);
        expect(await h.storage.integrations.get(integration.id)).toBeNull();
        expect(await h.storage.syncConfigs.get(config.id)).toBeNull();
        expect(await h.storage.fieldMappings.list(config.id)).toEqual([]);
        expect(await h.storage.syncRecords.getByLocalIds(config.id, ['l'])).toEqual([]);
        expect(await h.storage.syncLogs.list({ integrationId: integration.id })).toEqual([]);
        expect(await h.storage.checkpoints.get(config.id, 'full')).toBeNull();
        expect(await h.storage.webhooks.list({ integrationId: integration.id })).toEqual([]);
        // The inbox keeps its audit trail, detached from the deleted integration.
        expect((await h.storage.webhookEvents.get(event.id))?.integrationId).toBeNull();
        if (h.probe) {
          expect(await h.probe.count('sync_configs', { integration_id: integration.id })).toBe(0);
          expect(await h.probe.count('sync_records', { sync_config_id: config.id })).toBe(0);
          expect(await h.probe.count('field_mappings', { sync_config_id: config.id })).toBe(0);
          expect(await h.probe.count('integration_webhooks', { integration_id: integration.id })).toBe(0);
        }
        // The other integration is untouched.
        expect(await h.storage.fieldMappings.list(keep.config.id)).toHaveLength(1);
        expect(await h.storage.syncRecords.count({ syncConfigId: keep.config.id })).toBe(1);
        expect(await h.storage.webhooks.list({ integrationId: keep.integration.id })).toHaveLength(1);
      },
    );
  });

  describe('references', () => {
    h.case('rejects rows that point at a missing parent, writing nothing', async () => {
      const { integration } = await seedConfig(h.storage);
      const badLog = await h.storage.syncLogs
        .create({ integrationId: integration.id, syncConfigId: 'missing', syncType: 'full' })
        .catch((e) => e);
      expect(isNotFoundError(badLog), String(badLog)).toBe(true);
      const badEvent = await h.storage.webhookEvents
        .insert({ provider: 'p', eventId: 'e1', integrationId: 'missing', payload: {} })
        .catch((e) => e);
      expect(isNotFoundError(badEvent), String(badEvent)).toBe(true);
      const badHook = await h.storage.webhookEvents
        .insert({ provider: 'p', eventId: 'e2', webhookId: 'missing', payload: {} })
        .catch((e) => e);
      expect(isNotFoundError(badHook), String(badHook)).toBe(true);
      expect(await h.storage.syncLogs.list({ integrationId: integration.id })).toEqual([]);
      expect(await h.storage.webhookEvents.list()).toEqual([]);
    });

    h.case('deleting a webhook registration keeps its events, detached', async () => {
      const { integration } = await seedConfig(h.storage);
      const hook = await h.storage.webhooks.create({ integrationId: integration.id, provider: 'acme' });
      const { event } = await h.storage.webhookEvents.insert({
        provider: 'acme',
        eventId: 'e1',
        integrationId: integration.id,
        webhookId: hook.id,
        payload: {},
      });
      expect(await h.storage.webhooks.delete(hook.id)).toBe(true);
      expect(await h.storage.webhookEvents.get(event.id)).toMatchObject({
        webhookId: null,
        integrationId: integration.id,
      });
    });
  });

  describe('transactions', () => {
    h.case('commits every write of a transaction that resolves', async () => {
      const { config } = await seedConfig(h.storage);
      const value = await h.storage.transaction(async (tx) => {
        await tx.syncRecords.upsert([{ syncConfigId: config.id, localId: 'l1', remoteId: 'r1' }]);
        await tx.checkpoints.put({
          syncConfigId: config.id,
          key: 'full',
          value: 'p1',
          expectedVersion: null,
        });
        return 42;
      });
      expect(value).toBe(42);
      expect(await h.storage.syncRecords.count({ syncConfigId: config.id })).toBe(1);
      expect((await h.storage.checkpoints.get(config.id, 'full'))?.value).toBe('p1');
    });

    h.case('rolls back every write of a transaction that throws, and rethrows', async () => {
      const { integration, config } = await seedConfig(h.storage);
      const [existing] = await h.storage.syncRecords.upsert([
        { syncConfigId: config.id, localId: 'l0', remoteId: 'r0' },
      ]);
      const boom = new Error('boom');
      const error = await h.storage
        .transaction(async (tx) => {
          await tx.syncRecords.upsert([
            { syncConfigId: config.id, localId: 'l1', remoteId: 'r1' },
            { ...existing!, remoteId: 'r0-changed' },
          ]);
          await tx.syncRecords.delete([existing!.id]);
          await tx.checkpoints.put({
            syncConfigId: config.id,
            key: 'full',
            value: 'p1',
            expectedVersion: null,
          });
          await tx.integrations.update(integration.id, { status: 'connected' });
          await tx.syncConfigs.create({ integrationId: integration.id, localEntity: 'x', remoteEntity: 'y' });
          await tx.webhookEvents.insert({ provider: 'p', eventId: 'e', payload: {} });
          throw boom;
        })
        .catch((e) => e);
      expect(error).toBe(boom);
      expect(await h.storage.syncRecords.getByLocalIds(config.id, ['l1'])).toEqual([]);
      expect(await h.storage.syncRecords.get(existing!.id)).toMatchObject({ remoteId: 'r0' });
      expect(await h.storage.syncRecords.getByRemoteIds(config.id, ['r0'])).toHaveLength(1);
      expect(await h.storage.checkpoints.get(config.id, 'full')).toBeNull();
      expect((await h.storage.integrations.get(integration.id))?.status).toBe('disconnected');
      expect(await h.storage.syncConfigs.list({ integrationId: integration.id })).toHaveLength(1);
      expect(await h.storage.webhookEvents.getByEventId('p', 'e')).toBeNull();
      if (h.probe) expect(await h.probe.count('sync_records')).toBe(1);
    });

    h.case('rolls back a transaction whose write breaks a uniqueness rule', async () => {
      const { config } = await seedConfig(h.storage);
      await h.storage.syncRecords.upsert([{ syncConfigId: config.id, localId: 'l1', remoteId: 'r1' }]);
      const error = await h.storage
        .transaction(async (tx) => {
          await tx.syncRecords.upsert([{ syncConfigId: config.id, localId: 'l2', remoteId: 'r2' }]);
          await tx.syncRecords.upsert([{ syncConfigId: config.id, localId: 'l3', remoteId: 'r1' }]);
        })
        .catch((e) => e);
      expect(error.code).toBe('STORAGE_UNIQUE_VIOLATION');
      expect(await h.storage.syncRecords.count({ syncConfigId: config.id })).toBe(1);
    });
  });

  describe('locks', () => {
    h.case('withLock gives mutual exclusion to 20 concurrent callers', async () => {
      let inside = 0;
      let maxInside = 0;
      const order: number[] = [];
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          h.storage.withLock('sync:config-1', async () => {
            inside++;
            maxInside = Math.max(maxInside, inside);
            await sleep(2);
            order.push(i);
            inside--;
          }),
        ),
      );
      expect(maxInside).toBe(1);
      expect(order).toHaveLength(20);
    });

    h.case(
      'withLock releases the lock when the callback throws, and different keys do not block',
      async () => {
        await expect(h.storage.withLock('k', async () => Promise.reject(new Error('x')))).rejects.toThrow(
          'x',
        );
        expect(await h.storage.withLock('k', async () => 'again')).toBe('again');
        let release!: () => void;
        const held = h.storage.withLock('a', () => new Promise<void>((r) => (release = r)));
        await sleep(5);
        expect(await h.storage.withLock('b', async () => 'b runs')).toBe('b runs');
        expect(await h.storage.tryWithLock('a', async () => 'never')).toEqual({ acquired: false });
        release();
        await held;
        expect(await h.storage.tryWithLock('a', async () => 'now')).toEqual({ acquired: true, value: 'now' });
      },
    );
  });
}
