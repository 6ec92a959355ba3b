import type { Connector } from '@syncbridge/core';
import type { FakeRemote } from '@syncbridge/testing';

/** A Stripe-customer-shaped record, about 0.9 KB of JSON like the customers of PERFORMANCE.md. */
export function customer(i: number): Record<string, unknown> {
  const n = String(i).padStart(7, '0');
  return {
    object: 'customer',
    name: `Customer ${n}`,
    email: `customer${n}@example.com`,
    phone: `+1555${n}`,
    description: `Bench customer number ${n}, created for the sync engine benchmark`,
    address: {
      line1: `${i % 9000} Market Street`,
      line2: `Suite ${i % 700}`,
      city: ['San Francisco', 'Berlin', 'Lisbon', 'Osaka'][i % 4],
      postal_code: String(10000 + (i % 89999)),
      state: 'CA',
      country: ['US', 'DE', 'PT', 'JP'][i % 4],
    },
    balance: (i * 37) % 100000,
    currency: 'usd',
    delinquent: i % 17 === 0,
    invoice_prefix: `B${n}`,
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null },
    livemode: false,
    metadata: {
      host_id: `h_${n}`,
      plan: ['free', 'pro', 'team'][i % 3],
      region: ['us', 'eu', 'apac'][i % 3],
    },
    preferred_locales: ['en-US'],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
    discount: null,
    default_source: null,
  };
}

/** Mappings of the benchmark config: seven fields, two of them nested. */
export const CUSTOMER_MAPPINGS = [
  { local: 'name', remote: '$.name', required: true },
  { local: 'email', remote: '$.email' },
  { local: 'phone', remote: '$.phone' },
  { local: 'city', remote: '$.address.city' },
  { local: 'country', remote: '$.address.country' },
  { local: 'balance', remote: '$.balance' },
  { local: 'currency', remote: '$.currency' },
];

/**
 * Replaces the fake connector's `list` with one that pages over an id snapshot taken once per
 * listing. The fake's own `list` copies and sorts the whole table for every page (O(N) per page,
 * O(N²/page) per listing), which at 100,000 records would measure the fake, not the engine.
 */
export function fastListing(
  connector: Connector,
  remote: FakeRemote,
  entity: string,
  pageSize: number,
): void {
  Object.assign(connector.entities[entity]!, {
    list: (_ctx: unknown, params: ListParams) => pages(remote, entity, pageSize, params),
  });
}

interface ListParams {
  cursor: string | null;
  since: Date | null;
}

/** Pages of `pageSize` records in id order after `cursor`; the cursor of a page is its last id. */
export async function* pages(remote: FakeRemote, entity: string, pageSize: number, params: ListParams) {
  const table = remote.table(entity);
  const ids = [...table.keys()].sort();
  let start = params.cursor === null ? 0 : ids.findIndex((id) => id > params.cursor!);
  if (start < 0) start = ids.length;
  for (let i = start; ; i += pageSize) {
    const records = [];
    for (const id of ids.slice(i, i + pageSize)) {
      const record = table.get(id);
      if (record && (params.since === null || record.updated > params.since.getTime()))
        records.push(structuredClone(record));
    }
    const more = i + pageSize < ids.length;
    yield { records, cursor: more ? ids[i + pageSize - 1]! : null, total: ids.length };
    if (!more) return;
  }
}
