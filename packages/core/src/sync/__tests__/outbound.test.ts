import { describe, expect, it } from 'vitest';
import { localRows, people, remoteRows, setup } from './harness.js';

describe('outbound and bidirectional sync', () => {
  it('creates a provider record for a new host record, once, with an idempotency key', async () => {
    const s = await setup();
    await s.local.upsert([{ id: 'c1', data: { name: 'Ada', email: 'ada@example.com' } }]);
    const [log] = await s.engine.push('customer', ['c1']);
    expect(log).toMatchObject({ status: 'completed', recordsCreated: 1 });
    expect(remoteRows(s)).toEqual([{ name: 'Ada', email: 'ada@example.com' }]);
    const [link] = await s.storage.syncRecords.getByLocalIds(s.config.id, ['c1']);
    expect(link).toMatchObject({ syncStatus: 'synced', remoteId: s.remote.all('contact')[0]!.id });
    // Pushing again is an echo: no provider write.
    await s.engine.push('customer', ['c1']);
    expect(s.remote.writes).toEqual({ create: 1, update: 0, delete: 0 });
  });

  it('does not duplicate a provider record when the process dies between the create and its commit', async () => {
    const s = await setup();
    await s.local.upsert([{ id: 'c1', data: { name: 'Ada', email: 'ada@example.com' } }]);
    const upsert = s.storage.syncRecords.upsert.bind(s.storage.syncRecords);
    let calls = 0;
    // The second link write (after the provider create) never happens: the process died.
    s.storage.syncRecords.upsert = async (rows) => {
      if (++calls === 2) throw new Error('process killed');
      return upsert(rows);
    };
    const [crashed] = await s.engine.push('customer', ['c1']);
    expect(crashed!.recordsFailed).toBe(1);
    s.storage.syncRecords.upsert = upsert;
    const [retried] = await s.restart().push('customer', ['c1']);
    expect(retried).toMatchObject({ status: 'completed', recordsCreated: 1 });
    expect(s.remote.all('contact')).toHaveLength(1);
    expect(s.remote.writes.create).toBe(1);
  });

  for (const type of ['full', 'incremental'] as const) {
    it(`replays a create interrupted before its commit ahead of a ${type} run's inbound pass, duplicating nothing`, async () => {
      const s = await setup();
      await s.engine.run(s.integrationId, { type: 'full' });
      await s.local.upsert([{ id: 'c1', data: { name: 'Ada', email: 'ada@example.com' } }]);
      const upsert = s.storage.syncRecords.upsert.bind(s.storage.syncRecords);
      let calls = 0;
      s.storage.syncRecords.upsert = async (rows) => {
        if (++calls === 2) throw new Error('process killed');
        return upsert(rows);
      };
      await s.engine.push('customer', ['c1']);
      s.storage.syncRecords.upsert = upsert;
      // The provider has the record; our link is still the intent. The next run must not take it for a new one.
      const log = await s.restart().run(s.integrationId, { type });
      expect(log.status, JSON.stringify(log.errors)).toBe('completed');
      expect(s.local.all().map((r) => r.id)).toEqual(['c1']);
      expect(s.remote.all('contact')).toHaveLength(1);
      expect(s.remote.writes.create).toBe(1);
      const [link] = await s.storage.syncRecords.getByLocalIds(s.config.id, ['c1']);
      expect(link).toMatchObject({ syncStatus: 'synced', remoteId: s.remote.all('contact')[0]!.id });
    });
  }

  it('sends only the changed fields, based on the stored version', async () => {
    const s = await setup();
    const [r] = s.remote.seed('contact', people(1));
    await s.engine.run(s.integrationId, { type: 'full' });
    const [local] = s.local.all();
    await s.local.upsert([{ id: local!.id, data: { ...local!.data, email: 'changed@example.com' } }]);
    const calls: unknown[] = [];
    const original = s.remote.put.bind(s.remote);
    s.remote.put = (entity, fields) => {
      calls.push(fields);
      return original(entity, fields);
    };
    await s.engine.push('customer', [local!.id]);
    expect(calls).toEqual([{ email: 'changed@example.com', id: r!.id }]);
    expect(s.remote.get('contact', r!.id)).toMatchObject({
      name: r!.name,
      email: 'changed@example.com',
      version: 2,
    });
  });

  it('does not echo an inbound change back to the provider', async () => {
    const s = await setup();
    s.remote.seed('contact', people(5));
    await s.engine.run(s.integrationId, { type: 'full' });
    s.remote.put('contact', { id: s.remote.all('contact')[0]!.id, name: 'Edited remotely' });
    await s.engine.run(s.integrationId, { type: 'incremental' });
    // The host is told about everything that changed, including what the engine wrote.
    await s.engine.push(
      'customer',
      s.local.all().map((r) => r.id),
    );
    await s.engine.run(s.integrationId, { type: 'incremental' });
    expect(s.remote.writes).toEqual({ create: 0, update: 0, delete: 0 });
    expect(localRows(s)).toEqual(remoteRows(s));
  });

  it('pushes host-only records and pulls provider-only records on a bidirectional full sync', async () => {
    const s = await setup();
    s.remote.seed('contact', people(3, 'Remote'));
    await s.local.upsert(people(2, 'Local').map((data, i) => ({ id: `l${i}`, data })));
    const log = await s.engine.run(s.integrationId, { type: 'full' });
    expect(log).toMatchObject({ status: 'completed', recordsCreated: 5 });
    expect(localRows(s)).toEqual(remoteRows(s));
    expect(s.local.size).toBe(5);
  });

  it('deletes the provider record when the host record is gone', async () => {
    const s = await setup();
    s.remote.seed('contact', people(2));
    await s.engine.run(s.integrationId, { type: 'full' });
    const [gone] = s.local.all();
    await s.local.delete([gone!.id]);
    await s.engine.push('customer', [gone!.id]);
    expect(s.remote.all('contact')).toHaveLength(1);
    expect(localRows(s)).toEqual(remoteRows(s));
  });

  it('deactivates instead of deleting where the provider cannot delete, and does not bring the record back', async () => {
    const s = await setup({ connector: { deactivateOnly: ['contact'] } });
    const [r] = s.remote.seed('contact', people(1));
    await s.engine.run(s.integrationId, { type: 'full' });
    const [local] = s.local.all();
    await s.local.delete([local!.id]);
    await s.engine.push('customer', [local!.id]);
    expect(s.remote.get('contact', r!.id)).toMatchObject({ active: false });
    expect(s.remote.writes).toEqual({ create: 0, update: 0, delete: 1 });
    await s.engine.run(s.integrationId, { type: 'full' });
    expect(s.local.size).toBe(0);
    const [link] = await s.storage.syncRecords.getByRemoteIds(s.config.id, [r!.id]);
    expect(link?.deletedAt).toBeInstanceOf(Date);
  });

  it('re-reads and resolves when the provider reports a stale version', async () => {
    const s = await setup({ config: { conflictResolution: 'merge_fields' } });
    const [r] = s.remote.seed('contact', people(1));
    await s.engine.run(s.integrationId, { type: 'full' });
    const [local] = s.local.all();
    // Edited on both sides at once: the host's email, the provider's name.
    await s.local.upsert([{ id: local!.id, data: { ...local!.data, email: 'host@example.com' } }]);
    s.remote.put('contact', { id: r!.id, name: 'Provider name' });
    const [log] = await s.engine.push('customer', [local!.id]);
    expect(log).toMatchObject({ status: 'completed', recordsUpdated: 1 });
    expect(s.remote.get('contact', r!.id)).toMatchObject({
      name: 'Provider name',
      email: 'host@example.com',
    });
    expect(localRows(s)).toEqual(remoteRows(s));
  });

  it('holds a record edited on both sides for manual review and pauses its sync', async () => {
    const s = await setup({ config: { conflictResolution: 'manual_review' } });
    const [r] = s.remote.seed('contact', people(1));
    await s.engine.run(s.integrationId, { type: 'full' });
    const [local] = s.local.all();
    await s.local.upsert([{ id: local!.id, data: { ...local!.data, name: 'Host name' } }]);
    s.remote.put('contact', { id: r!.id, name: 'Provider name' });
    const detected: string[][] = [];
    s.events.on('conflict.detected', (e) => {
      detected.push(e.fields);
    });
    await s.engine.run(s.integrationId, { type: 'incremental' });
    expect(detected).toEqual([['name']]);
    const [link] = await s.storage.syncRecords.getByRemoteIds(s.config.id, [r!.id]);
    expect(link).toMatchObject({
      syncStatus: 'conflict',
      pending: { local: { name: 'Host name' }, remote: { name: 'Provider name' } },
    });
    // Further syncs leave both sides alone until someone decides.
    await s.engine.push('customer', [local!.id]);
    await s.engine.run(s.integrationId, { type: 'full' });
    expect(s.remote.get('contact', r!.id)?.name).toBe('Provider name');
    expect(s.local.all()[0]!.data.name).toBe('Host name');
    expect(s.remote.writes).toEqual({ create: 0, update: 0, delete: 0 });
  });

  it('keeps a host record changed locally when the provider deletes it, for review', async () => {
    const s = await setup();
    const [r] = s.remote.seed('contact', people(1));
    await s.engine.run(s.integrationId, { type: 'full' });
    const [local] = s.local.all();
    await s.local.upsert([{ id: local!.id, data: { ...local!.data, name: 'Still wanted' } }]);
    s.remote.remove('contact', r!.id);
    await s.engine.run(s.integrationId, { type: 'incremental' });
    expect(s.local.all()[0]!.data.name).toBe('Still wanted');
    const [link] = await s.storage.syncRecords.getByRemoteIds(s.config.id, [r!.id]);
    expect(link).toMatchObject({ syncStatus: 'conflict', pending: { remoteDeleted: true } });
  });

  it('records a provider failure on one record and goes on with the others', async () => {
    const s = await setup();
    await s.local.upsert(people(3).map((data, i) => ({ id: `l${i}`, data })));
    s.remote.failNext('create', 'validation');
    const [log] = await s.engine.push('customer', ['l0', 'l1', 'l2']);
    expect(log).toMatchObject({ status: 'partial', recordsCreated: 2, recordsFailed: 1 });
    expect(log!.errors[0]).toMatchObject({ localId: 'l0', code: 'PROVIDER_ERROR' });
    // The failed create is retried by the next run.
    const retried = await s.engine.run(s.integrationId, { type: 'incremental' });
    expect(retried.status).toBe('completed');
    expect(s.remote.all('contact')).toHaveLength(3);
  });
});
