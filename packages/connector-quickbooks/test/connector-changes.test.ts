import { type ChangePage, isSyncBridgeError } from '@syncbridge/core';
import { describe, expect, it } from 'vitest';
import { quickBooksChanges } from '../src/index.js';
import { collect, connectToFake } from './helpers/connect-to-fake.js';
import { harness, useTransports } from './helpers/fake-harness.js';

useTransports();

type Rec = { Id: string; SyncToken: string };

describe('quickbooks() changes (CDC)', () => {
  it('reads upserts and deletes of every entity in one call, with the response time as cursor', async () => {
    const h = await harness('msw');
    const cursor = h.fake.clock.now().toISOString();
    const [inv] = h.fake.seed.invoices(1) as Rec[];
    h.fake.company().delete('Invoice', { Id: inv?.Id, SyncToken: inv?.SyncToken });
    const { connector, ctx } = connectToFake(h);
    const pages = await collect(
      connector.changes?.(ctx, { cursor, entities: ['Customer', 'Invoice', 'TaxCode'] }) ?? [],
    );
    expect(pages).toHaveLength(1);
    const page = pages[0] as ChangePage;
    expect(page.changes.map((c) => [c.entity, c.type])).toEqual([
      ['Customer', 'upsert'],
      ['Invoice', 'delete'],
    ]);
    expect(page.changes[0]?.version).toBe('0');
    expect(page.changes[0]?.record).toMatchObject({
      Id: expect.any(String),
      DisplayName: expect.any(String),
    });
    expect(Date.parse(page.cursor)).toBe(h.fake.clock.now().getTime());
    const cdc = h.fake.requests.filter((r) => r.path.endsWith('/cdc'));
    expect(cdc).toHaveLength(1);
    expect(cdc[0]?.query).toMatchObject({
      entities: 'Customer,Invoice',
      changedSince: cursor,
      minorversion: '75',
    });
  });

  it('splits the window when a response holds 1,000 objects and loses nothing', async () => {
    const h = await harness('msw');
    const cursor = h.fake.clock.now().toISOString();
    const customers = h.fake.seed.customers(2300) as Rec[];
    const [item] = h.fake.seed.items(1) as Rec[];
    const invoices = h.fake.seed.invoices(600, {
      customerId: customers[0]?.Id as string,
      itemId: item?.Id as string,
    }) as Rec[];
    const { connector, ctx } = connectToFake(h);
    const pages = await collect(
      connector.changes?.(ctx, { cursor, entities: ['Customer', 'Invoice'] }) ?? [],
    );
    const ids = (entity: string) =>
      new Set(pages.flatMap((p) => p.changes.filter((c) => c.entity === entity).map((c) => c.id)));
    expect(ids('Customer')).toEqual(new Set(customers.map((c) => c.Id)));
    expect(ids('Invoice')).toEqual(new Set(invoices.map((c) => c.Id)));
    expect(pages.length).toBeGreaterThan(3);
    expect(Date.parse(pages.at(-1)?.cursor as string)).toBe(h.fake.clock.now().getTime());
    // Every intermediate cursor is a safe resume point: never later than the final one.
    for (const p of pages) expect(Date.parse(p.cursor)).toBeLessThanOrEqual(h.fake.clock.now().getTime());
    expect(Date.parse(pages[0]?.cursor as string)).toBe(Date.parse(cursor));
  });

  it('starts from the oldest change CDC still keeps when there is no cursor yet', async () => {
    const h = await harness('msw');
    const seeded = h.fake.seed.customers(2) as Rec[];
    const { connector, ctx } = connectToFake(h);
    const pages = await collect(connector.changes?.(ctx, { cursor: null, entities: ['Customer'] }) ?? []);
    expect(pages.flatMap((p) => p.changes.map((c) => c.id))).toEqual(seeded.map((r) => r.Id));
    const since = Date.parse(h.fake.requests[0]?.query.changedSince as string);
    expect(Date.now() - since).toBeGreaterThanOrEqual(29 * 24 * 3600 * 1000);
  });

  it('does not call its own default start expired when the clock ticks in between', async () => {
    const h = await harness('msw');
    h.fake.seed.customers(1);
    const { ctx } = connectToFake(h);
    let t = Date.now();
    const ticking = () => new Date(t++);
    const pages = await collect(
      quickBooksChanges(ctx, 75, { cursor: null, entities: ['Customer'] }, ticking),
    );
    expect(pages.flatMap((p) => p.changes)).toHaveLength(1);
  });

  it('throws CURSOR_EXPIRED for a watermark older than 29 days', async () => {
    const h = await harness('msw');
    const { connector, ctx } = connectToFake(h);
    const old = new Date(Date.now() - 29 * 24 * 3600 * 1000 - 60_000).toISOString();
    const error = await collect(
      connector.changes?.(ctx, { cursor: old, entities: ['Customer'] }) ?? [],
    ).catch((e) => e);
    expect(isSyncBridgeError(error)).toBe(true);
    expect(error.code).toBe('CURSOR_EXPIRED');
    expect(h.fake.requests).toHaveLength(0);
  });
});
