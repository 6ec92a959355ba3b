import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFakeStripe, type FakeStripe } from '../src/testing/index.js';
import { allLocal, backends, type Env } from './support/backends.js';
import {
  actualLocal,
  connectStripe,
  customerListCursors,
  expectedLocal,
  KEY,
  makeBridge,
  type Strategy,
  serveFake,
  stripeApi,
} from './support/stripe-bridge.js';

// Stripe ⇄ host customers through createSyncBridge, the fake served over msw, core's real HTTP
// client, on every storage back end.
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe.each(backends())('Stripe customers through createSyncBridge on $name', (backend) => {
  let fake: FakeStripe;
  let env: Env;
  beforeAll(() => backend.start(), 60_000);
  afterAll(() => backend.stop());
  beforeEach(async () => {
    fake = createFakeStripe({ apiKeys: [KEY] });
    await serveFake(server, fake);
    env = await backend.env();
  });

  it('backfills every customer, then an incremental run reads only the events feed', async () => {
    fake.seed.customers(250);
    const { bridge, integration, config } = await connectStripe(env.storage, env.customers);
    const log = await bridge.sync.run(integration.id, { type: 'full' });
    expect(log).toMatchObject({ status: 'completed', recordsCreated: 250, recordsFailed: 0 });
    expect(await actualLocal(env.customers)).toEqual(expectedLocal(fake));
    expect(await env.storage.syncRecords.count({ syncConfigId: config.id })).toBe(250);
    expect(customerListCursors(fake)).toHaveLength(3);

    const before = fake.requests.length;
    const incremental = await bridge.sync.run(integration.id, { type: 'incremental' });
    expect(incremental).toMatchObject({ status: 'completed', recordsProcessed: 0 });
    // initialChangeCursor was taken when the full pass started: no re-list, no replay of history.
    expect(new Set(fake.requests.slice(before).map((r) => r.path))).toEqual(new Set(['/v1/events']));
    await bridge.close();
  });

  it('resumes a backfill that failed at page 3 from its checkpoint in a new bridge, without duplicates', async () => {
    fake.seed.customers(350);
    server.resetHandlers();
    await serveFake(server, fake, { failListPage: 3 });
    const { bridge, integration, config } = await connectStripe(env.storage, env.customers);
    const failed = await bridge.sync.run(integration.id, { type: 'full' });
    expect(failed.status).toBe('failed');
    expect(failed.errorMessage).toMatch(/GET \/v1\/customers failed with 500/);
    await bridge.close();
    const committed = await allLocal(env.customers);
    expect(committed).toHaveLength(200); // pages 1 and 2, each committed with its checkpoint
    const cursors = customerListCursors(fake);

    // A restarted process: new storage and store objects on the same data, a new bridge.
    const restarted = env.reopen();
    const again = makeBridge(restarted.storage, restarted.customers);
    const resumed = await again.sync.run(integration.id, { type: 'full' });
    expect(resumed).toMatchObject({ status: 'completed', recordsCreated: 150 });
    // It asked for page 3 again (after page 2's last id), not for page 1.
    const resumedCursors = customerListCursors(fake).slice(cursors.length);
    expect(resumedCursors).toHaveLength(2);
    expect(resumedCursors[0]).toBe(cursors[2]);
    expect(await actualLocal(restarted.customers)).toEqual(expectedLocal(fake));
    expect(await restarted.storage.syncRecords.count({ syncConfigId: config.id })).toBe(350);
    expect(fake.state.list('customers')).toHaveLength(350); // nothing was pushed back as new
    expect(fake.requests.filter((r) => r.method === 'POST')).toEqual([]);
    await again.close();
  });

  it('deletes the host customer when Stripe deletes it, read from the events feed', async () => {
    const [gone, kept] = fake.seed.customers(2);
    const { bridge, integration, config } = await connectStripe(env.storage, env.customers);
    await bridge.sync.run(integration.id, { type: 'full' });
    await stripeApi(fake, 'DELETE', `/v1/customers/${gone!.id}`);
    const log = await bridge.sync.run(integration.id, { type: 'incremental' });
    expect(log.status).toBe('completed');
    expect(await actualLocal(env.customers)).toEqual(expectedLocal(fake));
    expect((await allLocal(env.customers)).map((c) => c.data.hostId)).toEqual([
      (kept!.metadata as { host_id: string }).host_id,
    ]);
    expect(await env.storage.syncRecords.count({ syncConfigId: config.id })).toBe(1);
    await bridge.close();
  });

  describe('a customer edited on both sides', () => {
    /** Syncs one customer, then edits it in the host (at `hostAt`) and at Stripe (at the fake's clock). */
    async function editedOnBothSides(
      conflict: Parameters<typeof connectStripe>[2],
      edits: { host: Record<string, unknown>; stripe: string; hostLater: boolean },
    ) {
      const [customer] = fake.seed.customers(1);
      const setup = await connectStripe(env.storage, env.customers, conflict);
      await setup.bridge.sync.run(setup.integration.id, { type: 'full' });
      const [local] = await allLocal(env.customers);
      const stripeAt = fake.now().getTime() + 60_000;
      const hostAt = new Date(stripeAt + (edits.hostLater ? 60_000 : -60_000));
      await env.customers.upsert([
        { id: local!.id, data: { ...local!.data, ...edits.host }, updatedAt: hostAt },
      ]);
      fake.advance(60_000);
      await stripeApi(fake, 'POST', `/v1/customers/${customer!.id}`, edits.stripe);
      const log = await setup.bridge.sync.run(setup.integration.id, { type: 'incremental' });
      const remote = fake.state.get(customer!.id)!;
      const [after] = await allLocal(env.customers);
      return {
        ...setup,
        log,
        remote,
        seeded: customer!,
        local: after!,
        localId: local!.id,
        customerId: customer!.id,
      };
    }

    const bothEditName = (hostLater: boolean) => ({
      host: { name: 'Host Name' },
      stripe: 'name=Stripe+Name',
      hostLater,
    });

    it.each([
      [true, 'Host Name'],
      [false, 'Stripe Name'],
    ])('last_write_wins: host edited later = %s → both sides hold %s', async (hostLater, winner) => {
      const r = await editedOnBothSides({ strategy: 'last_write_wins' }, bothEditName(hostLater));
      expect(r.log).toMatchObject({ status: 'completed', recordsFailed: 0 });
      expect(r.remote.name).toBe(winner);
      expect(r.local.data.name).toBe(winner);
      await r.bridge.close();
    });

    it.each([
      ['local', 'Host Name'],
      ['remote', 'Stripe Name'],
    ] as const)('source_priority %s → both sides hold %s', async (priority, winner) => {
      // The losing side edited later: priority, not time, decides.
      const r = await editedOnBothSides(
        { strategy: 'source_priority', priority },
        bothEditName(priority === 'remote'),
      );
      expect(r.remote.name).toBe(winner);
      expect(r.local.data.name).toBe(winner);
      await r.bridge.close();
    });

    it('manual_review holds both versions until conflicts.resolve takes one', async () => {
      const r = await editedOnBothSides({ strategy: 'manual_review' }, bothEditName(true));
      expect(r.remote.name).toBe('Stripe Name'); // nothing was overwritten
      expect(r.local.data.name).toBe('Host Name');
      const open = await r.bridge.conflicts.list({ integrationId: r.integration.id });
      expect(open).toHaveLength(1);
      expect(open[0]).toMatchObject({
        fields: ['name'],
        local: { name: 'Host Name' },
        remote: { name: 'Stripe Name' },
        remoteId: r.customerId,
      });
      await r.bridge.conflicts.resolve(open[0]!.id, { take: 'remote' });
      expect(await r.bridge.conflicts.list({ integrationId: r.integration.id })).toEqual([]);
      expect((await env.customers.get([r.localId]))[0]?.data.name).toBe('Stripe Name');
      expect(fake.state.get(r.customerId)?.name).toBe('Stripe Name');
      const writes = fake.requests.filter((q) => q.method === 'POST').length;
      const next = await r.bridge.sync.run(r.integration.id, { type: 'incremental' });
      expect(next).toMatchObject({ status: 'completed', recordsFailed: 0 });
      expect(fake.requests.filter((q) => q.method === 'POST')).toHaveLength(writes); // settled: no echo write
      await r.bridge.close();
    });

    it('merge_fields keeps the host email and the Stripe phone on both sides', async () => {
      const r = await editedOnBothSides(
        { strategy: 'merge_fields', fallback: 'last_write_wins' as Strategy },
        { host: { email: 'host@example.com' }, stripe: 'phone=%2B33123456789', hostLater: true },
      );
      expect(r.log).toMatchObject({ status: 'completed', recordsFailed: 0 });
      expect(r.remote).toMatchObject({ email: 'host@example.com', phone: '+33123456789' });
      expect(r.local.data).toMatchObject({ email: 'host@example.com', phone: '+33123456789' });
      expect(r.remote.address).toEqual(r.seeded.address); // the nested hash was not cleared
      expect(r.local.data.address).toMatchObject({ city: 'San Francisco', postalCode: '94107' });
      await r.bridge.close();
    });
  });
});
