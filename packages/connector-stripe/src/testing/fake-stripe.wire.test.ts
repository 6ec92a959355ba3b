import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFakeStripe, type FakeStripe } from './index.js';

// Raw HTTP against the fake through msw: exactly the bytes a connector sends and receives.
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const KEY = 'sk_test_wire';
const API = 'https://api.stripe.com';

async function useFake(options: Parameters<typeof createFakeStripe>[0] = {}): Promise<FakeStripe> {
  const fake = createFakeStripe({ apiKeys: [KEY], now: new Date('2026-11-01T00:00:00Z'), ...options });
  server.use(...(await fake.handlers()));
  return fake;
}

type Json = Record<string, unknown> & { error?: Record<string, unknown> };

async function call(
  method: string,
  path: string,
  options: { form?: string; headers?: Record<string, string>; key?: string | null } = {},
): Promise<{ status: number; body: Json; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== null) headers.authorization = `Bearer ${options.key ?? KEY}`;
  if (options.form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  const res = await fetch(`${API}${path}`, { method, headers, body: options.form });
  return { status: res.status, body: (await res.json()) as Json, headers: res.headers };
}

describe('fake Stripe on the wire (msw)', () => {
  it('serves plain list pages from its cached order exactly as the general path does, after updates and deletes', async () => {
    const fake = await useFake();
    const seeded = fake.seed.customers(230, { spacingSeconds: 0 });
    const ids = (path: string) =>
      call('GET', path).then((r) =>
        (r.body.data as { id: string; name: string }[]).map((c) => `${c.id}:${c.name}`),
      );
    const walk = async (extra: string) => {
      const out: string[] = [];
      let after = '';
      for (;;) {
        const page = await call('GET', `/v1/customers?limit=100${extra}${after}`);
        const data = page.body.data as { id: string; name: string }[];
        out.push(...data.map((c) => `${c.id}:${c.name}`));
        if (!page.body.has_more) return out;
        after = `&starting_after=${data.at(-1)!.id}`;
      }
    };
    await walk(''); // builds the cache
    await call('POST', `/v1/customers/${seeded[100]!.id}`, { form: 'name=Renamed' });
    await call('DELETE', `/v1/customers/${seeded[50]!.id}`);
    await call('POST', '/v1/customers', { form: 'name=Newest' });
    // `created[gte]=0` forces the general (filter-and-sort) path: both must agree.
    const fast = await walk('');
    expect(fast).toEqual(await walk('&created[gte]=0'));
    expect(fast).toHaveLength(230);
    expect(fast[0]).toMatch(/:Newest$/);
    expect(fast).toContain(`${seeded[100]!.id}:Renamed`);
    expect(fast.some((x) => x.startsWith(`${seeded[50]!.id}:`))).toBe(false);
    expect(await ids(`/v1/customers?limit=3&starting_after=${seeded[50]!.id}`)).toEqual(
      await ids(`/v1/customers?limit=3&created[gte]=0&starting_after=${seeded[50]!.id}`),
    );
  });

  it('accepts Bearer and Basic auth and answers 401 with the error envelope otherwise', async () => {
    await useFake();
    expect((await call('GET', '/v1/customers')).status).toBe(200);
    const basic = await call('GET', '/v1/customers', {
      key: null,
      headers: { authorization: `Basic ${Buffer.from(`${KEY}:`).toString('base64')}` },
    });
    expect(basic.status).toBe(200);
    const none = await call('GET', '/v1/customers', { key: null });
    expect(none.status).toBe(401);
    expect(none.body.error?.type).toBe('invalid_request_error');
    expect(none.body.error?.message).toMatch(/You did not provide an API key/);
  });

  it('echoes Stripe-Version and rejects a malformed one', async () => {
    await useFake();
    const ok = await call('GET', '/v1/customers', { headers: { 'stripe-version': '2026-09-30.endive' } });
    expect(ok.headers.get('stripe-version')).toBe('2026-09-30.endive');
    expect(ok.headers.get('request-id')).toMatch(/^req_/);
    const bad = await call('GET', '/v1/customers', { headers: { 'stripe-version': 'yesterday' } });
    expect(bad.status).toBe(400);
  });

  it('decodes nested form params: metadata, address, arrays with [] and [n]', async () => {
    await useFake();
    const form =
      'name=Ada&metadata[a]=1&metadata[b]=two&address[line1]=1%20Main&address[country]=US' +
      '&preferred_locales[]=en&preferred_locales[]=fr&expand[0]=test_clock';
    const { status, body } = await call('POST', '/v1/customers', {
      form: form.replace('&expand[0]=test_clock', ''),
    });
    expect(status).toBe(200);
    expect(body.metadata).toEqual({ a: '1', b: 'two' });
    expect((body.address as Record<string, unknown>).line1).toBe('1 Main');
    expect(body.preferred_locales).toEqual(['en', 'fr']);
    const unknown = await call('POST', '/v1/customers', { form: 'nickname=x' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'parameter_unknown', param: 'nickname' });
  });

  it('rejects a JSON body as Stripe does', async () => {
    await useFake();
    const res = await fetch(`${API}/v1/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: '{"name":"x"}',
    });
    expect(res.status).toBe(400);
  });

  it('pages with starting_after and ending_before, and refuses both at once', async () => {
    const fake = await useFake();
    const ids = fake.seed
      .customers(25)
      .map((c) => c.id)
      .reverse(); // newest first
    const p1 = await call('GET', '/v1/customers?limit=10');
    expect((p1.body.data as { id: string }[]).map((c) => c.id)).toEqual(ids.slice(0, 10));
    expect(p1.body).toMatchObject({ object: 'list', has_more: true, url: '/v1/customers' });
    const p3 = await call('GET', `/v1/customers?limit=10&starting_after=${ids[19]}`);
    expect((p3.body.data as { id: string }[]).map((c) => c.id)).toEqual(ids.slice(20));
    expect(p3.body.has_more).toBe(false);
    const back = await call('GET', `/v1/customers?limit=5&ending_before=${ids[10]}`);
    expect((back.body.data as { id: string }[]).map((c) => c.id)).toEqual(ids.slice(5, 10));
    expect(back.body.has_more).toBe(true);
    const both = await call('GET', `/v1/customers?starting_after=${ids[1]}&ending_before=${ids[0]}`);
    expect(both.status).toBe(400);
    expect((await call('GET', '/v1/customers?limit=0')).status).toBe(400);
    expect((await call('GET', '/v1/customers?limit=101')).status).toBe(400);
    const defaultLimit = await call('GET', '/v1/customers');
    expect(defaultLimit.body.data).toHaveLength(10);
    const missing = await call('GET', '/v1/customers?starting_after=cus_nope');
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'resource_missing', param: 'starting_after' });
  });

  it('filters lists by created[gt|gte|lt|lte]', async () => {
    const fake = await useFake();
    const seeded = fake.seed.customers(5, { spacingSeconds: 100 });
    const t = seeded.map((c) => c.created);
    const res = await call('GET', `/v1/customers?created[gte]=${t[1]}&created[lt]=${t[4]}`);
    expect((res.body.data as { id: string }[]).map((c) => c.id)).toEqual([
      seeded[3]?.id,
      seeded[2]?.id,
      seeded[1]?.id,
    ]);
    const gt = await call('GET', `/v1/customers?created[gt]=${t[3]}`);
    expect(gt.body.data).toHaveLength(1);
    const lte = await call('GET', `/v1/customers?created[lte]=${t[0]}`);
    expect(lte.body.data).toHaveLength(1);
  });

  it('answers resource_missing 404 with param id for an unknown object', async () => {
    await useFake();
    const res = await call('GET', '/v1/customers/cus_missing');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'resource_missing',
      param: 'id',
      message: "No such customer: 'cus_missing'",
      doc_url: 'https://stripe.com/docs/error-codes/resource-missing',
    });
    const missingParam = await call('POST', '/v1/invoices', { form: '' });
    expect(missingParam.body.error).toMatchObject({ code: 'parameter_missing', param: 'customer' });
  });

  it('lists events with types[] wildcards, created filters and ending_before, and keeps them 30 days', async () => {
    const fake = await useFake();
    const c = await call('POST', '/v1/customers', { form: 'name=A' });
    await call('POST', `/v1/customers/${c.body.id}`, { form: 'name=B' });
    await call('POST', '/v1/products', { form: 'name=P' });
    fake.advance(1000);
    await call('DELETE', `/v1/customers/${c.body.id}`);
    const all = await call('GET', '/v1/events?limit=100');
    const types = (all.body.data as { type: string }[]).map((e) => e.type);
    expect(types).toEqual(['customer.deleted', 'product.created', 'customer.updated', 'customer.created']);
    const customerOnly = await call('GET', '/v1/events?types[]=customer.*');
    expect(customerOnly.body.data).toHaveLength(3);
    const oldest = (all.body.data as { id: string; created: number }[])[3] as { id: string; created: number };
    const newer = await call('GET', `/v1/events?ending_before=${oldest.id}&limit=2`);
    expect((newer.body.data as { type: string }[]).map((e) => e.type)).toEqual([
      'product.created',
      'customer.updated',
    ]);
    expect(newer.body.has_more).toBe(true);
    const recent = await call('GET', `/v1/events?created[gt]=${oldest.created}`);
    expect((recent.body.data as { type: string }[]).map((e) => e.type)).toEqual(['customer.deleted']);
    const deleted = (all.body.data as { data: { object: { id: string } } }[])[0];
    expect(deleted?.data.object.id).toBe(c.body.id);
    fake.advance(31 * 86400 * 1000);
    expect((await call('GET', '/v1/events')).body.data).toEqual([]);
    const expired = await call('GET', `/v1/events?ending_before=${oldest.id}`);
    expect(expired.body.error).toMatchObject({ code: 'resource_missing', param: 'ending_before' });
  });

  it('replays the first response of an idempotent request, headers included, until the key expires', async () => {
    const fake = await useFake();
    const headers = { 'idempotency-key': 'k-1' };
    const first = await call('POST', '/v1/customers', { form: 'name=Once', headers });
    const second = await call('POST', '/v1/customers', { form: 'name=Once', headers });
    expect(second.status).toBe(first.status);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.headers.get('original-request')).toBe(first.headers.get('request-id'));
    const other = await call('POST', '/v1/customers', { form: 'name=Other', headers });
    expect(other.status).toBe(400);
    expect(other.body.error?.type).toBe('idempotency_error');
    const otherPath = await call('POST', '/v1/products', { form: 'name=Once', headers });
    expect(otherPath.body.error?.type).toBe('idempotency_error');
    fake.advance(24 * 3600 * 1000 + 1000);
    const after = await call('POST', '/v1/customers', { form: 'name=Other', headers });
    expect(after.status).toBe(200);
    expect(after.body.id).not.toBe(first.body.id);
    expect(fake.state.list('customers')).toHaveLength(2);
  });

  it('replays an injected 500 for the same key but frees the key after a validation error', async () => {
    const fake = await useFake();
    fake.failNext(1, { status: 500 });
    const headers = { 'idempotency-key': 'k-500' };
    const first = await call('POST', '/v1/customers', { form: 'name=X', headers });
    expect(first.status).toBe(500);
    expect(first.body.error?.type).toBe('api_error');
    const replay = await call('POST', '/v1/customers', { form: 'name=X', headers });
    expect(replay.status).toBe(500);
    const v = { 'idempotency-key': 'k-400' };
    expect((await call('POST', '/v1/invoices', { form: '', headers: v })).status).toBe(400);
    const c = await call('POST', '/v1/customers', { form: 'name=Y', headers: v });
    expect(c.status).toBe(200);
  });

  it('injects failures with Stripe-Should-Retry and rate limits with 429', async () => {
    const fake = await useFake({ rateLimit: { perSecond: 3 } });
    fake.failNext(2, { status: 409, path: '/v1/customers' });
    const a = await call('GET', '/v1/customers');
    expect(a.status).toBe(409);
    expect(a.headers.get('stripe-should-retry')).toBe('true');
    expect(a.body.error).toMatchObject({ code: 'lock_timeout' });
    expect((await call('GET', '/v1/customers')).status).toBe(409);
    expect((await call('GET', '/v1/customers')).status).toBe(200);
    const limited = await call('GET', '/v1/customers');
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({ code: 'rate_limit', type: 'invalid_request_error' });
    fake.advance(1000);
    expect((await call('GET', '/v1/customers')).status).toBe(200);
    fake.failNext(1, { status: 503, shouldRetry: false, headers: { 'retry-after': '2' } });
    const down = await call('GET', '/v1/products');
    expect(down.headers.get('stripe-should-retry')).toBe('false');
    expect(down.headers.get('retry-after')).toBe('2');
  });

  it('keeps Connect accounts apart and marks their events with account', async () => {
    const fake = await useFake();
    const headers = { 'stripe-account': 'acct_1Connected' };
    const c = await call('POST', '/v1/customers', { form: 'name=Connected', headers });
    expect(c.headers.get('stripe-account')).toBe('acct_1Connected');
    expect((await call('GET', '/v1/customers')).body.data).toEqual([]);
    expect((await call('GET', '/v1/customers', { headers })).body.data).toHaveLength(1);
    expect(fake.state.events({ account: 'acct_1Connected' })[0]?.account).toBe('acct_1Connected');
  });

  it('runs the invoice life cycle: draft lines, finalize, pay, void, delete rules', async () => {
    const fake = await useFake();
    const cus = await call('POST', '/v1/customers', { form: 'name=Inv' });
    const inv = await call('POST', '/v1/invoices', { form: `customer=${cus.body.id}` });
    await call('POST', '/v1/invoiceitems', {
      form: `customer=${cus.body.id}&invoice=${inv.body.id}&amount=1250&currency=usd&description=Consulting`,
    });
    const draft = await call('GET', `/v1/invoices/${inv.body.id}`);
    expect(draft.body).toMatchObject({ status: 'draft', total: 1250, amount_due: 1250 });
    const lines = await call('GET', `/v1/invoices/${inv.body.id}/lines`);
    expect((lines.body.data as { description: string }[]).map((l) => l.description)).toEqual(['Consulting']);
    const open = await call('POST', `/v1/invoices/${inv.body.id}/finalize`, { form: '' });
    expect(open.body).toMatchObject({ status: 'open' });
    expect(open.body.number).toMatch(/-0001$/);
    const del = await call('DELETE', `/v1/invoices/${inv.body.id}`);
    expect(del.status).toBe(400);
    const voided = await call('POST', `/v1/invoices/${inv.body.id}/void`, { form: '' });
    expect(voided.body.status).toBe('void');
    const d2 = await call('POST', '/v1/invoices', { form: `customer=${cus.body.id}` });
    const gone = await call('DELETE', `/v1/invoices/${d2.body.id}`);
    expect(gone.body).toEqual({ id: d2.body.id, object: 'invoice', deleted: true });
    const types = fake.state.events().map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['invoice.created', 'invoice.finalized', 'invoice.voided', 'invoice.deleted']),
    );
    const [paid] = fake.seed.invoices(1, { status: 'paid' });
    expect(paid).toMatchObject({ status: 'paid', amount_remaining: 0 });
  });

  it('has no DELETE for prices and refuses to delete a product with prices', async () => {
    const fake = await useFake();
    const [product] = fake.seed.products(1);
    expect((await call('DELETE', `/v1/prices/${product?.default_price}`)).status).toBe(404);
    const del = await call('DELETE', `/v1/products/${product?.id}`);
    expect(del.status).toBe(400);
    const deactivated = await call('POST', `/v1/prices/${product?.default_price}`, { form: 'active=false' });
    expect(deactivated.body.active).toBe(false);
    const immutable = await call('POST', `/v1/prices/${product?.default_price}`, { form: 'unit_amount=5' });
    expect(immutable.body.error).toMatchObject({ code: 'parameter_unknown', param: 'unit_amount' });
  });

  it('seeds realistic ~1 KB customers, payments with balance transactions, and payouts', async () => {
    const fake = await useFake();
    const [customer] = fake.seed.customers(1);
    const size = JSON.stringify(customer).length;
    expect(size).toBeGreaterThan(800);
    expect(size).toBeLessThan(1600);
    fake.seed.payments(3, { refunded: true });
    fake.seed.payouts(2);
    expect(fake.state.list('charges').every((c) => c.refunded === true)).toBe(true);
    const txns = await call('GET', '/v1/balance_transactions?limit=100&type=refund');
    expect(txns.body.data).toHaveLength(3);
    expect((await call('GET', '/v1/payouts')).body.data).toHaveLength(2);
    expect((await call('GET', '/v1/refunds')).body.data).toHaveLength(3);
    expect(fake.state.events()).toEqual([]);
  });

  it('delivers webhooks to a URL with duplicates and in reverse order, keeping failures pending', async () => {
    const fake = await useFake();
    await call('POST', '/v1/customers', { form: 'name=One' });
    await call('POST', '/v1/customers', { form: 'name=Two' });
    const bodies: string[] = [];
    let accept = false;
    const target = async (req: { body: string }) => {
      bodies.push(JSON.parse(req.body).data.object.name);
      return { status: accept ? 200 : 500 };
    };
    const failed = await fake.deliverWebhooks(target, { secret: 'whsec_a' });
    expect(failed.failed).toHaveLength(2);
    const pending = await call('GET', '/v1/events?delivery_success=false');
    expect(pending.body.data).toHaveLength(2);
    accept = true;
    bodies.length = 0;
    const report = await fake.deliverWebhooks(target, {
      secret: ['whsec_a', 'whsec_b'],
      times: 2,
      order: 'reverse',
    });
    expect(bodies).toEqual(['Two', 'Two', 'One', 'One']);
    expect(report.delivered).toHaveLength(2);
    expect((await call('GET', '/v1/events?delivery_success=true')).body.data).toHaveLength(2);
  });

  it('expands data.customer on payment intents and refuses paths that are not expandable', async () => {
    const fake = await useFake();
    const [customer] = fake.seed.customers(1);
    fake.seed.payments(2, { customer: customer?.id as string });
    const list = await call('GET', '/v1/payment_intents?expand[]=data.customer&expand[]=data.latest_charge');
    const data = list.body.data as {
      customer: { id: string; object: string };
      latest_charge: { object: string };
    }[];
    expect(data.map((p) => p.customer.object)).toEqual(['customer', 'customer']);
    expect(data[0]?.customer.id).toBe(customer?.id);
    expect(data[0]?.latest_charge.object).toBe('charge');
    const plain = await call('GET', '/v1/payment_intents');
    expect((plain.body.data as { customer: unknown }[])[0]?.customer).toBe(customer?.id);
    const notData = await call('GET', '/v1/payment_intents?expand[]=customer');
    expect(notData.status).toBe(400);
    const notExpandable = await call('GET', `/v1/customers/${customer?.id}?expand[]=email`);
    expect(notExpandable.body.error).toMatchObject({
      param: 'expand',
      message: 'This property cannot be expanded (email).',
    });
  });

  it('follows an external clock function plus advance()', async () => {
    let clock = Date.parse('2027-03-01T12:00:00Z');
    const fake = await useFake({ now: () => clock });
    const a = await call('POST', '/v1/customers', { form: 'name=A' });
    clock += 60_000;
    fake.advance(1_000);
    const b = await call('POST', '/v1/customers', { form: 'name=B' });
    expect(a.body.created).toBe(Date.parse('2027-03-01T12:00:00Z') / 1000);
    expect(b.body.created).toBe((a.body.created as number) + 61);
    expect(fake.now().toISOString()).toBe('2027-03-01T12:01:01.000Z');
  });

  it('serves another origin when asked', async () => {
    const fake = createFakeStripe({ apiKeys: [KEY] });
    server.use(...(await fake.handlers({ baseUrl: 'https://stripe.internal.test/' })));
    const res = await fetch('https://stripe.internal.test/v1/customers', {
      headers: { authorization: `Bearer ${KEY}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ object: 'list', data: [] });
  });
});
