import type { SyncConfig } from '@syncbridge/core';
import { describe, expect, it } from 'vitest';
import { customerMappings } from '../src/index.js';
import type { FakeQuickBooks, QboRecord } from '../src/testing/index.js';
import {
  connectThroughOAuth,
  quickBooksBridge,
  serveFake,
  useIntuitHosts,
} from './helpers/bridge-harness.js';
import { BACKENDS, type BackendName, sharedStorage } from './helpers/storages.js';

useIntuitHosts();

type Strategy = SyncConfig['conflictResolution'];

/** A bidirectional Customer sync with one synced customer, Ada. */
async function syncedAda(
  backend: BackendName,
  conflict: { strategy: Strategy; priority?: 'local' | 'remote'; fallback?: Strategy },
) {
  const fake = serveFake();
  const shared = await sharedStorage(backend);
  const setup = quickBooksBridge({ fake, storage: shared.first });
  const { bridge, local } = setup;
  const integration = await connectThroughOAuth(bridge);
  await bridge.sync.configure(integration.id, {
    localEntity: 'customer',
    remoteEntity: 'Customer',
    direction: 'bidirectional',
    conflict,
    mappings: [...customerMappings],
  });
  const [ada] = fake.seed.customers(1, () => ({
    DisplayName: 'Ada Lovelace',
    PrimaryEmailAddr: { Address: 'ada@example.com' },
    PrimaryPhone: { FreeFormNumber: '555-0100' },
  }));
  expect(await bridge.sync.run(integration.id, { type: 'full' })).toMatchObject({ recordsCreated: 1 });
  const host = local.customer?.all()[0];
  if (!ada || !host) throw new Error('setup did not sync Ada');
  const remote = () => fake.company().read('Customer', ada.Id);

  /** A QuickBooks user edits Ada (SyncToken moves on), then the host edits her without a sync in between. */
  const concurrentEdit = async (
    remoteChange: Record<string, unknown>,
    hostChange: Record<string, unknown>,
    order: 'host-last' | 'remote-last' = 'host-last',
  ) => {
    const editRemote = () => {
      fake.clock.advance(60_000);
      fake
        .company()
        .update('Customer', { Id: ada.Id, SyncToken: remote().SyncToken, sparse: true, ...remoteChange });
    };
    const editHost = async () => {
      fake.clock.advance(60_000);
      const current = local.customer?.all().find((r) => r.id === host.id);
      await local.customer?.upsert([
        { id: host.id, data: { ...current?.data, ...hostChange }, updatedAt: fake.clock.now() },
      ]);
    };
    if (order === 'host-last') {
      editRemote();
      await editHost();
    } else {
      await editHost();
      editRemote();
    }
    const before = fake.requests.length;
    await bridge.changes.notify('customer', [host.id]);
    return fake.requests.slice(before);
  };
  const hostNow = () => local.customer?.all().find((r) => r.id === host.id)?.data;
  const close = async () => {
    await bridge.close();
    await shared.close();
  };
  return { fake, bridge, integration, ada, host, remote, hostNow, concurrentEdit, close };
}

/** The push with the stored SyncToken was refused as stale (400, Fault 5010), and never retried blindly. */
function expectStaleRefusal(requests: FakeQuickBooks['requests'], id: string) {
  const writes = requests.filter((r) => r.method === 'POST' && (r.body as QboRecord | undefined)?.Id === id);
  expect(writes[0]).toMatchObject({ status: 400, body: { SyncToken: '0', sparse: true } });
  // Any later write is based on the re-read record's token, not the stale one.
  for (const w of writes.slice(1)) expect((w.body as QboRecord).SyncToken).not.toBe('0');
  return writes;
}

