import type { Connector, ConnectorContext, EntityDefinition } from '@syncbridge/core';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stripe } from './stripe-connector.js';
import { collect, connectedContext } from './test-support/connected-context.js';
import { createFakeStripe, type FakeStripe } from './testing/index.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const KEY = 'sk_test_entities';
let fake: FakeStripe;
let connector: Connector;
let ctx: ConnectorContext;
// biome-ignore lint/suspicious/noExplicitAny: records are checked by each entity's schema.
const entity = (name: string) => connector.entities[name] as EntityDefinition<any>;

beforeEach(async () => {
  fake = createFakeStripe({ apiKeys: [KEY] });
  server.use(...(await fake.handlers()));
  connector = stripe();
  ctx = await connectedContext(connector, KEY);
});

describe('stripe() entities against the fake', () => {
  it('streams every customer in pages of 100 and resumes from a page cursor', async () => {
    const seeded = fake.seed.customers(250);
    const pages = await collect(entity('customer').list(ctx, { cursor: null, since: null, filter: null }));
    expect(pages.map((p) => p.records.length)).toEqual([100, 100, 50]);
    const ids = pages.flatMap((p) => p.records.map((r: { id: string }) => r.id));
    expect(new Set(ids)).toEqual(new Set(seeded.map((c) => c.id)));
    expect(pages[0]?.cursor).toBe(ids[99]);
    expect(pages[2]?.cursor).toBeNull();
    const resumed = await collect(
      entity('customer').list(ctx, { cursor: pages[0]?.cursor ?? null, since: null, filter: null }),
    );
    expect(resumed.flatMap((p) => p.records.map((r: { id: string }) => r.id))).toEqual(ids.slice(100));
    const gets = fake.requests.filter((r) => r.path === '/v1/customers');
    expect(new URLSearchParams(gets[0]?.query).get('limit')).toBe('100');
    expect(gets[0]?.headers['stripe-version']).toBe('2026-09-30.endive');
    expect(gets[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    for (const record of ids.slice(0, 3)) {
      expect(entity('customer').schema.safeParse(fake.state.get(record)).success).toBe(true);
    }
  });

  it('ignores since for mutable objects, windows it for balance transactions, and passes the sync filter', async () => {
    const seeded = fake.seed.customers(10, { spacingSeconds: 3600 });
    const since = new Date((seeded[7]?.created as number) * 1000);
    const customers = await collect(entity('customer').list(ctx, { cursor: null, since, filter: null }));
    // An old customer may have been edited after `since`: Stripe cannot filter by update time.
    expect(customers.flatMap((p) => p.records)).toHaveLength(10);
    fake.seed.payouts(3, { spacingSeconds: 10 * 86_400 });
    const txnSince = new Date(fake.now().getTime() - 5 * 86_400_000);
    const txns = await collect(
      entity('balance_transaction').list(ctx, { cursor: null, since: txnSince, filter: null }),
    );
    // 14-day look-back: the payouts of now and now-10d, not the one of now-20d.
    expect(txns.flatMap((p) => p.records)).toHaveLength(2);
    const byEmail = await collect(
      entity('customer').list(ctx, {
        cursor: null,
        since: null,
        filter: { email: seeded[3]?.email as string },
      }),
    );
    expect(byEmail[0]?.records.map((r: { id: string }) => r.id)).toEqual([seeded[3]?.id]);
  });

  it('creates, updates and deletes a customer with idempotency keys; a retried create makes no duplicate', async () => {
    const customer = entity('customer');
    const data = {
      name: 'Ada',
      email: 'ada@example.com',
      metadata: { host_id: 'c_1' },
      address: { city: 'London' },
    };
    const created = await customer.create?.(ctx, data, { idempotencyKey: 'sb-create-c_1' });
    const retried = await customer.create?.(ctx, data, { idempotencyKey: 'sb-create-c_1' });
    expect(retried.id).toBe(created.id);
    expect(fake.state.list('customers')).toHaveLength(1);
    expect(created).toMatchObject({ name: 'Ada', metadata: { host_id: 'c_1' }, address: { city: 'London' } });
    const posts = fake.requests.filter((r) => r.method === 'POST');
    expect(posts[0]?.headers['idempotency-key']).toBe('sb-create-c_1');
    expect(posts[0]?.body).toBe(
      'name=Ada&email=ada%40example.com&metadata[host_id]=c_1&address[city]=London',
    );

    const updated = await customer.update?.(
      ctx,
      created.id,
      { email: null, metadata: { host_id: null, tier: 'gold' } },
      { idempotencyKey: 'sb-update-1' },
    );
    expect(updated).toMatchObject({ name: 'Ada', email: null, metadata: { tier: 'gold' } });
    expect((await customer.get?.(ctx, created.id))?.metadata).toEqual({ tier: 'gold' });

    await customer.delete?.(ctx, created.id, { idempotencyKey: 'sb-delete-1' });
    await customer.delete?.(ctx, created.id, { idempotencyKey: 'sb-delete-1' }); // a retry is harmless
    const stub = await customer.get?.(ctx, created.id);
    expect(stub).toEqual({ id: created.id, object: 'customer', deleted: true });
    expect(customer.isDeleted?.(stub)).toBe(true);
    expect(customer.schema.safeParse(stub).success).toBe(true);
    expect(await customer.get?.(ctx, 'cus_doesnotexist')).toBeNull();
  });

  it('survives a lost response: the retry with the same key returns the object created the first time', async () => {
    fake.dropNextResponse(1, { path: '/v1/customers', method: 'POST' });
    const data = { name: 'Lost response', metadata: { host_id: 'c_lost' } };
    await expect(entity('customer').create?.(ctx, data, { idempotencyKey: 'sb-lost' })).rejects.toThrow();
    expect(fake.state.list('customers')).toHaveLength(1); // Stripe did create it
    const retried = await entity('customer').create?.(ctx, data, { idempotencyKey: 'sb-lost' });
    expect(fake.state.list('customers').map((c) => c.id)).toEqual([retried.id]);
    expect(fake.requests.at(-1)?.status).toBe(200);
  });

  it('lets core retry a lost create response with the same Idempotency-Key, creating one customer', async () => {
    const retrying = await connectedContext(connector, KEY, { retry: 2 });
    fake.dropNextResponse(1, { path: '/v1/customers', method: 'POST' });
    const data = { name: 'Lost once', metadata: { host_id: 'c_lost_once' } };
    const created = await entity('customer').create?.(retrying, data, { idempotencyKey: 'sb-c-link-1' });
    expect(fake.state.list('customers').map((c) => c.id)).toEqual([created.id]);
    const posts = fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/customers');
    expect(posts).toHaveLength(2);
    expect(posts.map((p) => p.headers['idempotency-key'])).toEqual(['sb-c-link-1', 'sb-c-link-1']);
  });

  it('retries GETs through 500 and 429 answers (Stripe-Should-Retry, Retry-After) and then succeeds', async () => {
    const retrying = await connectedContext(connector, KEY, { retry: 3 });
    fake.seed.customers(2);
    fake.failNext(1, { status: 500, path: '/v1/customers' });
    fake.failNext(1, { status: 429, path: '/v1/customers', headers: { 'retry-after': '0' } });
    const pages = await collect(
      entity('customer').list(retrying, { cursor: null, since: null, filter: null }),
    );
    expect(pages.flatMap((p) => p.records)).toHaveLength(2);
    expect(fake.requests.map((r) => r.status)).toEqual([500, 429, 200]);
  });

  it('completes a sparse nested change, since Stripe replaces nested hashes as a whole', async () => {
    const [seeded] = fake.seed.customers(1);
    const before = seeded?.address as Record<string, string>;
    const updated = await entity('customer').update?.(
      ctx,
      seeded?.id as string,
      {
        address: { city: 'Lyon' },
        shipping: { address: { postal_code: '69001' } },
        metadata: { segment: 'vip' },
      },
      { idempotencyKey: 'k-nested' },
    );
    expect(updated.address).toEqual({ ...before, city: 'Lyon' });
    expect(updated.shipping.name).toBe((seeded!.shipping as { name: string }).name);
    expect(updated.shipping.address).toEqual({ ...before, postal_code: '69001' });
    expect(updated.metadata).toMatchObject({ segment: 'vip', host_id: 'c_0' });
    // Flat changes need no read first.
    const before2 = fake.requests.length;
    await entity('customer').update?.(
      ctx,
      seeded?.id as string,
      { name: 'Flat' },
      { idempotencyKey: 'k-flat' },
    );
    expect(fake.requests.slice(before2).map((r) => r.method)).toEqual(['POST']);
  });

  it('deactivates prices instead of deleting, and archives a product that has prices', async () => {
    const [product] = fake.seed.products(1);
    const priceId = product?.default_price as string;
    await entity('price').delete?.(ctx, priceId, { idempotencyKey: 'k-price' });
    expect(fake.state.get(priceId)?.active).toBe(false);
    await entity('product').delete?.(ctx, product?.id as string, { idempotencyKey: 'k-prod' });
    expect(fake.state.get(product?.id as string)).toMatchObject({ active: false });
    const bare = await entity('product').create?.(ctx, { name: 'Bare' }, { idempotencyKey: 'k-bare' });
    await entity('product').delete?.(ctx, bare.id, { idempotencyKey: 'k-bare-del' });
    expect(fake.state.get(bare.id)).toBeUndefined();
    expect(connector.capabilities.entities.price?.delete).toBe('deactivate');
  });

  it('deletes a draft invoice, voids an open one, and leaves a void one alone', async () => {
    const [customer] = fake.seed.customers(1);
    const invoice = entity('invoice');
    const draft = await invoice.create?.(
      ctx,
      { customer: customer?.id as string, description: 'Draft' },
      { idempotencyKey: 'k-inv' },
    );
    const edited = await invoice.update?.(
      ctx,
      draft.id,
      { description: 'Edited', metadata: { host_id: 'i_1' } },
      { idempotencyKey: 'k-inv-2' },
    );
    expect(edited).toMatchObject({ description: 'Edited', status: 'draft' });
    await invoice.delete?.(ctx, draft.id, { idempotencyKey: 'k-inv-del' });
    expect(fake.state.get(draft.id)).toBeUndefined();
    const [open] = fake.seed.invoices(1, { customer: customer?.id as string, status: 'open' });
    await invoice.delete?.(ctx, open?.id as string, { idempotencyKey: 'k-void' });
    expect(fake.state.get(open?.id as string)?.status).toBe('void');
    await invoice.delete?.(ctx, open?.id as string, { idempotencyKey: 'k-void-2' });
    expect(fake.requests.filter((r) => r.path.endsWith('/void'))).toHaveLength(1);
    const got = await invoice.get?.(ctx, open?.id as string);
    expect(got.lines.data).toHaveLength(2);
  });

  it('reads payment intents, charges, refunds, balance transactions and payouts', async () => {
    fake.seed.payments(3, { refunded: true });
    fake.seed.payouts(2);
    const counts: Record<string, number> = {};
    for (const name of ['payment_intent', 'charge', 'refund', 'balance_transaction', 'payout']) {
      const pages = await collect(entity(name).list(ctx, { cursor: null, since: null, filter: null }));
      const records = pages.flatMap((p) => p.records);
      for (const r of records) expect(entity(name).schema.safeParse(r).success).toBe(true);
      counts[name] = records.length;
    }
    expect(counts).toEqual({ payment_intent: 3, charge: 3, refund: 3, balance_transaction: 8, payout: 2 });
    expect(entity('charge').create).toBeUndefined();
    expect(connector.capabilities.entities.payout).toMatchObject({ inbound: true, outbound: false });
  });

  it('proves the key with a cheap GET /v1/balance', async () => {
    await connector.test?.(ctx);
    expect(fake.requests.at(-1)?.path).toBe('/v1/balance');
    const bad = await connectedContext(connector, 'sk_test_wrong');
    await expect(connector.test?.(bad)).rejects.toMatchObject({ name: 'AuthError' });
  });
});

describe('stripe() invoices with many lines', () => {
  it('reads lines beyond the 10 Stripe embeds, in list and get', async () => {
    const [inv] = fake.seed.invoices(1, { lines: 25, status: 'draft' });
    const raw = await ctx.http.request<{ lines: { data: unknown[]; has_more: boolean } }>({
      method: 'GET',
      path: `/v1/invoices/${inv?.id}`,
    });
    expect(raw.data.lines).toMatchObject({ has_more: true });
    expect(raw.data.lines.data).toHaveLength(10);
    const got = await entity('invoice').get?.(ctx, inv?.id as string);
    expect(got.lines.data).toHaveLength(25);
    expect(new Set(got.lines.data.map((l: { id: string }) => l.id)).size).toBe(25);
    expect(got.lines.has_more).toBe(false);
    const pages = await collect(entity('invoice').list(ctx, { cursor: null, since: null, filter: null }));
    expect(pages[0]?.records[0].lines.data.map((l: { description: string }) => l.description)).toEqual(
      Array.from({ length: 25 }, (_, i) => `Line ${i + 1}`),
    );
  });
});
