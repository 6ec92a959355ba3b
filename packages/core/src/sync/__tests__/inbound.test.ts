import { describe, expect, it } from 'vitest';
import { localRows, people, remoteRows, setup } from './harness.js';

describe('inbound sync', () => {
  it('copies every provider record across pages into the host on a full sync', async () => {
    const s = await setup();
    s.remote.seed('contact', people(35));
    const log = await s.engine.run(s.integrationId, { type: 'full' });
    expect(log).toMatchObject({
      status: 'completed',
      recordsProcessed: 35,
      recordsCreated: 35,
      recordsFailed: 0,
    });
    expect(localRows(s)).toEqual(remoteRows(s));
    expect(await s.storage.syncRecords.count({ syncConfigId: s.config.id })).toBe(35);
    expect(s.remote.calls.filter((c) => c.op === 'list')).toHaveLength(4);
  });

  it('skips unchanged records on a second full sync and writes nothing to either side', async () => {
    const s = await setup();
    s.remote.seed('contact', people(12));
    await s.engine.run(s.integrationId, { type: 'full' });
    const before = s.local.changedSince!(null, 1000);
    const log = await s.engine.run(s.integrationId, { type: 'full' });
    expect(log).toMatchObject({
      status: 'completed',
      recordsProcessed: 12,
      recordsSkipped: 12,
      recordsCreated: 0,
      recordsUpdated: 0,
    });
    expect((await s.local.changedSince!((await before).cursor, 1000)).records).toEqual([]);
    expect(s.remote.writes).toEqual({ create: 0, update: 0, delete: 0 });
  });

  it('picks up only changed records from the change feed on an incremental sync', async () => {
    const s = await setup();
    const seeded = s.remote.seed('contact', people(30));
    await s.engine.run(s.integrationId, { type: 'full' });
    s.remote.put('contact', { id: seeded[3]!.id, name: 'Renamed' });
    s.remote.put('contact', { name: 'Brand New', email: 'new@example.com' });
    const calls = s.remote.calls.length;
    const log = await s.engine.run(s.integrationId, { type: 'incremental' });
    expect(log).toMatchObject({
      status: 'completed',
      recordsProcessed: 2,
      recordsCreated: 1,
      recordsUpdated: 1,
    });
    expect(s.remote.calls.slice(calls).map((c) => c.op)).toEqual(['changes', 'getMany']);
    expect(localRows(s)).toEqual(remoteRows(s));
  });

  it('starts the first incremental run where the full pass began, not at the start of the feed', async () => {
    const s = await setup();
    s.remote.put('contact', { name: 'Early A', email: 'a@example.com' });
    const b = s.remote.put('contact', { name: 'Early B', email: 'b@example.com' });
    await s.engine.run(s.integrationId, { type: 'full' });
    s.remote.put('contact', { id: b.id, name: 'Changed B' });
    const log = await s.engine.run(s.integrationId, { type: 'incremental' });
    // Only the change made after the full pass is read, not the feed's history before it.
    expect(log.recordsProcessed).toBe(1);
    expect(localRows(s).map((r) => r.name)).toEqual(['Changed B', 'Early A']);
  });

  it('runs a full pass when an incremental sync has never completed one', async () => {
    const s = await setup();
    s.remote.seed('contact', people(5));
    const log = await s.engine.run(s.integrationId, { type: 'incremental' });
    expect(log.recordsCreated).toBe(5);
  });

  it('deletes the host record when the change feed reports a provider delete', async () => {
    const s = await setup();
    const [a] = s.remote.seed('contact', people(3));
    await s.engine.run(s.integrationId, { type: 'full' });
    s.remote.remove('contact', a!.id);
    await s.engine.run(s.integrationId, { type: 'incremental' });
    expect(localRows(s)).toEqual(remoteRows(s));
    expect(await s.storage.syncRecords.getByRemoteIds(s.config.id, [a!.id])).toEqual([]);
  });

  it('detects deletions on a full sync only after the whole pass succeeded', async () => {
    const s = await setup({ connector: { changeFeed: false } });
    const seeded = s.remote.seed('contact', people(25));
    await s.engine.run(s.integrationId, { type: 'full' });
    s.remote.remove('contact', seeded[0]!.id);
    s.remote.failNext('list', 'server');
    // The first page fails: nothing may be deleted on the strength of a partial pass.
    s.remote.calls.length = 0;
    const failed = await s.engine.run(s.integrationId, { type: 'full' });
    expect(failed.status).toBe('failed');
    expect(s.local.size).toBe(25);
    const ok = await s.engine.run(s.integrationId, { type: 'full' });
    expect(ok.status).toBe('completed');
    expect(s.local.size).toBe(24);
    expect(localRows(s)).toEqual(remoteRows(s));
  });

  it('resumes a full sync from its last checkpoint after a crash, with no duplicates', async () => {
    const s = await setup();
    s.remote.seed('contact', people(45));
    // Page 3's fetch fails (the process "dies" mid-sync): pages 1 and 2 are committed.
    s.remote.calls.length = 0;
    let listCalls = 0;
    const original = s.remote.call.bind(s.remote);
    s.remote.call = (op, entity, id) => {
      if (op === 'list' && ++listCalls === 3) throw new Error('process killed');
      original(op, entity, id);
    };
    const crashed = await s.engine.run(s.integrationId, { type: 'full' });
    expect(crashed.status).toBe('failed');
    expect(s.local.size).toBe(20);
    s.remote.call = original;
    const restarted = s.restart();
    s.remote.calls.length = 0;
    const resumed = await restarted.run(s.integrationId, { type: 'full' });
    expect(resumed).toMatchObject({ status: 'completed', recordsCreated: 25 });
    expect(s.remote.calls.filter((c) => c.op === 'list')).toHaveLength(3);
    expect(s.local.size).toBe(45);
    expect(localRows(s)).toEqual(remoteRows(s));
  });

  it('writes pages in batches and resumes from the last committed batch', async () => {
    const s = await setup({ writeBatchSize: 25 });
    s.remote.seed('contact', people(95));
    let listCalls = 0;
    const original = s.remote.call.bind(s.remote);
    s.remote.call = (op, entity, id) => {
      // Page 7 fails: pages 1-3 and 4-6 were written as two batches of 30.
      if (op === 'list' && ++listCalls === 7) throw new Error('process killed');
      original(op, entity, id);
    };
    const crashed = await s.engine.run(s.integrationId, { type: 'full' });
    expect(crashed.status).toBe('failed');
    expect(s.local.size).toBe(60);
    s.remote.call = original;
    s.remote.calls.length = 0;
    const resumed = await s.restart().run(s.integrationId, { type: 'full' });
    expect(resumed).toMatchObject({ status: 'completed', recordsCreated: 35 });
    expect(s.remote.calls.filter((c) => c.op === 'list')).toHaveLength(4);
    expect(localRows(s)).toEqual(remoteRows(s));
  });

  it('lists records changed since the last watermark when the connector has no change feed', async () => {
    const s = await setup({ connector: { changeFeed: false } });
    s.remote.seed('contact', people(10));
    // The watermark is the full pass's start; the query reaches back a minute before it.
    s.remote.advance(120_000);
    await s.engine.run(s.integrationId, { type: 'full' });
    const changed = s.remote.put('contact', { name: 'Changed', email: 'c@example.com' });
    const log = await s.engine.run(s.integrationId, { type: 'incremental' });
    expect(log).toMatchObject({ recordsProcessed: 1, recordsCreated: 1 });
    expect(localRows(s).map((r) => r.name)).toContain(changed.name);
  });

  it('falls back to a full pass when the change feed cursor has expired', async () => {
    const s = await setup();
    s.remote.seed('contact', people(5));
    await s.engine.run(s.integrationId, { type: 'full' });
    s.remote.put('contact', { name: 'Old change', email: 'o@example.com' });
    s.remote.feedRetentionMs = 1000;
    s.remote.advance(10_000);
    const log = await s.engine.run(s.integrationId, { type: 'incremental' });
    expect(log.status).toBe('completed');
    expect(localRows(s)).toEqual(remoteRows(s));
  });

  it('counts a record that fails validation, keeps its reason, goes on, and heals it next run', async () => {
    const s = await setup();
    s.remote.seed('contact', [...people(4), { id: 'bad_1', name: '', email: 'x@example.com' }]);
    const first = await s.engine.run(s.integrationId, { type: 'full' });
    expect(first).toMatchObject({ status: 'partial', recordsFailed: 1, recordsCreated: 4 });
    expect(first.errors[0]).toMatchObject({ remoteId: 'bad_1', code: 'VALIDATION_FAILED' });
    const [link] = await s.storage.syncRecords.getByRemoteIds(s.config.id, ['bad_1']);
    expect(link).toMatchObject({
      syncStatus: 'error',
      errorMessage: expect.stringContaining('name is required'),
    });
    s.remote.put('contact', { id: 'bad_1', name: 'Fixed' });
    const second = await s.engine.run(s.integrationId, { type: 'incremental' });
    expect(second.status).toBe('completed');
    expect(localRows(s).map((r) => r.name)).toContain('Fixed');
  });

  it('marks the integration unhealthy after repeated failures and healthy again after a success', async () => {
    const s = await setup();
    s.remote.seed('contact', people(2));
    for (let i = 0; i < 3; i++) {
      s.remote.failNext('list', 'server');
      await s.engine.run(s.integrationId, { type: 'full' });
    }
    expect(await s.storage.integrations.get(s.integrationId)).toMatchObject({
      status: 'error',
      errorCount: 3,
    });
    await s.engine.run(s.integrationId, { type: 'full' });
    expect(await s.storage.integrations.get(s.integrationId)).toMatchObject({
      status: 'connected',
      errorCount: 0,
      lastError: null,
    });
  });

  it('never runs two syncs of the same config at once, even from two engines', async () => {
    const s = await setup();
    s.remote.seed('contact', people(30));
    let inside = 0;
    let most = 0;
    const upsert = s.local.upsert.bind(s.local);
    s.local.upsert = async (records) => {
      inside++;
      most = Math.max(most, inside);
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
      await upsert(records);
      inside--;
    };
    const [a, b] = await Promise.all([
      s.engine.run(s.integrationId, { type: 'full' }),
      s.restart().run(s.integrationId, { type: 'full' }),
    ]);
    expect([a.status, b.status]).toEqual(['completed', 'completed']);
    expect(a.recordsCreated + b.recordsCreated).toBe(30);
    expect(most).toBe(1);
  });
});
