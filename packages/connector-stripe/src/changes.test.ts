import type { ChangePage, Connector, ConnectorContext } from '@syncbridge/core';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decodeEventCursor, encodeEventCursor, stripeEventCursorNow } from './changes.js';
import { stripe } from './stripe-connector.js';
import { collect, connectedContext } from './test-support/connected-context.js';
import { createFakeStripe, type FakeStripe } from './testing/index.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const KEY = 'sk_test_changes';
let fake: FakeStripe;
let connector: Connector;
let ctx: ConnectorContext;
const ALL = ['customer', 'product', 'price', 'invoice', 'payment_intent', 'charge', 'refund', 'payout'];

beforeEach(async () => {
  fake = createFakeStripe({ apiKeys: [KEY] });
  server.use(...(await fake.handlers()));
  connector = stripe();
  ctx = await connectedContext(connector, KEY);
});

async function feed(cursor: string | null, entities = ALL): Promise<ChangePage[]> {
  return collect(connector.changes?.(ctx, { cursor, entities }) as AsyncIterable<ChangePage>);
}

const startCursor = () => stripeEventCursorNow(ctx);

const post = (path: string, form: string) =>
  fake.handle(
    new Request(`https://api.stripe.com${path}`, {
      method: path.includes('DELETE') ? 'DELETE' : 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    }),
  );

