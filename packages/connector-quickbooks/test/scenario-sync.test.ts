import { describe, expect, it } from 'vitest';
import { CDC_RESPONSE_LIMIT, customerMappings, invoiceMappings } from '../src/index.js';
import {
  connectThroughOAuth,
  quickBooksBridge,
  serveFake,
  useIntuitHosts,
} from './helpers/bridge-harness.js';
import { BACKENDS, type BackendName, sharedStorage } from './helpers/storages.js';

useIntuitHosts();

async function connected(backend: BackendName) {
  const fake = serveFake();
  const shared = await sharedStorage(backend);
  const setup = quickBooksBridge({ fake, storage: shared.first });
  const integration = await connectThroughOAuth(setup.bridge);
  const close = async () => {
    await setup.bridge.close();
    await shared.close();
  };
  return { fake, ...setup, integration, close };
}

describe.each(BACKENDS)('scenario on %s storage: Customer and Invoice sync end to end', (backend) => {
  it("syncs customers named O'Brien, through an escaped query filter and back out", async () => {
    const s = await connected(backend);
    s.fake.seed.customers(2, (i) => ({ DisplayName: `Pat O'Brien ${i}`, CompanyName: "O'Brien & Sons" }));
    s.fake.seed.customers(1, () => ({ DisplayName: 'Other', CompanyName: 'O' }));
    s.fake.seed.customers(1, () => ({ DisplayName: 'Backslash', CompanyName: "O\\'Brien & Sons" }));
    await s.bridge.sync.configure(s.integration.id, {
      localEntity: 'customer',
      remoteEntity: 'Customer',
      direction: 'bidirectional',
      filter: { CompanyName: "O'Brien & Sons" },
      mappings: [...customerMappings],
    });
    const log = await s.bridge.sync.run(s.integration.id, { type: 'full' });
    expect(log).toMatchObject({ status: 'completed', recordsCreated: 2, recordsFailed: 0 });
    expect(
      s.local.customer
        ?.all()
        .map((r) => r.data.name)
        .sort(),
    ).toEqual(["Pat O'Brien 0", "Pat O'Brien 1"]);
    const queries = s.fake.requests.filter((r) => r.path.endsWith('/query')).map((r) => r.query.query);
    expect(queries.some((q) => q?.includes("CompanyName = 'O\\'Brien & Sons'"))).toBe(true);

    // The host creates one; the name arrives in QuickBooks exactly as written.
    await s.local.customer?.upsert([
      { id: 'host_1', data: { name: "Dara O'Brien", email: "dara.o'brien@example.com", status: 'active' } },
    ]);
    const pushed = await s.bridge.changes.notify('customer', ['host_1']);
    expect(pushed).toMatchObject([{ recordsCreated: 1, recordsFailed: 0 }]);
    const created = s.fake.records('Customer').find((c) => c.DisplayName === "Dara O'Brien");
    expect(created).toMatchObject({
      PrimaryEmailAddr: { Address: "dara.o'brien@example.com" },
      Active: true,
    });
    await s.close();
  });

  it('a filter value that tries to extend the query stays a literal and matches nothing', async () => {
    const s = await connected(backend);
    s.fake.seed.customers(3);
    await s.bridge.sync.configure(s.integration.id, {
      localEntity: 'customer',
      remoteEntity: 'Customer',
      direction: 'inbound',
      filter: { DisplayName: "x' OR Active = false --" },
      mappings: [...customerMappings],
    });
    const log = await s.bridge.sync.run(s.integration.id, { type: 'full' });
    expect(log).toMatchObject({ status: 'completed', recordsCreated: 0 });
    expect(s.fake.requests.filter((r) => r.status >= 400)).toEqual([]);
    await s.close();
  });

  it(`reads more than ${CDC_RESPONSE_LIMIT} changes in one incremental run by splitting the CDC window`, async () => {
    const s = await connected(backend);
    await s.bridge.sync.configure(s.integration.id, {
      localEntity: 'customer',
      remoteEntity: 'Customer',
      direction: 'inbound',
      mappings: [...customerMappings],
    });
    s.fake.seed.customers(10);
    await s.bridge.sync.run(s.integration.id, { type: 'full' });
    s.fake.clock.advance(60_000);
    const extra = CDC_RESPONSE_LIMIT + 150;
    s.fake.seed.customers(extra);
    const before = s.fake.requests.length;
    const log = await s.bridge.sync.run(s.integration.id, { type: 'incremental' });
    expect(log).toMatchObject({ status: 'completed', recordsCreated: extra, recordsFailed: 0 });
    expect(s.local.customer?.all()).toHaveLength(10 + extra);
    const cdc = s.fake.requests.slice(before).filter((r) => r.path.endsWith('/cdc'));
    expect(cdc.length).toBeGreaterThan(1);
    // Nothing was missed at the boundary: a second run finds no change.
    const again = await s.bridge.sync.run(s.integration.id, { type: 'incremental' });
    expect(again).toMatchObject({ recordsCreated: 0, recordsUpdated: 0, recordsFailed: 0 });
    expect(s.local.customer?.all()).toHaveLength(10 + extra);
    await s.close();
  }, 60_000);

  it('a host deletion deactivates a Customer (Active:false) but deletes an Invoice (operation=delete)', async () => {
    const s = await connected(backend);
    const [invoice] = s.fake.seed.invoices(2);
    const customers = await s.bridge.sync.configure(s.integration.id, {
      localEntity: 'customer',
      remoteEntity: 'Customer',
      direction: 'bidirectional',
      mappings: [...customerMappings],
    });
    const invoices = await s.bridge.sync.configure(s.integration.id, {
      localEntity: 'invoice',
      remoteEntity: 'Invoice',
      direction: 'bidirectional',
      mappings: [...invoiceMappings],
    });
    await s.bridge.sync.run(s.integration.id, { type: 'full' });
    expect(s.local.invoice?.all()).toHaveLength(2);
    const customerId = (invoice?.CustomerRef as { value: string } | undefined)?.value as string;
    const links = [
      ...(await s.storage.syncRecords.list({ syncConfigId: customers.id, limit: 100 })),
      ...(await s.storage.syncRecords.list({ syncConfigId: invoices.id, limit: 100 })),
    ];
    const localOf = (remoteId: string) => links.find((l) => l.remoteId === remoteId)?.localId as string;

    const before = s.fake.requests.length;
    await s.local.customer?.delete([localOf(customerId)]);
    await s.bridge.changes.notify('customer', [localOf(customerId)]);
    await s.local.invoice?.delete([localOf(invoice?.Id as string)]);
    await s.bridge.changes.notify('invoice', [localOf(invoice?.Id as string)]);
    const writes = s.fake.requests.slice(before).filter((r) => r.method === 'POST');

    const deactivation = writes.find((r) => r.path.endsWith('/customer'));
    expect(deactivation).toMatchObject({
      status: 200,
      body: { Id: customerId, Active: false, sparse: true },
    });
    expect(deactivation?.query.operation).toBeUndefined();
    expect(s.fake.company().find('Customer', customerId)).toMatchObject({ Active: false });

    const deletion = writes.find((r) => r.path.endsWith('/invoice'));
    expect(deletion).toMatchObject({
      status: 200,
      query: { operation: 'delete' },
      body: { Id: invoice?.Id },
    });
    expect(s.fake.company().find('Invoice', invoice?.Id as string)).toBeUndefined();
    await s.close();
  });

  it('a host invoice is created in QuickBooks with its lines, and its CDC echo makes no duplicate', async () => {
    const s = await connected(backend);
    const [customer] = s.fake.seed.customers(1);
    const [item] = s.fake.seed.items(1);
    await s.bridge.sync.configure(s.integration.id, {
      localEntity: 'invoice',
      remoteEntity: 'Invoice',
      direction: 'bidirectional',
      mappings: [...invoiceMappings],
    });
    await s.bridge.sync.run(s.integration.id, { type: 'full' });
    const lines = [
      {
        Amount: 120,
        DetailType: 'SalesItemLineDetail',
        SalesItemLineDetail: { ItemRef: { value: item?.Id }, Qty: 3, UnitPrice: 40 },
      },
    ];
    await s.local.invoice?.upsert([
      {
        id: 'inv_host_1',
        data: { number: 'H-1001', customerId: customer?.Id as string, dueDate: '2027-02-01', lines },
      },
    ]);
    expect(await s.bridge.changes.notify('invoice', ['inv_host_1'])).toMatchObject([
      { recordsCreated: 1, recordsFailed: 0 },
    ]);
    const created = s.fake.records('Invoice').find((r) => r.DocNumber === 'H-1001');
    expect(created).toMatchObject({
      CustomerRef: { value: customer?.Id },
      DueDate: '2027-02-01',
      TotalAmt: 120,
    });
    const log = await s.bridge.sync.run(s.integration.id, { type: 'incremental' });
    expect(log).toMatchObject({ status: 'completed', recordsFailed: 0 });
    // The create's echo in CDC is recognised: no second invoice on either side.
    expect(s.fake.records('Invoice')).toHaveLength(1);
    expect(s.local.invoice?.all().map((r) => r.id)).toEqual(['inv_host_1']);
    await s.close();
  });

  it('a QuickBooks deactivation archives the host customer; a QuickBooks invoice deletion deletes the host invoice', async () => {
    const s = await connected(backend);
    const [invoice] = s.fake.seed.invoices(1);
    for (const [localEntity, remoteEntity, mappings] of [
      ['customer', 'Customer', customerMappings],
      ['invoice', 'Invoice', invoiceMappings],
    ] as const)
      await s.bridge.sync.configure(s.integration.id, { localEntity, remoteEntity, mappings: [...mappings] });
    await s.bridge.sync.run(s.integration.id, { type: 'full' });
    const customerId = (invoice?.CustomerRef as { value: string } | undefined)?.value as string;
    s.fake.clock.advance(60_000);
    const customer = s.fake.company().read('Customer', customerId);
    s.fake.company().delete('Invoice', { Id: invoice?.Id, SyncToken: invoice?.SyncToken });
    s.fake
      .company()
      .update('Customer', { Id: customerId, SyncToken: customer.SyncToken, sparse: true, Active: false });
    const log = await s.bridge.sync.run(s.integration.id, { type: 'incremental' });
    expect(log).toMatchObject({ status: 'completed' });
    expect(s.local.invoice?.all()).toHaveLength(0);
    expect(s.local.customer?.all().map((r) => r.data.status)).toEqual(['archived']);
    await s.close();
  });
});
