import type { SyncBridge } from '@syncbridge/core';
import { describe, expect, it } from 'vitest';
import { customerMappings, invoiceMappings } from '../src/index.js';
import type { FakeQuickBooks, WebhookFormat } from '../src/testing/index.js';
import {
  connectThroughOAuth,
  quickBooksBridge,
  serveFake,
  useIntuitHosts,
} from './helpers/bridge-harness.js';
import { BACKENDS, type BackendName, sharedStorage } from './helpers/storages.js';

useIntuitHosts();

/** Intuit has one verifier token per app: both companies' deliveries are signed with it. */
const VERIFIER = 'intuit-app-verifier-token';
const [REALM_1, REALM_2] = ['9130350000000001', '9130350000000002'] as const;

/** The host's webhook route: raw body and headers straight into the bridge. */
const route = (bridge: SyncBridge) => async (request: Request) => {
  const reply = await bridge.webhooks.receive({
    provider: 'quickbooks',
    headers: request.headers,
    body: await request.text(),
  });
  return new Response(JSON.stringify(reply.body ?? {}), { status: reply.status });
};

/** `Id IN (...)` queries per entity since request `from`. */
function batchedReads(fake: FakeQuickBooks, from: number) {
  const counts: Record<string, number> = {};
  for (const r of fake.requests.slice(from)) {
    const m = /^SELECT \* FROM (\w+) WHERE Id IN/.exec(r.query.query ?? '');
    if (m) counts[m[1] as string] = (counts[m[1] as string] ?? 0) + 1;
  }
  return counts;
}

async function twoCompanies(backend: BackendName) {
  const fake = serveFake({ realms: [REALM_1, REALM_2] });
  const shared = await sharedStorage(backend);
  const setup = quickBooksBridge({ fake, storage: shared.first });
  const { bridge } = setup;
  const companies = [];
  for (const [org, realm] of [
    ['org_1', REALM_1],
    ['org_2', REALM_2],
  ] as const) {
    fake.oauth.options.realmId = realm;
    const integration = await connectThroughOAuth(bridge, org);
    expect(integration.config.realmId).toBe(realm);
    const configs = {
      customer: await bridge.sync.configure(integration.id, {
        localEntity: 'customer',
        remoteEntity: 'Customer',
        mappings: [...customerMappings],
      }),
      invoice: await bridge.sync.configure(integration.id, {
        localEntity: 'invoice',
        remoteEntity: 'Invoice',
        mappings: [...invoiceMappings],
      }),
    };
    await bridge.webhooks.register({ integrationId: integration.id, secret: VERIFIER });
    companies.push({ integration, configs, realm });
  }
  fake.seed.invoices(2, { realmId: REALM_1 });
  fake.seed.customers(1, () => ({ DisplayName: 'Only in realm 2' }), REALM_2);
  for (const c of companies) await bridge.sync.run(c.integration.id, { type: 'full' });
  // What the full syncs saw is not news: start the webhook log from here.
  await fake.deliverWebhooks(async () => new Response(null, { status: 200 }), {
    verifierToken: VERIFIER,
    format: 'cloudevents',
  });
  const close = async () => {
    await bridge.close();
    await shared.close();
  };
  return { fake, ...setup, companies: companies as [(typeof companies)[0], (typeof companies)[0]], close };
}

describe.each(BACKENDS)('scenario on %s storage: Intuit webhooks', (backend) => {
  for (const format of ['legacy', 'cloudevents'] as const satisfies readonly WebhookFormat[]) {
    it(`${format}: duplicated, reordered deliveries are applied with one Id IN query per entity`, async () => {
      const s = await twoCompanies(backend);
      const [one] = s.companies;
      const realm1 = s.fake.company(REALM_1);
      const [kept, doomed] = s.fake.records('Invoice', REALM_1);
      const customer = s.fake.records('Customer', REALM_1)[0];
      if (!kept || !doomed || !customer) throw new Error('setup');
      s.fake.clock.advance(60_000);
      const created = s.fake.seed.customers(3, (i) => ({ DisplayName: `Webhook ${format} ${i}` }), REALM_1);
      let token = customer.SyncToken;
      for (const name of ['First rename', 'Second rename'])
        token = realm1.update('Customer', {
          Id: customer.Id,
          SyncToken: token,
          sparse: true,
          DisplayName: name,
        }).SyncToken;
      realm1.update('Invoice', {
        Id: kept.Id,
        SyncToken: kept.SyncToken,
        sparse: true,
        DueDate: '2027-01-31',
      });
      realm1.delete('Invoice', { Id: doomed.Id, SyncToken: doomed.SyncToken });

      const before = s.fake.requests.length;
      const deliveries = await s.fake.deliverWebhooks(route(s.bridge), {
        verifierToken: VERIFIER,
        format,
        duplicate: true,
        reorder: true,
      });
      expect(deliveries.map((d) => d.status)).toEqual(deliveries.map(() => 200));
      await s.bridge.webhooks.process();

      const events = await s.bridge.webhooks.events({ integrationId: one.integration.id });
      expect(events.length).toBe(deliveries[0]?.eventCount);
      expect(events.every((e) => e.status === 'processed')).toBe(true);
      expect(batchedReads(s.fake, before)).toEqual({ Customer: 1, Invoice: 1 });

      const names = s.local.customer?.all().map((r) => r.data.name) ?? [];
      expect(names).toEqual(expect.arrayContaining(['Second rename', ...created.map((c) => c.DisplayName)]));
      expect(names).not.toContain('First rename');
      const invoices = s.local.invoice?.all() ?? [];
      expect(invoices.map((r) => r.data.dueDate)).toEqual(['2027-01-31']);
      await s.close();
    });
  }

  it('routes by realmId when every company signs with the same verifier token, and refuses a bad signature', async () => {
    const s = await twoCompanies(backend);
    const [one, two] = s.companies;
    const linksOfOne = await s.storage.syncRecords.list({
      syncConfigId: one.configs.customer.id,
      limit: 100,
    });
    s.fake.clock.advance(60_000);
    const [fresh] = s.fake.seed.customers(1, () => ({ DisplayName: 'New in realm 2' }), REALM_2);
    await s.fake.deliverWebhooks(route(s.bridge), { verifierToken: VERIFIER, format: 'legacy' });
    await s.bridge.webhooks.process();
    expect(await s.bridge.webhooks.events({ integrationId: one.integration.id })).toHaveLength(0);
    const events = await s.bridge.webhooks.events({ integrationId: two.integration.id });
    expect(events.map((e) => e.status)).toEqual(['processed']);
    const links = await s.storage.syncRecords.list({ syncConfigId: two.configs.customer.id, limit: 10 });
    expect(links.map((l) => l.remoteId)).toContain(fresh?.Id);
    // Realm 1's links are untouched (ids are per company: the same Id may exist in both).
    expect(await s.storage.syncRecords.list({ syncConfigId: one.configs.customer.id, limit: 100 })).toEqual(
      linksOfOne,
    );

    s.fake.seed.customers(1, undefined, REALM_1);
    const forged = await s.fake.deliverWebhooks(route(s.bridge), {
      verifierToken: 'not-the-token',
      format: 'cloudevents',
    });
    expect(forged.map((d) => d.status)).toEqual([401]);
    expect(await s.bridge.webhooks.events({ integrationId: one.integration.id })).toHaveLength(0);
    await s.close();
  });
});
