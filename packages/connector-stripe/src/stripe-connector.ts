import { apiKey, ConfigError, type Connector, defineConnector } from '@syncbridge/core';
import { z } from 'zod';
import { stripeChanges, stripeEventCursorNow } from './changes.js';
import { stripeEntities } from './entities.js';
import { mapStripeError } from './map-error.js';
import { stripeWebhooks } from './webhooks.js';

/** The API version the connector is written and tested against; every request pins it. */
export const STRIPE_API_VERSION = '2026-09-30.endive';

const optionsSchema = z.strictObject({
  apiVersion: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}(\.[a-z_]+)?$/, 'a Stripe API version such as 2026-09-30.endive')
    .optional(),
  account: z
    .string()
    .regex(/^acct_[A-Za-z0-9]+$/, 'a Connect account id (acct_…)')
    .optional(),
  baseUrl: z.url().optional(),
  /**
   * Requests per second this process sends per key. Default Stripe's documented limit: 25 in
   * test mode, 100 in live mode. Raise it only for an account whose limit Stripe raised, or
   * against a fake (benchmarks).
   */
  requestsPerSecond: z.number().int().positive().optional(),
});

export type StripeOptions = z.input<typeof optionsSchema>;

/**
 * What `integrations.connect` takes for Stripe: a secret (`sk_…`) or restricted (`rk_…`) key,
 * and for a Connect platform the connected account to act on.
 */
export const stripeCredentialsSchema = z.object({
  apiKey: z
    .string()
    .regex(
      /^(sk|rk)_(test|live)_[A-Za-z0-9]+$/,
      'a Stripe secret (sk_…) or restricted (rk_…) key; publishable keys (pk_…) cannot sync',
    ),
  stripeAccount: z
    .string()
    .regex(/^acct_[A-Za-z0-9]+$/)
    .optional(),
});

/** Stripe's documented limits: 25 requests/s in test mode (sandbox), 100 in live mode. */
export function stripeRateLimit(key: string): { requests: number; intervalMs: number } {
  return { requests: /^(sk|rk)_test_/.test(key) ? 25 : 100, intervalMs: 1000 };
}

/**
 * The Stripe connector: customers, products, prices, invoices (two-way), payment intents,
 * charges, refunds, balance transactions and payouts (inbound), the Events API as change feed,
 * signed webhooks.
 *
 * ```ts
 * const bridge = createSyncBridge({ connectors: [stripe()], ... });
 * await bridge.integrations.connect({ organizationId, provider: 'stripe', credentials: { apiKey: 'sk_test_…' } });
 * ```
 */
export function stripe(options: StripeOptions = {}): Connector {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`stripe(): invalid options. ${problems.join('; ')}`, { problems });
  }
  const {
    apiVersion = STRIPE_API_VERSION,
    account,
    baseUrl = 'https://api.stripe.com',
    requestsPerSecond,
  } = parsed.data;
  return defineConnector({
    provider: 'stripe',
    displayName: 'Stripe',
    category: 'payments',
    auth: apiKey({
      credentials: stripeCredentialsSchema as unknown as z.ZodType<Record<string, string>>,
      apply(headers, credentials) {
        headers.set('Authorization', `Bearer ${credentials.apiKey}`);
        if (credentials.stripeAccount) headers.set('Stripe-Account', credentials.stripeAccount);
      },
    }),
    baseUrl,
    defaultHeaders: { 'Stripe-Version': apiVersion, ...(account ? { 'Stripe-Account': account } : {}) },
    rateLimit: (_integration, credentials) =>
      requestsPerSecond === undefined
        ? stripeRateLimit(credentials.type === 'apiKey' ? (credentials.apiKey ?? '') : '')
        : { requests: requestsPerSecond, intervalMs: 1000 },
    entities: stripeEntities,
    changes: (ctx, params) => stripeChanges(ctx, params, apiVersion),
    // Where the Events feed stands when a full pass starts: the first incremental run resumes there.
    initialChangeCursor: (ctx, entities) => stripeEventCursorNow(ctx, Date.now, entities),
    webhooks: stripeWebhooks(apiVersion),
    mapError: mapStripeError,
    async test(ctx) {
      await ctx.http.request({ method: 'GET', path: '/v1/balance', signal: ctx.signal });
    },
    capabilities: {
      entities: {
        price: { delete: 'deactivate' },
        payment_intent: { outbound: false },
        charge: { outbound: false },
        refund: { outbound: false },
        balance_transaction: { outbound: false, incremental: false },
        payout: { outbound: false },
      },
    },
  });
}
