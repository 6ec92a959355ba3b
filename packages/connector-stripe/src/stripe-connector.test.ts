import { isConfigError } from '@syncbridge/core';
import { describe, expect, it } from 'vitest';
import { encodeStripeForm } from './form-encoding.js';
import { stripeCustomerMappings, stripeInvoiceMappings, stripePaymentMappings } from './mappings.js';
import { STRIPE_API_VERSION, stripe, stripeCredentialsSchema } from './stripe-connector.js';
import { collect, connectedContext } from './test-support/connected-context.js';
import { createFakeStripe, parseStripeForm } from './testing/index.js';

describe('stripe()', () => {
  it('declares a payments connector with a pinned Stripe-Version and optional Stripe-Account', () => {
    const c = stripe();
    expect(c).toMatchObject({ provider: 'stripe', category: 'payments', baseUrl: 'https://api.stripe.com' });
    expect(c.defaultHeaders).toEqual({ 'Stripe-Version': STRIPE_API_VERSION });
    const connect = stripe({
      account: 'acct_123',
      apiVersion: '2025-01-27.acacia',
      baseUrl: 'http://127.0.0.1:1',
    });
    expect(connect.defaultHeaders).toEqual({
      'Stripe-Version': '2025-01-27.acacia',
      'Stripe-Account': 'acct_123',
    });
    expect(connect.baseUrl).toBe('http://127.0.0.1:1');
    expect(c.capabilities).toMatchObject({ changeFeed: true, webhooks: true });
    expect(c.capabilities.entities.customer).toMatchObject({ outbound: true, delete: 'delete' });
  });

  it('fails at start-up on bad options with a ConfigError listing each problem', () => {
    let error: unknown;
    try {
      stripe({ account: 'cus_1', apiVersion: 'latest' });
    } catch (e) {
      error = e;
    }
    expect(isConfigError(error)).toBe(true);
    expect((error as { problems: string[] }).problems).toHaveLength(2);
  });

  it('accepts secret and restricted keys, refuses publishable ones, and applies Bearer auth', () => {
    expect(stripeCredentialsSchema.safeParse({ apiKey: 'sk_test_abc' }).success).toBe(true);
    expect(stripeCredentialsSchema.safeParse({ apiKey: 'rk_live_abc' }).success).toBe(true);
    expect(stripeCredentialsSchema.safeParse({ apiKey: 'pk_test_abc' }).success).toBe(false);
    const c = stripe();
    if (c.auth.type !== 'apiKey') throw new Error('apiKey auth expected');
    const headers = new Headers();
    c.auth.apply(headers, { type: 'apiKey', apiKey: 'sk_test_abc', stripeAccount: 'acct_9' });
    expect(headers.get('authorization')).toBe('Bearer sk_test_abc');
    expect(headers.get('stripe-account')).toBe('acct_9');
  });

  it('rate limits test keys at 25 req/s and live keys at 100 req/s', () => {
    const c = stripe();
    const integration = { id: 'i', organizationId: 'o', provider: 'stripe', config: {} };
    const limit = c.rateLimit as Exclude<typeof c.rateLimit, { requests: number } | undefined>;
    expect(limit(integration, { type: 'apiKey', apiKey: 'sk_test_x' })).toMatchObject({
      requests: 25,
      intervalMs: 1000,
    });
    expect(limit(integration, { type: 'apiKey', apiKey: 'rk_test_x' })).toMatchObject({ requests: 25 });
    expect(limit(integration, { type: 'apiKey', apiKey: 'sk_live_x' })).toMatchObject({ requests: 100 });
    const raised = stripe({ requestsPerSecond: 400 }).rateLimit as typeof limit;
    expect(raised(integration, { type: 'apiKey', apiKey: 'sk_live_x' })).toEqual({
      requests: 400,
      intervalMs: 1000,
    });
    expect(() => stripe({ requestsPerSecond: 0 })).toThrow(/requestsPerSecond/);
  });

  it('form-encodes nested params the way the fake (and Stripe) decode them', () => {
    const params = {
      name: 'Ada & Co',
      metadata: { host_id: 'c_1', gone: null },
      address: { line1: '1 Main St', city: 'Paris' },
      items: [{ price: 'price_1', quantity: 2 }],
      expand: ['data.customer'],
      active: false,
      due: new Date('2026-01-01T00:00:00Z'),
      skipped: undefined,
    };
    const encoded = encodeStripeForm(params);
    expect(encoded).toContain('metadata[host_id]=c_1&metadata[gone]=&');
    expect(encoded).toContain('name=Ada%20%26%20Co');
    expect(encoded).not.toContain('skipped');
    expect(parseStripeForm(encoded)).toEqual({
      name: 'Ada & Co',
      metadata: { host_id: 'c_1', gone: '' },
      address: { line1: '1 Main St', city: 'Paris' },
      items: [{ price: 'price_1', quantity: '2' }],
      expand: ['data.customer'],
      active: 'false',
      due: '1767225600',
    });
  });

  it('ships mappings in the MappingSpec shape with JSONPath remotes', () => {
    for (const m of [...stripeCustomerMappings, ...stripeInvoiceMappings, ...stripePaymentMappings]) {
      expect(m.remote).toMatch(/^\$\./);
      expect(m.local.length).toBeGreaterThan(0);
    }
    expect(stripeCustomerMappings.find((m) => m.required)?.remote).toBe('$.name');
  });

  it('talks to any base URL, such as the fake on loopback, with Stripe-Account from the options', async () => {
    const fake = createFakeStripe({ apiKeys: ['sk_test_loop'] });
    fake.seed.customers(3, { account: 'acct_1Loop' });
    const server = await fake.listen();
    try {
      const c = stripe({ baseUrl: server.url, account: 'acct_1Loop' });
      const pages = await collect(
        c.entities.customer!.list(await connectedContext(c, 'sk_test_loop'), {
          cursor: null,
          since: null,
          filter: null,
        }),
      );
      expect(pages.flatMap((p) => p.records)).toHaveLength(3);
      expect(fake.requests.at(-1)?.headers['stripe-account']).toBe('acct_1Loop');
    } finally {
      await server.close();
    }
  });
});
