import { describe, expect, it } from 'vitest';
import { harness, TRANSPORTS, useTransports } from './helpers/fake-harness.js';

useTransports();

type Body = Record<string, Record<string, unknown>> & {
  Fault: { Error: { code: string; Message: string; Detail: string; element?: string }[]; type: string };
};

describe.each(TRANSPORTS)('fake QuickBooks writes over %s', (transport) => {
  async function post(
    h: Awaited<ReturnType<typeof harness>>,
    path: string,
    json: unknown,
    query: Record<string, string> = {},
  ) {
    const res = await h.api(path, { json, query });
    return { status: res.status, body: (await res.json()) as Body };
  }

  it('creates with numeric string ids, SyncToken 0 and MetaData times', async () => {
    const h = await harness(transport);
    const { status, body } = await post(h, 'customer', {
      DisplayName: 'Ada Lovelace',
      PrimaryEmailAddr: { Address: 'ada@example.com' },
    });
    expect(status).toBe(200);
    const c = body.Customer as Record<string, unknown> & { MetaData: Record<string, string> };
    expect(c.Id).toMatch(/^\d+$/);
    expect(c.SyncToken).toBe('0');
    expect(c.Active).toBe(true);
    expect(c.MetaData.CreateTime).toBe(c.MetaData.LastUpdatedTime);
    const read = await h.api(`customer/${c.Id}`);
    expect(((await read.json()) as Body).Customer).toEqual(c);
  });

  it('rejects a duplicate DisplayName with 6240 and a missing name with 2020', async () => {
    const h = await harness(transport);
    h.fake.seed.customers(1, () => ({ DisplayName: 'Acme' }));
    const dup = await post(h, 'customer', { DisplayName: 'acme' });
    expect(dup.status).toBe(400);
    expect(dup.body.Fault.type).toBe('ValidationFault');
    expect(dup.body.Fault.Error[0]).toMatchObject({ code: '6240', Message: 'Duplicate Name Exists Error' });
    const missing = await post(h, 'customer', { Notes: 'no name' });
    expect(missing.body.Fault.Error[0]).toMatchObject({ code: '2020', element: 'DisplayName' });
    expect(h.fake.records('Customer')).toHaveLength(1);
  });

  it('sparse update changes only what is sent; full update clears omitted fields', async () => {
    const h = await harness(transport);
    const [c] = h.fake.seed.customers(1, () => ({ DisplayName: 'Bob', Notes: 'vip', CompanyName: 'Bob Co' }));
    const sparse = await post(h, 'customer', { Id: c?.Id, SyncToken: '0', sparse: true, Notes: 'changed' });
    expect(sparse.body.Customer).toMatchObject({ Notes: 'changed', CompanyName: 'Bob Co', SyncToken: '1' });
    const full = await post(h, 'customer', { Id: c?.Id, SyncToken: '1', DisplayName: 'Bob' });
    expect(full.body.Customer?.SyncToken).toBe('2');
    expect(full.body.Customer).not.toHaveProperty('CompanyName');
    expect(full.body.Customer).not.toHaveProperty('Notes');
  });

  it('answers a stale SyncToken with 5010 Stale Object Error and keeps the record', async () => {
    const h = await harness(transport);
    const [c] = h.fake.seed.customers(1);
    await post(h, 'customer', { Id: c?.Id, SyncToken: '0', sparse: true, Notes: 'first' });
    const stale = await post(h, 'customer', { Id: c?.Id, SyncToken: '0', sparse: true, Notes: 'second' });
    expect(stale.status).toBe(400);
    expect(stale.body.Fault.Error[0]).toMatchObject({ code: '5010', Message: 'Stale Object Error' });
    expect(h.fake.company().read('Customer', c?.Id as string).Notes).toBe('first');
  });

  it('replays the original response for a repeated requestid', async () => {
    const h = await harness(transport);
    const a = await post(h, 'customer', { DisplayName: 'Once' }, { requestid: 'req-1' });
    const b = await post(h, 'customer', { DisplayName: 'Once' }, { requestid: 'req-1' });
    expect(b).toEqual(a);
    expect(h.fake.records('Customer')).toHaveLength(1);
    const other = await post(h, 'customer', { DisplayName: 'Once' }, { requestid: 'req-2' });
    expect(other.body.Fault.Error[0]?.code).toBe('6240');
  });

  it('deletes a transaction once; a second delete is 610; name lists cannot be deleted', async () => {
    const h = await harness(transport);
    const [inv] = h.fake.seed.invoices(1);
    expect(inv?.TotalAmt).toBe(150);
    const del = await post(h, 'invoice', { Id: inv?.Id, SyncToken: inv?.SyncToken }, { operation: 'delete' });
    expect(del.body.Invoice).toEqual({ status: 'Deleted', domain: 'QBO', Id: inv?.Id });
    const again = await post(
      h,
      'invoice',
      { Id: inv?.Id, SyncToken: inv?.SyncToken },
      { operation: 'delete' },
    );
    expect(again.status).toBe(400);
    expect(again.body.Fault.Error[0]).toMatchObject({ code: '610', Message: 'Object Not Found' });
    const [c] = h.fake.seed.customers(1);
    const nameList = await post(h, 'customer', { Id: c?.Id, SyncToken: '0' }, { operation: 'delete' });
    expect(nameList.status).toBe(400);
    expect(h.fake.records('Customer').map((r) => r.Id)).toContain(c?.Id);
  });

  it('voids an invoice and applies payments to invoice balances', async () => {
    const h = await harness(transport);
    const [inv] = h.fake.seed.invoices(1, { amount: 80 });
    const [pay] = h.fake.seed.payments(1, { invoiceId: inv?.Id as string });
    expect(pay?.TotalAmt).toBe(80);
    const paid = h.fake.company().read('Invoice', inv?.Id as string);
    expect(paid.Balance).toBe(0);
    const voided = await post(
      h,
      'invoice',
      { Id: inv?.Id, SyncToken: paid.SyncToken },
      { operation: 'void' },
    );
    expect(voided.body.Invoice).toMatchObject({ TotalAmt: 0, Balance: 0, PrivateNote: 'Voided' });
  });

  it('validates invoice references and inventory items', async () => {
    const h = await harness(transport);
    const bad = await post(h, 'invoice', { CustomerRef: { value: '999' }, Line: [] });
    expect(bad.body.Fault.Error[0]).toMatchObject({ code: '2500', element: 'CustomerRef' });
    const [inventory] = h.fake.seed.items(1, () => ({ Type: 'Inventory' }));
    expect(inventory).toMatchObject({ Type: 'Inventory', TrackQtyOnHand: true, QtyOnHand: 10 });
    const noQty = await post(h, 'item', {
      Name: 'Widget',
      Type: 'Inventory',
      IncomeAccountRef: { value: '1' },
      AssetAccountRef: { value: '3' },
      ExpenseAccountRef: { value: '4' },
    });
    expect(noQty.body.Fault.Error[0]).toMatchObject({ code: '2020', element: 'QtyOnHand' });
  });
});
