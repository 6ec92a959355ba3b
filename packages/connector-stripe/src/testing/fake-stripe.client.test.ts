import { serveFetchHandler } from '@syncbridge/testing/fakes';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeStripe, type FakeStripe, signStripePayload } from './index.js';

// The official stripe-node client, pointed at the loopback fake, is an independent oracle:
// it encodes params, pages and verifies signatures its own way.
describe('fake Stripe through the official stripe-node client', () => {
  const key = 'sk_test_51FakeKeyForTheOracle';
  let fake: FakeStripe;
  let server: { url: string; close(): Promise<void> };
  let stripe: Stripe;

  beforeAll(async () => {
    fake = createFakeStripe({ apiKeys: [key] });
    server = await fake.listen();
    stripe = new Stripe(key, {
      host: '127.0.0.1',
      port: Number(new URL(server.url).port),
      protocol: 'http',
      maxNetworkRetries: 0,
    });
  });
  afterAll(() => server.close());

  it('auto-paginates a 250-customer list newest first without gaps or repeats', async () => {
    const seeded = fake.seed.customers(250);
    const seen: string[] = [];
    for await (const customer of stripe.customers.list({ limit: 100 })) seen.push(customer.id);
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    expect(seen).toEqual(seeded.map((c) => c.id).reverse());
    const pages = fake.requests.filter((r) => r.path === '/v1/customers' && r.method === 'GET');
    expect(pages.map((p) => new URLSearchParams(p.query).get('starting_after'))).toEqual([
      null,
      seen[99],
      seen[199],
    ]);
  });

  it('creates, partially updates and retrieves a customer with nested params', async () => {
    const created = await stripe.customers.create({
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      address: { line1: '1 Analytical Way', city: 'London', country: 'GB' },
      metadata: { host_id: 'c_1', tier: 'gold' },
      preferred_locales: ['en-GB', 'fr'],
    });
    expect(created.id).toMatch(/^cus_/);
    expect(created.address).toEqual({
      line1: '1 Analytical Way',
      line2: null,
      city: 'London',
      state: null,
      postal_code: null,
      country: 'GB',
    });
    expect(created.preferred_locales).toEqual(['en-GB', 'fr']);
    const updated = await stripe.customers.update(created.id, {
      email: 'ada@lovelace.dev',
      metadata: { tier: '', vip: 'yes' },
    });
    expect(updated.name).toBe('Ada Lovelace');
    expect(updated.email).toBe('ada@lovelace.dev');
    expect(updated.metadata).toEqual({ host_id: 'c_1', vip: 'yes' });
    const retrieved = await stripe.customers.retrieve(created.id);
    expect(retrieved).toEqual(updated);
    const events = fake.state
      .events()
      .filter((e) => (e.data as { object: { id: string } }).object.id === created.id);
    expect(events.map((e) => e.type)).toEqual(['customer.created', 'customer.updated']);
    expect((events[1]!.data as { previous_attributes: unknown }).previous_attributes).toEqual({
      email: 'ada@example.com',
      metadata: { tier: 'gold', vip: null },
    });
  });

  it('deletes a customer and then retrieves the deleted stub', async () => {
    const c = await stripe.customers.create({ name: 'Temp' });
    const deleted = await stripe.customers.del(c.id);
    expect(deleted).toEqual({ id: c.id, object: 'customer', deleted: true });
    const again = await stripe.customers.retrieve(c.id);
    expect(again.deleted).toBe(true);
    const err = await stripe.customers.update(c.id, { name: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((err as Stripe.errors.StripeError).statusCode).toBe(404);
    expect((err as Stripe.errors.StripeError).code).toBe('resource_missing');
  });

  it('expands data.customer on a list of invoices and lines.data.price on one', async () => {
    const customer = await stripe.customers.create({ name: 'Expand Me' });
    const [product] = fake.seed.products(1);
    const invoice = await stripe.invoices.create({ customer: customer.id });
    await stripe.invoiceItems.create({
      customer: customer.id,
      invoice: invoice.id,
      pricing: { price: product?.default_price as string },
      quantity: 2,
    });
    const list = await stripe.invoices.list({ customer: customer.id, expand: ['data.customer'] });
    expect(list.data).toHaveLength(1);
    const first = list.data[0] as Stripe.Invoice;
    expect((first.customer as Stripe.Customer).name).toBe('Expand Me');
    expect(first.total).toBe(2 * 1000);
    const one = await stripe.invoices.retrieve(invoice.id, {
      expand: ['lines.data.pricing.price_details.price'],
    });
    const line = one.lines.data[0] as unknown as { pricing: { price_details: { price: { id: string } } } };
    expect(line.pricing.price_details.price.id).toBe(product?.default_price);
    const tooDeep = await stripe.invoices
      .list({ expand: ['data.a.b.c.d.e'] })
      .catch((e: Stripe.errors.StripeError) => e);
    expect((tooDeep as Stripe.errors.StripeError).message).toMatch(/more than 4 levels/);
  });

  it('replays an idempotent create and rejects the key with other params', async () => {
    const first = await stripe.customers.create({ name: 'Once' }, { idempotencyKey: 'create-once-1' });
    const again = await stripe.customers.create({ name: 'Once' }, { idempotencyKey: 'create-once-1' });
    expect(again.id).toBe(first.id);
    expect(fake.state.list('customers').filter((c) => c.name === 'Once')).toHaveLength(1);
    const err = await stripe.customers
      .create({ name: 'Twice' }, { idempotencyKey: 'create-once-1' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect((err as Stripe.errors.StripeError).statusCode).toBe(400);
  });

  it('answers a declined test card with a 402 card_error', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 5000, currency: 'usd' });
    const err = await stripe.paymentIntents
      .confirm(pi.id, { payment_method: 'pm_card_chargeDeclined' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect((err as Stripe.errors.StripeCardError).decline_code).toBe('generic_decline');
    const ok = await stripe.paymentIntents.confirm(pi.id, { payment_method: 'pm_card_visa' });
    expect(ok.status).toBe('succeeded');
    const charge = await stripe.charges.retrieve(ok.latest_charge as string, {
      expand: ['balance_transaction'],
    });
    expect((charge.balance_transaction as Stripe.BalanceTransaction).net).toBe(5000 - (145 + 30));
  });

  it('rejects a wrong key with 401 and masks it in the message', async () => {
    const other = new Stripe('sk_test_wrongwrongwrong1234', {
      host: '127.0.0.1',
      port: Number(new URL(server.url).port),
      protocol: 'http',
    });
    const err = await other.customers.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    expect((err as Error).message).toContain('sk_test_');
    expect((err as Error).message).toContain('1234');
    expect((err as Error).message).not.toContain('wrongwrongwrong');
  });

  it('signs webhooks that stripe.webhooks.constructEvent accepts', async () => {
    const secret = 'whsec_fake_endpoint_secret';
    await stripe.customers.create({ name: 'Hooked' });
    const received: { headers: Record<string, string>; body: string }[] = [];
    const report = await fake.deliverWebhooks(
      async (req) => {
        received.push(req);
        return { status: 200 };
      },
      { secret },
    );
    expect(report.failed).toEqual([]);
    expect(received.length).toBeGreaterThan(0);
    const last = received.at(-1) as { headers: Record<string, string>; body: string };
    const event = stripe.webhooks.constructEvent(
      last.body,
      last.headers['stripe-signature'] as string,
      secret,
      300,
      undefined,
      fake.now().getTime(),
    );
    expect(event.type).toBe('customer.created');
    expect((event.data.object as Stripe.Customer).name).toBe('Hooked');
    expect(() =>
      stripe.webhooks.constructEvent(last.body, last.headers['stripe-signature'] as string, 'whsec_other'),
    ).toThrow(Stripe.errors.StripeSignatureVerificationError);
    // Acknowledged events are not sent again.
    const second = await fake.deliverWebhooks(async () => ({ status: 200 }), { secret });
    expect(second.attempts).toBe(0);
  });

  it('pages events by type and keeps a Connect account apart (stripeAccount option)', async () => {
    const connected = await stripe.customers.create(
      { name: 'On connect' },
      { stripeAccount: 'acct_1Oracle' },
    );
    const platform = await stripe.customers.list({ limit: 100 }, {});
    expect(platform.data.map((c) => c.id)).not.toContain(connected.id);
    const there = await stripe.customers.list({}, { stripeAccount: 'acct_1Oracle' });
    expect(there.data.map((c) => c.id)).toEqual([connected.id]);
    const types = new Set<string>();
    for await (const event of stripe.events.list({ types: ['customer.*', 'invoice.*'], limit: 3 }))
      types.add(event.type);
    expect([...types].every((t) => t.startsWith('customer.') || t.startsWith('invoice.'))).toBe(true);
    expect(types.has('invoice.created')).toBe(true);
    const connectEvents = await stripe.events.list(
      { type: 'customer.created' },
      { stripeAccount: 'acct_1Oracle' },
    );
    expect(connectEvents.data.map((e) => [e.account, (e.data.object as Stripe.Customer).id])).toEqual([
      ['acct_1Oracle', connected.id],
    ]);
  });

  it('POSTs deliveries to a URL target, and keeps events pending while the endpoint fails', async () => {
    const secret = 'whsec_url_target';
    await stripe.products.create({ name: 'Delivered by URL' });
    let status = 503;
    const seen: string[] = [];
    const receiver = await serveFetchHandler(async (request) => {
      const body = await request.text();
      const event = stripe.webhooks.constructEvent(
        body,
        request.headers.get('stripe-signature') as string,
        secret,
        300,
        undefined,
        fake.now().getTime(),
      );
      seen.push(`${request.method} ${request.headers.get('content-type')} ${event.type}`);
      return new Response(null, { status });
    });
    try {
      const failed = await fake.deliverWebhooks(`${receiver.url}/hooks/stripe`, { secret });
      expect(failed.delivered).toEqual([]);
      expect(seen.at(-1)).toBe('POST application/json; charset=utf-8 product.created');
      status = 200;
      const ok = await fake.deliverWebhooks(`${receiver.url}/hooks/stripe`, { secret });
      expect(ok.delivered).toEqual(failed.failed);
    } finally {
      await receiver.close();
    }
  });

  it('matches the documented signature vector and stripe-node’s own test header', () => {
    const payload = '{"id":"evt_1","object":"event"}';
    expect(signStripePayload(payload, 'whsec_test_secret', 1700000000)).toBe(
      't=1700000000,v1=0c8670ed117751cc551a20e35839447075c42800ea3cf3e8a2fbda99cd1e6edd',
    );
    const oracle = stripe.webhooks.generateTestHeaderString({
      payload,
      secret: 'whsec_x',
      timestamp: 1234567890,
    });
    expect(signStripePayload(payload, 'whsec_x', 1234567890)).toBe(oracle);
  });
});