describe('stripe() change feed over the Events API', () => {
  it('replays every retained event oldest first from a null cursor, with flat memory paging', async () => {
    fake.seed.customers(150, { events: true, spacingSeconds: 0 });
    await post('/v1/products', 'name=Last');
    const pages = await feed(null);
    const changes = pages.flatMap((p) => p.changes);
    expect(changes).toHaveLength(151);
    expect(changes.map((c) => c.id).slice(0, 150)).toEqual(
      fake.state
        .list('customers')
        .map((c) => c.id)
        .reverse(),
    );
    expect(changes.at(-1)?.entity).toBe('product');
    expect(decodeEventCursor(pages.at(-1)?.cursor as string).eventId).toBe(fake.state.events().at(-1)?.id);
  });

  it('answers a null cursor on an account without events with one empty page and a cursor', async () => {
    const pages = await feed(null);
    expect(pages).toHaveLength(1);
    expect(pages[0]?.changes).toEqual([]);
    await post('/v1/customers', 'name=After');
    const next = (await feed(pages[0]?.cursor as string)).flatMap((p) => p.changes);
    expect(next.map((c) => c.entity)).toEqual(['customer']);
  });

  it('starts at the newest event and then yields later mutations oldest first', async () => {
    fake.seed.customers(3, { events: true });
    const cursor = await startCursor();
    const created = (await (await post('/v1/customers', 'name=New')).json()) as { id: string };
    await post(`/v1/customers/${created.id}`, 'name=Renamed');
    await fake.handle(
      new Request(`https://api.stripe.com/v1/customers/${created.id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${KEY}` },
      }),
    );
    const pages = await feed(cursor);
    const changes = pages.flatMap((p) => p.changes);
    expect(changes.map((c) => [c.entity, c.id, c.type])).toEqual([
      ['customer', created.id, 'upsert'],
      ['customer', created.id, 'upsert'],
      ['customer', created.id, 'delete'],
    ]);
    expect((changes[1]!.record as { name: string }).name).toBe('Renamed');
    expect(changes[2]?.record).toBeUndefined();
    expect(changes[0]?.occurredAt).toEqual(new Date(Math.floor(fake.now().getTime() / 1000) * 1000));
    // The last cursor points at the newest event: polling again yields nothing new.
    const again = await feed(pages.at(-1)?.cursor as string);
    expect(again.flatMap((p) => p.changes)).toEqual([]);
    const events = fake.requests.filter((r) => r.path === '/v1/events');
    expect(new URLSearchParams(events.at(-1)?.query).getAll('types[]')).toContain('customer.*');
  });

  it('reports initialChangeCursor at the newest event of the synced entities, so a feed from it sees only later changes', async () => {
    expect(connector.initialChangeCursor).toBeTypeOf('function');
    const [before] = fake.seed.customers(1, { events: true });
    await post('/v1/products', 'name=Newer, but not a customer');
    const cursor = await connector.initialChangeCursor!(ctx, ['customer']);
    const customerEvents = fake.state.events().filter((e) => String(e.type).startsWith('customer.'));
    expect(decodeEventCursor(cursor).eventId).toBe(customerEvents.at(-1)?.id);
    const events = fake.requests.filter((r) => r.path === '/v1/events');
    expect(new URLSearchParams(events.at(-1)?.query).getAll('types[]')).toEqual(['customer.*']);
    await post(`/v1/customers/${before!.id}`, 'name=Edited after the cursor');
    const changes = (await feed(cursor, ['customer'])).flatMap((p) => p.changes);
    expect(changes.map((c) => [c.id, c.type])).toEqual([[before!.id, 'upsert']]);
    // Customers have no `updated`: the record the event carried tells when it changed (last-write-wins needs it).
    expect(connector.entities.customer!.updatedAt(changes[0]!.record)).toEqual(changes[0]!.occurredAt);
  });

  it('walks more than one page of events forward, each page a resumable cursor', async () => {
    await post('/v1/products', 'name=Anchor');
    const cursor = await startCursor();
    expect(decodeEventCursor(cursor).eventId).toMatch(/^evt_/);
    fake.seed.customers(230, { events: true, spacingSeconds: 0 });
    const pages = await feed(cursor, ['customer']);
    expect(pages.map((p) => p.changes.length)).toEqual([100, 100, 30]);
    const ids = pages.flatMap((p) => p.changes.map((c) => c.id));
    expect(ids).toEqual(
      fake.state
        .list('customers')
        .map((c) => c.id)
        .reverse(),
    );
    const resumed = await feed(pages[0]?.cursor as string, ['customer']);
    expect(resumed.flatMap((p) => p.changes.map((c) => c.id))).toEqual(ids.slice(100));
  });

  it('keeps only the entities asked for and maps invoice, payment and charge events', async () => {
    const cursor = await startCursor();
    fake.seed.invoices(1, { status: 'paid', events: true });
    const invoiceOnly = (await feed(cursor, ['invoice'])).flatMap((p) => p.changes);
    expect(new Set(invoiceOnly.map((c) => c.entity))).toEqual(new Set(['invoice']));
    const all = (await feed(cursor)).flatMap((p) => p.changes);
    expect(new Set(all.map((c) => c.entity))).toEqual(
      new Set(['customer', 'invoice', 'payment_intent', 'charge']),
    );
    expect(await feed(cursor, ['balance_transaction'])).toEqual([]);
  });

  it('starts from the first event when the account had none, without losing any', async () => {
    const cursor = await startCursor();
    expect(decodeEventCursor(cursor).eventId).toBe('');
    fake.seed.customers(120, { events: true, spacingSeconds: 0 });
    const pages = await feed(cursor, ['customer']);
    expect(pages.flatMap((p) => p.changes)).toHaveLength(120);
    expect(decodeEventCursor(pages.at(-1)?.cursor as string).eventId).toBe(fake.state.events().at(-1)?.id);
  });

  it('leaves the record out when the event is rendered in another API version', async () => {
    const other = createFakeStripe({ apiKeys: [KEY], apiVersion: '2025-01-27.acacia' });
    server.use(...(await other.handlers()));
    fake = other;
    const cursor = await startCursor();
    await post('/v1/customers', 'name=Old%20version');
    const [change] = (await feed(cursor)).flatMap((p) => p.changes);
    expect(change?.type).toBe('upsert');
    expect(change?.record).toBeUndefined();
  });

  it('throws CURSOR_EXPIRED when the cursor is older than 30 days or Stripe no longer has its event', async () => {
    fake.seed.customers(1, { events: true });
    const cursor = await startCursor();
    fake.advance(31 * 86_400_000);
    await expect(feed(cursor)).rejects.toMatchObject({ code: 'CURSOR_EXPIRED' });
    const old = encodeEventCursor({
      created: Math.floor(Date.now() / 1000) - 31 * 86_400,
      eventId: 'evt_old',
    });
    await expect(feed(old)).rejects.toMatchObject({ code: 'CURSOR_EXPIRED' });
    await expect(feed('garbage')).rejects.toMatchObject({ code: 'CURSOR_INVALID' });
  });

  it('skips events whose object has no id (invoice.upcoming) without failing the page', async () => {
    const cursor = await startCursor();
    await post('/v1/customers', 'name=Before');
    fake.state.account().events.push({
      id: 'evt_zzzzzzupcoming',
      object: 'event',
      api_version: '2026-09-30.endive',
      created: Math.floor(fake.now().getTime() / 1000),
      data: {
        object: {
          object: 'invoice',
          customer: 'cus_x',
          amount_due: 100,
          lines: { object: 'list', data: [] },
        },
      },
      livemode: false,
      pending_webhooks: 0,
      request: { id: null, idempotency_key: null },
      type: 'invoice.upcoming',
    });
    const changes = (await feed(cursor)).flatMap((p) => p.changes);
    expect(changes.map((c) => c.entity)).toEqual(['customer']);
  });
});
