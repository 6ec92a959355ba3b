import { randomBytes } from 'node:crypto';
import {
  compileMappings,
  createSyncBridge,
  type LocalStore,
  type StorageAdapter,
  type SyncBridge,
} from '@syncbridge/core';
import { http } from 'msw';
import type { SetupServer } from 'msw/node';
import { stripe, stripeCustomerMappings } from '../../src/index.js';
import type { FakeStripe, StripeObject } from '../../src/testing/index.js';
import { allLocal } from './backends.js';

export const KEY = 'sk_test_scenarios';
/** One vault key per run: a bridge that restarts on the same storage must decrypt what the first stored. */
export const ENCRYPTION_KEY = randomBytes(32);

export type Strategy = 'last_write_wins' | 'source_priority' | 'manual_review' | 'merge_fields';

export function makeBridge(storage: StorageAdapter, customers: LocalStore): SyncBridge {
  return createSyncBridge({
    storage,
    encryptionKeys: [{ kid: 'k1', key: ENCRYPTION_KEY }],
    connectors: [stripe()],
    local: { customer: customers },
    // A checkpoint after every 100-record page, so a failed page resumes at a known cursor.
    engine: { writeBatchSize: 100 },
  });
}

/** A bridge with a connected Stripe integration syncing customers both ways. */
export async function connectStripe(
  storage: StorageAdapter,
  customers: LocalStore,
  conflict: { strategy: Strategy; priority?: 'local' | 'remote'; fallback?: Strategy } = {
    strategy: 'last_write_wins',
  },
) {
  const bridge = makeBridge(storage, customers);
  const integration = await bridge.integrations.connect({
    organizationId: 'org_1',
    provider: 'stripe',
    credentials: { apiKey: KEY },
  });
  const config = await bridge.sync.configure(integration.id, {
    localEntity: 'customer',
    remoteEntity: 'customer',
    direction: 'bidirectional',
    conflict,
    mappings: stripeCustomerMappings,
  });
  return { bridge, integration, config };
}

const mapping = compileMappings(stripeCustomerMappings);

/** The fake's live customers in the host's shape, sorted: what the host must hold after a sync. */
export function expectedLocal(fake: FakeStripe): string[] {
  return fake.state
    .list('customers')
    .map((c) => {
      const mapped = mapping.inbound(c);
      if (!mapped.ok) throw mapped.error;
      return JSON.stringify(mapped.value);
    })
    .sort();
}

/** The host's customers, projected on the mapped fields, sorted. */
export async function actualLocal(customers: LocalStore): Promise<string[]> {
  return (await allLocal(customers)).map((r) => JSON.stringify(mapping.pickLocal(r.data))).sort();
}

/** Calls the fake's API as a Stripe dashboard user would (events are recorded). */
export async function stripeApi(
  fake: FakeStripe,
  method: 'POST' | 'DELETE',
  path: string,
  form = '',
): Promise<StripeObject> {
  const response = await fake.handle(
    new Request(`https://api.stripe.com${path}`, {
      method,
      headers: {
        authorization: `Bearer ${KEY}`,
        ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(method === 'POST' ? { body: form } : {}),
    }),
  );
  const body = (await response.json()) as StripeObject;
  if (!response.ok) throw new Error(`${method} ${path}: ${JSON.stringify(body)}`);
  return body;
}

/** Serves the fake through msw; `failListPage` makes the n-th customer list request fail (a 500 Stripe says not to retry). */
export async function serveFake(
  server: SetupServer,
  fake: FakeStripe,
  options: { failListPage?: number } = {},
) {
  let lists = 0;
  server.use(
    http.get('https://api.stripe.com/v1/customers', ({ request }) => {
      lists += 1;
      if (lists === options.failListPage)
        fake.failNext(1, { status: 500, shouldRetry: false, path: '/v1/customers', method: 'GET' });
      return fake.handle(request);
    }),
    ...(await fake.handlers()),
  );
}

/** Customer list requests the fake received, with their `starting_after`. */
export function customerListCursors(fake: FakeStripe): (string | null)[] {
  return fake.requests
    .filter((r) => r.method === 'GET' && r.path === '/v1/customers')
    .map((r) => new URLSearchParams(r.query).get('starting_after'));
}
