import type { ConnectorFakeDriver, InjectedFailure as SuiteFailure } from '@syncbridge/testing';
import type { FakeStripe, InjectedFailure } from './fake-stripe.js';
import type { StripeObject } from './state.js';
import { signStripePayload } from './webhook-delivery.js';

export interface StripeSuiteDriverOptions {
  /** The signing secret of the webhook deliveries the driver builds. Default `whsec_suite_secret`. */
  readonly webhookSecret?: string;
  /**
   * How many requests each injected failure fails: the context's retry limit + 1, so the
   * failure outlasts the client's retries and none is left over for the next case. Default 1.
   */
  readonly failAttempts?: number;
}

const FAILURES: Record<SuiteFailure, InjectedFailure> = {
  unauthorized: { status: 401, message: 'Invalid API Key provided: sk_test_****suit' },
  not_found: { status: 404, code: 'resource_missing', message: "No such customer: 'cus_gone'" },
  // Stripe's 429 carries no Retry-After as a rule; the suite wants a wait to honour, so this one does.
  rate_limit: { status: 429, headers: { 'retry-after': '1' } },
  server: { status: 500 },
  validation: { status: 400, code: 'parameter_invalid_empty', message: 'Invalid email address: x' },
};

const SAMPLES: Record<string, { create: Record<string, unknown>; update: Record<string, unknown> }> = {
  customer: {
    create: { name: 'Suite Customer', email: 'suite@example.com', metadata: { host_id: 'suite_1' } },
    update: { name: 'Suite Customer Renamed', email: 'renamed@example.com' },
  },
  product: {
    create: { name: 'Suite Product', description: 'Made by the connector suite' },
    update: { name: 'Suite Product Renamed' },
  },
};

/**
 * Drives a fake Stripe for `runConnectorSuite` of `@syncbridge/testing`: customers and products
 * are created, edited and deleted through the fake's own API (so each leaves the event a real
 * Stripe account would), failures are Stripe's error envelopes, and webhook deliveries are signed
 * as Stripe signs them.
 *
 * ```ts
 * const fake = createFakeStripe({ apiKeys: ['sk_test_suite'] });
 * server.use(...(await fake.handlers()));
 * runConnectorSuite({ name: 'stripe', connector: stripe(), context, driver: stripeSuiteDriver(fake), entity: 'customer' });
 * ```
 */
export function stripeSuiteDriver(
  fake: FakeStripe,
  options: StripeSuiteDriverOptions = {},
): ConnectorFakeDriver {
  const secret = options.webhookSecret ?? 'whsec_suite_secret';
  const attempts = options.failAttempts ?? 1;

  async function api(method: 'POST' | 'DELETE', path: string, form = ''): Promise<StripeObject> {
    const response = await fake.handle(
      new Request(`https://api.stripe.com${path}`, {
        method,
        headers: {
          authorization: `Bearer ${fake.apiKey}`,
          ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(method === 'POST' ? { body: form } : {}),
      }),
    );
    const body = (await response.json()) as StripeObject;
    if (!response.ok) throw new Error(`stripeSuiteDriver: ${method} ${path} failed: ${JSON.stringify(body)}`);
    return body;
  }

  const resource = (entity: string): 'customers' | 'products' => {
    if (entity === 'customer') return 'customers';
    if (entity === 'product') return 'products';
    throw new Error(`stripeSuiteDriver: entity "${entity}" is not driven (customer and product are)`);
  };

  return {
    reset() {
      const account = fake.state.account();
      account.collections.clear();
      account.tombstones.clear();
      account.events.length = 0;
      account.idempotency.clear();
    },
    async seed(entity, count) {
      if (entity === 'customer') return fake.seed.customers(count, { events: true }).map((c) => c.id);
      const path = `/v1/${resource(entity)}`;
      const ids: string[] = [];
      // Products without prices, so the suite can delete them (a product with prices is only archived).
      for (let i = 0; i < count; i++) ids.push((await api('POST', path, `name=Product+${i}`)).id);
      return ids;
    },
    async edit(entity, id) {
      await api('POST', `/v1/${resource(entity)}/${id}`, `name=Edited+${id}`);
    },
    async remove(entity, id) {
      await api('DELETE', `/v1/${resource(entity)}/${id}`);
    },
    sample(entity) {
      const sample = SAMPLES[entity];
      if (!sample) throw new Error(`stripeSuiteDriver: no sample for entity "${entity}"`);
      return structuredClone(sample);
    },
    failNext(kind) {
      fake.failNext(attempts, FAILURES[kind]);
    },
    async webhook(entity, id) {
      await api('POST', `/v1/${resource(entity)}/${id}`, 'metadata[suite]=webhook');
      const event = fake.state
        .events()
        .findLast((e) => (e.data as { object: { id?: string } }).object.id === id);
      if (!event) throw new Error(`stripeSuiteDriver: no event for ${id}`);
      const body = JSON.stringify(event, null, 2);
      const signature = signStripePayload(body, secret, Math.floor(fake.now().getTime() / 1000));
      return {
        request: { headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body },
        secret,
      };
    },
    advance: (ms) => fake.advance(ms),
  };
}
