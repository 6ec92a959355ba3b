import type { FakeContext } from './context.js';
import type { FormParams } from './form.js';
import { route } from './router.js';
import type { StripeObject } from './state.js';

export interface SeedOptions {
  /** A Connect account (`acct_…`) to seed instead of the platform. */
  readonly account?: string;
  /** Record events for the seeded objects too (default false: they predate the test). */
  readonly events?: boolean;
  /** Seconds between the `created` of consecutive objects, ending now (default 60). */
  readonly spacingSeconds?: number;
}

/** Seed helpers: they go through the same code as the API, so seeded objects are shaped like real ones. */
export interface FakeStripeSeeder {
  /** Customers of ~1 KB each (address, shipping, metadata…); `params(i)` overrides the form params. */
  customers(n: number, options?: SeedOptions & { params?: (i: number) => FormParams }): StripeObject[];
  /** Products, each with a one-time price set as its `default_price`. */
  products(n: number, options?: SeedOptions & { unitAmount?: number; currency?: string }): StripeObject[];
  /** Invoices with `lines` lines each, moved to `status` (default `open`); customers are created as needed. */
  invoices(
    n: number,
    options?: SeedOptions & {
      customer?: string;
      status?: 'draft' | 'open' | 'paid' | 'void';
      lines?: number;
    },
  ): StripeObject[];
  /** Succeeded payment intents, each with its charge and balance transaction (`refunded`: refunded in full). */
  payments(
    n: number,
    options?: SeedOptions & { customer?: string; amount?: number; currency?: string; refunded?: boolean },
  ): StripeObject[];
  /** Payouts with their balance transactions. */
  payouts(n: number, options?: SeedOptions & { amount?: number; currency?: string }): StripeObject[];
}

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Ken', 'Radia', 'Tim'];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Hamilton',
  'Thompson',
  'Perlman',
  'Berners-Lee',
];
const CITIES: [string, string, string][] = [
  ['San Francisco', 'CA', '94107'],
  ['New York', 'NY', '10001'],
  ['Austin', 'TX', '73301'],
  ['Seattle', 'WA', '98101'],
];

/** Form params of a realistic customer number `i`. */
export function customerParams(i: number): FormParams {
  const first = FIRST[i % FIRST.length] as string;
  const last = LAST[Math.floor(i / FIRST.length) % LAST.length] as string;
  const [city, state, zip] = CITIES[i % CITIES.length] as [string, string, string];
  const address = {
    line1: `${100 + i} Market Street`,
    line2: `Suite ${i % 50}`,
    city,
    state,
    postal_code: zip,
    country: 'US',
  };
  return {
    name: `${first} ${last} ${i}`,
    email: `${first}.${last}.${i}@example.com`.toLowerCase(),
    phone: `+1415555${String(i % 10000).padStart(4, '0')}`,
    description: `Seeded customer #${i}: ${first} ${last}, account managed by the sales team.`,
    address,
    shipping: { name: `${first} ${last}`, phone: `+1415555${String(i % 10000).padStart(4, '0')}`, address },
    preferred_locales: ['en-US'],
    metadata: { host_id: `c_${i}`, segment: i % 2 === 0 ? 'smb' : 'enterprise', source: 'seed' },
  };
}

export function createSeeder(
  makeContext: (
    accountId: string | undefined,
    settings: { events?: boolean; createdAt?: () => number },
  ) => FakeContext,
  nowSeconds: () => number,
): FakeStripeSeeder {
  function many(
    n: number,
    options: SeedOptions,
    make: (ctx: FakeContext, i: number) => StripeObject,
  ): StripeObject[] {
    const spacing = options.spacingSeconds ?? 60;
    const now = nowSeconds();
    const out: StripeObject[] = [];
    for (let i = 0; i < n; i++) {
      const created = now - (n - 1 - i) * spacing;
      const ctx = makeContext(options.account, { events: options.events ?? false, createdAt: () => created });
      out.push(make(ctx, i));
    }
    return out;
  }
  const post = (ctx: FakeContext, path: string, params: FormParams) =>
    route(ctx, 'POST', path, params, new Set()).body as StripeObject;

  return {
    customers(n, options = {}) {
      return many(n, options, (ctx, i) =>
        post(ctx, '/v1/customers', options.params?.(i) ?? customerParams(i)),
      );
    },
    products(n, options = {}) {
      return many(n, options, (ctx, i) => {
        const product = post(ctx, '/v1/products', {
          name: `Product ${i}`,
          description: `Seeded product ${i}`,
        });
        const price = post(ctx, '/v1/prices', {
          product: product.id,
          currency: options.currency ?? 'usd',
          unit_amount: String(options.unitAmount ?? 1000 + i * 100),
        });
        return post(ctx, `/v1/products/${product.id}`, { default_price: price.id });
      });
    },
    invoices(n, options = {}) {
      return many(n, options, (ctx, i) => {
        const customer = options.customer ?? post(ctx, '/v1/customers', customerParams(i)).id;
        let invoice = post(ctx, '/v1/invoices', { customer, description: `Seeded invoice ${i}` });
        for (let l = 0; l < (options.lines ?? 2); l++) {
          post(ctx, '/v1/invoiceitems', {
            customer,
            invoice: invoice.id,
            amount: String(1500 + l * 250),
            currency: 'usd',
            description: `Line ${l + 1}`,
          });
        }
        const status = options.status ?? 'open';
        if (status !== 'draft') invoice = post(ctx, `/v1/invoices/${invoice.id}/finalize`, {});
        if (status === 'paid') invoice = post(ctx, `/v1/invoices/${invoice.id}/pay`, {});
        if (status === 'void') invoice = post(ctx, `/v1/invoices/${invoice.id}/void`, {});
        return ctx.get('invoices', invoice.id) as StripeObject;
      });
    },
    payments(n, options = {}) {
      return many(n, options, (ctx, i) => {
        const pi = post(ctx, '/v1/payment_intents', {
          amount: String(options.amount ?? 2000 + i * 10),
          currency: options.currency ?? 'usd',
          ...(options.customer ? { customer: options.customer } : {}),
          description: `Seeded payment ${i}`,
        });
        const succeeded = post(ctx, `/v1/payment_intents/${pi.id}/confirm`, {
          payment_method: 'pm_card_visa',
        });
        if (options.refunded) post(ctx, '/v1/refunds', { payment_intent: pi.id });
        return succeeded;
      });
    },
    payouts(n, options = {}) {
      return many(n, options, (ctx, i) =>
        post(ctx, '/v1/payouts', {
          amount: String(options.amount ?? 5000 + i),
          currency: options.currency ?? 'usd',
        }),
      );
    },
  };
}
