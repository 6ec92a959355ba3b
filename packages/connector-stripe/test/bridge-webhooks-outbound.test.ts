import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeStripe, type FakeStripe } from '../src/testing/index.js';
import { allLocal, backends, type Env } from './support/backends.js';
import {
  actualLocal,
  connectStripe,
  expectedLocal,
  KEY,
  serveFake,
  stripeApi,
} from './support/stripe-bridge.js';

// Webhooks through bridge.webhooks.receive and host-created customers pushed to Stripe, on
// every storage back end, the fake over msw.
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => {
  server.resetHandlers();
  vi.restoreAllMocks();
});
afterAll(() => server.close());

const SECRET = 'whsec_scenario_secret';

describe.each(backends())(
  'Stripe webhooks and outbound creates through createSyncBridge on $name',
  (backend) => {
    let fake: FakeStripe;
    let env: Env;
    beforeAll(() => backend.start(), 60_000);
    afterAll(() => backend.stop());
    beforeEach(async () => {
      fake = createFakeStripe({ apiKeys: [KEY] });
      await serveFake(server, fake);
      env = await backend.env();
    });

    async function synced(n: number) {
      const seeded = fake.seed.customers(n);
      const setup = await connectStripe(env.storage, env.customers);
      await setup.bridge.sync.run(setup.integration.id, { type: 'full' });
      await setup.bridge.webhooks.register({ integrationId: setup.integration.id, secret: SECRET });
      const deliver = (options: Omit<Parameters<FakeStripe['deliverWebhooks']>[1], 'secret'> = {}) =>
        fake.deliverWebhooks(
          async ({ headers, body }) => setup.bridge.webhooks.receive({ provider: 'stripe', headers, body }),
          { secret: SECRET, ...options },
        );
      return { ...setup, seeded, deliver };
    }

    it('deletes the host customer when a customer.deleted webhook arrives', async () => {
      const { bridge, seeded, deliver, config } = await synced(2);
      await stripeApi(fake, 'DELETE', `/v1/customers/${seeded[0]!.id}`);
      const report = await deliver();
      expect(report).toMatchObject({ failed: [], attempts: 1 });
      await bridge.webhooks.process();
      expect(await actualLocal(env.customers)).toEqual(expectedLocal(fake));
      expect(await allLocal(env.customers)).toHaveLength(1);
      expect(await env.storage.syncRecords.count({ syncConfigId: config.id })).toBe(1);
      expect(await bridge.webhooks.events({ status: 'processed' })).toHaveLength(1);
      await bridge.close();
    });

    it('processes duplicated, out-of-order deliveries once each and ends at Stripe’s state', async () => {
      const { bridge, seeded, deliver } = await synced(3);
      const [renamed, deleted] = seeded;
      await stripeApi(fake, 'POST', `/v1/customers/${renamed!.id}`, 'name=First+rename');
      fake.advance(1000);
      await stripeApi(
        fake,
        'POST',
        `/v1/customers/${renamed!.id}`,
        'name=Second+rename&email=second%40example.com',
      );
      await stripeApi(fake, 'POST', '/v1/customers', 'name=Born+at+Stripe&metadata[host_id]=c_new');
      await stripeApi(fake, 'DELETE', `/v1/customers/${deleted!.id}`);
      const events = fake.state.events().map((e) => e.id);
      expect(events).toHaveLength(4);

      // Each event twice, newest first: the delete and the second rename arrive before what they follow.
      const report = await deliver({ times: 2, order: 'reverse' });
      expect(report).toMatchObject({ failed: [], attempts: 8 });
      expect(report.delivered).toEqual([...events].reverse());
      await bridge.webhooks.process();

      const inbox = await bridge.webhooks.events();
      expect(inbox.map((e) => e.eventId).sort()).toEqual([...events].sort()); // duplicates stored once
      expect(inbox.every((e) => e.status === 'processed')).toBe(true);
      expect(await actualLocal(env.customers)).toEqual(expectedLocal(fake));
      const names = (await allLocal(env.customers)).map((c) => c.data.name).sort();
      expect(names).toEqual(['Born at Stripe', seeded[2]!.name, 'Second rename'].sort());
      await bridge.close();
    });

    it('refuses a delivery signed with another secret and stores nothing', async () => {
      const { bridge, seeded } = await synced(1);
      await stripeApi(fake, 'DELETE', `/v1/customers/${seeded[0]!.id}`);
      const report = await fake.deliverWebhooks(
        async ({ headers, body }) => bridge.webhooks.receive({ provider: 'stripe', headers, body }),
        { secret: 'whsec_not_registered' },
      );
      expect(report.failed).toHaveLength(1);
      expect(await bridge.webhooks.events()).toEqual([]);
      expect(await allLocal(env.customers)).toHaveLength(1);
      await bridge.close();
    });

    describe('a customer created in the host', () => {
      const host = { name: 'Host Made', email: 'made@host.example', hostId: 'h_1' };
      // createSyncBridge passes no retry options to core's HTTP client; with Math.random at 0 its
      // full-jitter backoff waits 0 ms, so the retries below do not sleep.
      beforeEach(() => {
        vi.spyOn(Math, 'random').mockReturnValue(0);
      });

      async function linkOf(configId: string) {
        const [link] = await env.storage.syncRecords.getByLocalIds(configId, ['h_1']);
        return link!;
      }

      it('is created at Stripe once, with an Idempotency-Key derived from its link, though the response was lost', async () => {
        const { bridge, config } = await synced(0);
        await env.customers.upsert([{ id: 'h_1', data: host }]);
        fake.dropNextResponse(1, { path: '/v1/customers', method: 'POST' });
        const [log] = await bridge.changes.notify('customer', ['h_1']);
        expect(log).toMatchObject({ status: 'completed', recordsCreated: 1 });
        const created = fake.state.list('customers');
        expect(created).toHaveLength(1);
        expect(created[0]).toMatchObject({ name: 'Host Made', metadata: { host_id: 'h_1' } });
        const link = await linkOf(config.id);
        expect(link).toMatchObject({ syncStatus: 'synced', remoteId: created[0]!.id });
        const posts = fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/customers');
        expect(posts.map((p) => p.headers['idempotency-key'])).toEqual([
          `sb-c-${link.id}`,
          `sb-c-${link.id}`,
        ]);
        await bridge.close();
      });

      /** Every attempt's response is lost (the first try and core's 3 retries): Stripe made it, we never heard back. */
      async function lostCreate() {
        const setup = await synced(0);
        await env.customers.upsert([{ id: 'h_1', data: host }]);
        fake.dropNextResponse(4, { path: '/v1/customers', method: 'POST' });
        const [log] = await setup.bridge.changes.notify('customer', ['h_1']);
        expect(log?.recordsFailed).toBe(1);
        expect(fake.state.list('customers')).toHaveLength(1);
        expect(await linkOf(setup.config.id)).toMatchObject({
          syncStatus: 'pending_outbound',
          remoteId: null,
        });
        return setup;
      }

      async function expectOneLinkedCustomer(configId: string) {
        const customers = fake.state.list('customers');
        expect(customers).toHaveLength(1);
        const link = await linkOf(configId);
        expect(link).toMatchObject({ syncStatus: 'synced', remoteId: customers[0]!.id });
        const keys = new Set(
          fake.requests.filter((r) => r.method === 'POST').map((r) => r.headers['idempotency-key']),
        );
        expect(keys).toEqual(new Set([`sb-c-${link.id}`]));
        expect(await allLocal(env.customers)).toHaveLength(1);
      }

      it('survives every attempt being lost: notifying again replays the create under the same key', async () => {
        const { bridge, integration, config } = await lostCreate();
        const [retry] = await bridge.changes.notify('customer', ['h_1']);
        expect(retry).toMatchObject({ status: 'completed', recordsCreated: 1 });
        await expectOneLinkedCustomer(config.id);
        // Our own customer.created comes back through the events feed: an echo, not a new host record.
        const next = await bridge.sync.run(integration.id, { type: 'incremental' });
        expect(next).toMatchObject({ status: 'completed', recordsCreated: 0, recordsUpdated: 0 });
        await expectOneLinkedCustomer(config.id);
        await bridge.close();
      });

      // Core replays creates that lost their response before the next run's inbound pass.
      it('survives every attempt being lost: the next sync run replays the create under the same key', async () => {
        const { bridge, integration, config } = await lostCreate();
        const next = await bridge.sync.run(integration.id, { type: 'incremental' });
        expect(next, JSON.stringify(next.errors)).toMatchObject({ status: 'completed' });
        await expectOneLinkedCustomer(config.id);
        await bridge.close();
      });
    });
  },
);