describe.each(BACKENDS)('scenario on %s storage: concurrent edits and 5010 stale SyncToken', (backend) => {
  it('last_write_wins: the later host edit is written on top of the re-read record', async () => {
    const s = await syncedAda(backend, { strategy: 'last_write_wins' });
    const requests = await s.concurrentEdit(
      { PrimaryEmailAddr: { Address: 'qbo@example.com' } },
      { email: 'host@example.com' },
    );
    const writes = expectStaleRefusal(requests, s.ada.Id);
    expect(writes.at(-1)).toMatchObject({ status: 200, body: { SyncToken: '1' } });
    expect(s.remote()).toMatchObject({ PrimaryEmailAddr: { Address: 'host@example.com' }, SyncToken: '2' });
    expect(s.hostNow()?.email).toBe('host@example.com');
    await s.close();
  });

  it('last_write_wins: the later QuickBooks edit wins and the stale host value is not written', async () => {
    const s = await syncedAda(backend, { strategy: 'last_write_wins' });
    const requests = await s.concurrentEdit(
      { PrimaryEmailAddr: { Address: 'qbo@example.com' } },
      { email: 'host@example.com' },
      'remote-last',
    );
    expect(expectStaleRefusal(requests, s.ada.Id)).toHaveLength(1);
    expect(s.remote()).toMatchObject({ PrimaryEmailAddr: { Address: 'qbo@example.com' }, SyncToken: '1' });
    expect(s.hostNow()?.email).toBe('qbo@example.com');
    await s.close();
  });

  it('source_priority remote: QuickBooks wins whatever the timestamps; the host takes its value', async () => {
    const s = await syncedAda(backend, { strategy: 'source_priority', priority: 'remote' });
    const requests = await s.concurrentEdit(
      { PrimaryEmailAddr: { Address: 'qbo@example.com' } },
      { email: 'host@example.com' },
    );
    expect(expectStaleRefusal(requests, s.ada.Id)).toHaveLength(1);
    expect(s.remote()).toMatchObject({ PrimaryEmailAddr: { Address: 'qbo@example.com' }, SyncToken: '1' });
    expect(s.hostNow()?.email).toBe('qbo@example.com');
    await s.close();
  });

  it('source_priority local: the host wins, written with the fresh SyncToken', async () => {
    const s = await syncedAda(backend, { strategy: 'source_priority', priority: 'local' });
    const requests = await s.concurrentEdit(
      { PrimaryEmailAddr: { Address: 'qbo@example.com' } },
      { email: 'host@example.com' },
      'remote-last',
    );
    expect(expectStaleRefusal(requests, s.ada.Id).at(-1)).toMatchObject({
      status: 200,
      body: { SyncToken: '1' },
    });
    expect(s.remote()).toMatchObject({ PrimaryEmailAddr: { Address: 'host@example.com' }, SyncToken: '2' });
    await s.close();
  });

  it('manual_review: holds the record, writes nothing, and conflicts.resolve settles it both sides', async () => {
    const s = await syncedAda(backend, { strategy: 'manual_review' });
    const requests = await s.concurrentEdit(
      { PrimaryEmailAddr: { Address: 'qbo@example.com' } },
      { email: 'host@example.com' },
    );
    expect(expectStaleRefusal(requests, s.ada.Id)).toHaveLength(1);
    expect(s.remote()).toMatchObject({ PrimaryEmailAddr: { Address: 'qbo@example.com' }, SyncToken: '1' });
    expect(s.hostNow()?.email).toBe('host@example.com');
    const open = await s.bridge.conflicts.list({ integrationId: s.integration.id });
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      remoteId: s.ada.Id,
      fields: ['email'],
      local: { email: 'host@example.com' },
      remote: { email: 'qbo@example.com' },
    });
    // A sync while held changes neither side.
    await s.bridge.sync.run(s.integration.id, { type: 'incremental' });
    expect(s.remote().SyncToken).toBe('1');

    await s.bridge.conflicts.resolve(open[0]?.id as string, { take: 'local' });
    expect(s.remote()).toMatchObject({
      PrimaryEmailAddr: { Address: 'host@example.com' },
      PrimaryPhone: { FreeFormNumber: '555-0100' },
      SyncToken: '2',
    });
    expect(await s.bridge.conflicts.list({ integrationId: s.integration.id })).toHaveLength(0);
    await s.close();
  });

  it('merge_fields: each side keeps the field it changed; the same field falls back to last_write_wins', async () => {
    const s = await syncedAda(backend, { strategy: 'merge_fields', fallback: 'last_write_wins' });
    const requests = await s.concurrentEdit(
      { PrimaryPhone: { FreeFormNumber: '555-0199' }, Notes: 'called in QuickBooks' },
      { email: 'host@example.com', notes: 'noted by the host' },
    );
    const writes = expectStaleRefusal(requests, s.ada.Id);
    // The merged write carries only what the host contributed, on the fresh token.
    expect(writes.at(-1)?.body).not.toHaveProperty('PrimaryPhone');
    expect(s.remote()).toMatchObject({
      PrimaryEmailAddr: { Address: 'host@example.com' },
      PrimaryPhone: { FreeFormNumber: '555-0199' },
      Notes: 'noted by the host',
    });
    expect(s.hostNow()).toMatchObject({
      email: 'host@example.com',
      phone: '555-0199',
      notes: 'noted by the host',
    });
    await s.close();
  });
});
