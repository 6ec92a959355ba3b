import { isConflictError, isNotFoundError, isValidationError, type SyncRecordInput } from '@syncbridge/core';
import { describe, expect } from 'vitest';
import { type SuiteHarness, seedConfig } from './harness.js';

/** Sync records (the link table), sync logs and checkpoints. */
export function recordCases(h: SuiteHarness): void {
  describe('sync records', () => {
    h.case('upserts, reads by local and remote ids, and replaces by id', async () => {
      const { config } = await seedConfig(h.storage);
      const [a, b] = await h.storage.syncRecords.upsert([
        {
          syncConfigId: config.id,
          localId: 'l1',
          remoteId: 'r1',
          base: { name: 'A' },
          baseHash: 'h1',
          generation: 1,
        },
        {
          syncConfigId: config.id,
          localId: 'l2',
          remoteId: null,
          syncStatus: 'pending_outbound',
          pending: { op: 'create' },
        },
      ]);
      expect(a).toMatchObject({
        localId: 'l1',
        remoteId: 'r1',
        base: { name: 'A' },
        syncStatus: 'synced',
        generation: 1,
      });
      expect(b).toMatchObject({ remoteId: null, syncStatus: 'pending_outbound', pending: { op: 'create' } });
      expect(
        (await h.storage.syncRecords.getByLocalIds(config.id, ['l1', 'l2', 'nope'])).map((r) => r.id).sort(),
      ).toEqual([a!.id, b!.id].sort());
      expect(await h.storage.syncRecords.getByRemoteIds(config.id, ['r1', 'nope'])).toEqual([a]);
      const [b2] = await h.storage.syncRecords.upsert([
        { ...b!, remoteId: 'r2', syncStatus: 'synced', pending: null },
      ]);
      expect(b2).toMatchObject({ id: b!.id, remoteId: 'r2', syncStatus: 'synced', pending: null });
      expect(b2!.createdAt.getTime()).toBe(b!.createdAt.getTime());
      expect(await h.storage.syncRecords.getByRemoteIds(config.id, ['r2'])).toEqual([b2]);
      expect(await h.storage.syncRecords.count({ syncConfigId: config.id })).toBe(2);
      expect(await h.storage.syncRecords.upsert([])).toEqual([]);
    });

    h.case('enforces unique local id and unique remote id per sync config, all or nothing', async () => {
      const { integration, config } = await seedConfig(h.storage);
      await h.storage.syncRecords.upsert([{ syncConfigId: config.id, localId: 'l1', remoteId: 'r1' }]);
      for (const clash of [
        { syncConfigId: config.id, localId: 'l1', remoteId: 'r9' },
        { syncConfigId: config.id, localId: 'l9', remoteId: 'r1' },
      ]) {
        const error = await h.storage.syncRecords
          .upsert([{ syncConfigId: config.id, localId: 'fresh', remoteId: 'fresh' }, clash])
          .catch((e) => e);
        expect(error.code, JSON.stringify(clash)).toBe('STORAGE_UNIQUE_VIOLATION');
      }
      // Nothing of the failed batches was written.
      expect(await h.storage.syncRecords.getByLocalIds(config.id, ['fresh'])).toEqual([]);
      if (h.probe) expect(await h.probe.count('sync_records')).toBe(1);
      // The same ids in another sync config are fine; several links may have no remote id yet.
      const other = await h.storage.syncConfigs.create({
        integrationId: integration.id,
        localEntity: 'c',
        remoteEntity: 'V',
      });
      await h.storage.syncRecords.upsert([
        { syncConfigId: other.id, localId: 'l1', remoteId: 'r1' },
        { syncConfigId: other.id, localId: 'l2' },
        { syncConfigId: other.id, localId: 'l3' },
      ]);
      expect(await h.storage.syncRecords.count({ syncConfigId: other.id })).toBe(3);
    });

    h.case(
      'bulk upserts 10,000 sync records and reads them back by id lists',
      async () => {
        const { config } = await seedConfig(h.storage);
        const n = 10_000;
        const input: SyncRecordInput[] = Array.from({ length: n }, (_, i) => ({
          syncConfigId: config.id,
          localId: `l${i}`,
          remoteId: `r${i}`,
          base: { i, name: `Customer ${i}` },
          baseHash: `h${i}`,
          generation: 7,
        }));
        const stored = await h.storage.syncRecords.upsert(input);
        expect(stored).toHaveLength(n);
        expect(await h.storage.syncRecords.count({ syncConfigId: config.id })).toBe(n);
        if (h.probe) expect(await h.probe.count('sync_records', { sync_config_id: config.id })).toBe(n);
        const ids = Array.from({ length: n }, (_, i) => `r${i}`);
        const back = await h.storage.syncRecords.getByRemoteIds(config.id, ids);
        expect(back).toHaveLength(n);
        const byRemote = new Map(back.map((r) => [r.remoteId, r]));
        expect(byRemote.get('r4321')).toMatchObject({
          localId: 'l4321',
          base: { i: 4321 },
          baseHash: 'h4321',
        });
        // Update all of them in one call.
        const updated = await h.storage.syncRecords.upsert(stored.map((r) => ({ ...r, generation: 8 })));
        expect(updated.every((r) => r.generation === 8)).toBe(true);
        expect(await h.storage.syncRecords.count({ syncConfigId: config.id })).toBe(n);
      },
      120_000,
    );

    h.case('pages through links in id order, filtered by status and generation', async () => {
      const { config } = await seedConfig(h.storage);
      await h.storage.syncRecords.upsert(
        Array.from({ length: 25 }, (_, i) => ({
          syncConfigId: config.id,
          localId: `l${i}`,
          remoteId: `r${i}`,
          generation: i < 10 ? 1 : 2,
          syncStatus: i % 5 === 0 ? ('conflict' as const) : ('synced' as const),
        })),
      );
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await h.storage.syncRecords.list({
          syncConfigId: config.id,
          limit: 7,
          ...(after ? { after } : {}),
        });
        if (page.length === 0) break;
        seen.push(...page.map((r) => r.id));
        after = page.at(-1)!.id;
      }
      expect(seen).toHaveLength(25);
      expect([...seen].sort()).toEqual(seen);
      expect(await h.storage.syncRecords.list({ syncConfigId: config.id, generationBelow: 2 })).toHaveLength(
        10,
      );
      expect(await h.storage.syncRecords.list({ syncConfigId: config.id, status: 'conflict' })).toHaveLength(
        5,
      );
      expect(await h.storage.syncRecords.count({ syncConfigId: config.id, status: 'conflict' })).toBe(5);
    });

    h.case('deletes links by id and reports how many existed', async () => {
      const { config } = await seedConfig(h.storage);
      const rows = await h.storage.syncRecords.upsert([
        { syncConfigId: config.id, localId: 'a', remoteId: 'ra' },
        { syncConfigId: config.id, localId: 'b', remoteId: 'rb' },
      ]);
      expect(await h.storage.syncRecords.delete([rows[0]!.id, 'missing'])).toBe(1);
      expect(await h.storage.syncRecords.get(rows[0]!.id)).toBeNull();
      // Its ids are free again.
      await h.storage.syncRecords.upsert([{ syncConfigId: config.id, localId: 'a', remoteId: 'ra' }]);
      expect(await h.storage.syncRecords.delete([])).toBe(0);
    });

    h.case(
      'keeps JSON fields as JSON: a Date comes back as its ISO string, undefined properties vanish',
      async () => {
        const { config } = await seedConfig(h.storage);
        const at = new Date('2026-02-03T04:05:06.000Z');
        const [row] = await h.storage.syncRecords.upsert([
          {
            syncConfigId: config.id,
            localId: 'l1',
            base: { at, gone: undefined, n: 1 },
            pending: { when: at },
          },
        ]);
        for (const r of [row, await h.storage.syncRecords.get(row!.id)]) {
          expect(r!.base).toEqual({ at: '2026-02-03T04:05:06.000Z', n: 1 });
          expect(r!.pending).toEqual({ when: '2026-02-03T04:05:06.000Z' });
        }
        const cp = await h.storage.checkpoints.put({
          syncConfigId: config.id,
          key: 'k',
          value: { at },
          expectedVersion: null,
        });
        expect(cp.value).toEqual({ at: '2026-02-03T04:05:06.000Z' });
      },
    );

    h.case('rejects a sync record with an unknown status', async () => {
      const { config } = await seedConfig(h.storage);
      const error = await h.storage.syncRecords
        .upsert([{ syncConfigId: config.id, localId: 'a', syncStatus: 'lost' as never }])
        .catch((e) => e);
      expect(isValidationError(error)).toBe(true);
      expect(await h.storage.syncRecords.count({ syncConfigId: config.id })).toBe(0);
    });
  });

  describe('sync logs', () => {
    h.case('creates a run, updates its counters and lists newest first', async () => {
      const { integration, config } = await seedConfig(h.storage);
      const first = await h.storage.syncLogs.create({
        integrationId: integration.id,
        syncConfigId: config.id,
        syncType: 'full',
        startedAt: new Date('2026-01-01T00:00:00Z'),
        triggeredBy: 'user:1',
      });
      expect(first).toMatchObject({
        status: 'pending',
        recordsProcessed: 0,
        errors: [],
        triggeredBy: 'user:1',
      });
      const done = await h.storage.syncLogs.update(first.id, {
        status: 'partial',
        recordsProcessed: 10,
        recordsCreated: 5,
        recordsUpdated: 3,
        recordsSkipped: 1,
        recordsFailed: 1,
        errors: [{ remoteId: 'r9', code: 'VALIDATION_FAILED', message: 'name is required' }],
        completedAt: new Date('2026-01-01T00:00:05Z'),
        durationMs: 5000,
      });
      expect(done).toMatchObject({ status: 'partial', recordsFailed: 1, durationMs: 5000 });
      expect(done.errors[0]).toMatchObject({ remoteId: 'r9', code: 'VALIDATION_FAILED' });
      const second = await h.storage.syncLogs.create({
        integrationId: integration.id,
        syncType: 'incremental',
        startedAt: new Date('2026-01-02T00:00:00Z'),
      });
      expect((await h.storage.syncLogs.list({ integrationId: integration.id })).map((l) => l.id)).toEqual([
        second.id,
        first.id,
      ]);
      expect(await h.storage.syncLogs.list({ status: 'partial' })).toHaveLength(1);
      expect(await h.storage.syncLogs.list({ integrationId: integration.id, limit: 1 })).toHaveLength(1);
      const bad = await h.storage.syncLogs
        .create({ integrationId: integration.id, syncType: 'hourly' as never })
        .catch((e) => e);
      expect(isValidationError(bad)).toBe(true);
      expect(
        isNotFoundError(await h.storage.syncLogs.update('missing', { status: 'failed' }).catch((e) => e)),
      ).toBe(true);
    });
  });

  describe('checkpoints', () => {
    h.case('writes checkpoints with optimistic versions and rejects a stale version', async () => {
      const { config } = await seedConfig(h.storage);
      expect(await h.storage.checkpoints.get(config.id, 'full')).toBeNull();
      const v1 = await h.storage.checkpoints.put({
        syncConfigId: config.id,
        key: 'full',
        value: { cursor: 'a' },
        expectedVersion: null,
      });
      expect(v1).toMatchObject({ version: 1, value: { cursor: 'a' } });
      const v2 = await h.storage.checkpoints.put({
        syncConfigId: config.id,
        key: 'full',
        value: { cursor: 'b' },
        expectedVersion: 1,
      });
      expect(v2.version).toBe(2);
      for (const expectedVersion of [1, null, 5]) {
        const error = await h.storage.checkpoints
          .put({ syncConfigId: config.id, key: 'full', value: { cursor: 'stale' }, expectedVersion })
          .catch((e) => e);
        expect(isConflictError(error), String(expectedVersion)).toBe(true);
        expect(error.code).toBe('STALE_VERSION');
      }
      expect(await h.storage.checkpoints.get(config.id, 'full')).toMatchObject({
        version: 2,
        value: { cursor: 'b' },
      });
      await h.storage.checkpoints.put({
        syncConfigId: config.id,
        key: 'incremental',
        value: 'x',
        expectedVersion: null,
      });
      expect(await h.storage.checkpoints.delete(config.id, 'full')).toBe(1);
      expect(await h.storage.checkpoints.get(config.id, 'full')).toBeNull();
      expect(await h.storage.checkpoints.get(config.id, 'incremental')).not.toBeNull();
    });

    h.case('lets exactly one of two concurrent writers advance a checkpoint', async () => {
      const { config } = await seedConfig(h.storage);
      await h.storage.checkpoints.put({ syncConfigId: config.id, key: 'k', value: 0, expectedVersion: null });
      const results = await Promise.allSettled(
        [1, 2].map((value) =>
          h.storage.checkpoints.put({ syncConfigId: config.id, key: 'k', value, expectedVersion: 1 }),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect((await h.storage.checkpoints.get(config.id, 'k'))?.version).toBe(2);
    });
  });
}
