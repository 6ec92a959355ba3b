import { describe, expect, it } from 'vitest';
import { collect, connectToFake, entityOf } from './helpers/connect-to-fake.js';
import { harness, useTransports } from './helpers/fake-harness.js';

useTransports();

describe('quickbooks() transactions and items', () => {
  it('creates an item, an invoice on it and a payment that settles the invoice', async () => {
    const h = await harness('msw');
    const [customer] = h.fake.seed.customers(1);
    const { connector, ctx } = connectToFake(h);
    const item = await entityOf(connector, 'Item').create(
      ctx,
      { Name: 'Consulting', Type: 'Service', UnitPrice: 120, IncomeAccountRef: { value: '1' } },
      { idempotencyKey: 'item-1' },
    );
    const invoice = await entityOf(connector, 'Invoice').create(
      ctx,
      {
        CustomerRef: { value: customer?.Id },
        Line: [
          {
            Amount: 240,
            DetailType: 'SalesItemLineDetail',
            SalesItemLineDetail: { ItemRef: { value: item.Id }, Qty: 2 },
          },
        ],
      },
      { idempotencyKey: 'inv-1' },
    );
    expect(invoice).toMatchObject({ TotalAmt: 240, Balance: 240, SyncToken: '0' });
    const payment = await entityOf(connector, 'Payment').create(
      ctx,
      {
        CustomerRef: { value: customer?.Id },
        TotalAmt: 240,
        Line: [{ Amount: 240, LinkedTxn: [{ TxnId: invoice.Id, TxnType: 'Invoice' }] }],
      },
      { idempotencyKey: 'pay-1' },
    );
    expect(payment.TotalAmt).toBe(240);
    const settled = await entityOf(connector, 'Invoice').get(ctx, invoice.Id as string);
    expect(settled).toMatchObject({ Balance: 0, SyncToken: '1' });
    const invoices = await collect(
      entityOf(connector, 'Invoice').list(ctx, { cursor: null, since: null, filter: null }),
    );
    expect(invoices.flatMap((p) => p.records.map((r) => r.Id))).toEqual([invoice.Id]);
    // Transactions have no Active flag: their list query must not constrain it.
    const q = h.fake.requests.filter((r) => r.path.endsWith('/query')).at(-1)?.query.query;
    expect(q).toBe('SELECT * FROM Invoice ORDERBY Metadata.LastUpdatedTime STARTPOSITION 1 MAXRESULTS 1000');
  });

  it('deactivates an item and still lists it', async () => {
    const h = await harness('msw');
    const [item] = h.fake.seed.items(1, () => ({ Type: 'Inventory' }));
    const { connector, ctx } = connectToFake(h);
    await entityOf(connector, 'Item').delete(ctx, item?.Id as string, { idempotencyKey: 'x', version: '0' });
    const pages = await collect(
      entityOf(connector, 'Item').list(ctx, { cursor: null, since: null, filter: null }),
    );
    expect(pages.flatMap((p) => p.records)).toMatchObject([
      { Id: item?.Id, Active: false, Type: 'Inventory' },
    ]);
  });

  it('reads accounts and tax codes but cannot write them', async () => {
    const h = await harness('msw');
    const { connector, ctx } = connectToFake(h);
    const accounts = await collect(
      entityOf(connector, 'Account').list(ctx, { cursor: null, since: null, filter: null }),
    );
    expect(accounts.flatMap((p) => p.records).length).toBeGreaterThan(0);
    const codes = await collect(
      entityOf(connector, 'TaxCode').list(ctx, { cursor: null, since: null, filter: null }),
    );
    expect(codes.flatMap((p) => p.records.map((r) => r.Name))).toEqual(['TAX', 'NON']);
    expect(connector.entities.TaxCode?.update).toBeUndefined();
    expect(connector.capabilities.entities.TaxCode).toMatchObject({ outbound: false, delete: 'none' });
  });
});
