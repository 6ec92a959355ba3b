import { stripe } from '@syncbridge/connector-stripe';
import { createFakeStripe, type FakeStripe } from '@syncbridge/connector-stripe/testing';
import {
  createSyncBridge,
  type Integration,
  memoryLocalStore,
  memoryStorage,
  type SyncBridge,
} from '@syncbridge/core';
import type { LoopbackServer } from '@syncbridge/testing/fakes';

export const API_KEY = 'sk_test_ExpressExample0000';
/** What `stripe listen` or the Dashboard's webhook endpoint page gives you. */
export const WEBHOOK_SECRET = 'whsec_express_example';

export interface Example {
  bridge: SyncBridge;
  stripe: FakeStripe;
  stripeServer: LoopbackServer;
  integration: Integration;
  customers: ReturnType<typeof memoryLocalStore>;
  close(): Promise<void>;
}

/**
 * A bridge with one Stripe integration that pulls customers into the app, and the webhook
 * signing secret registered for it. Stripe is the fake on loopback.
 */
export async function createExample(): Promise<Example> {
  const fake = createFakeStripe({ apiKeys: [API_KEY], now: () => new Date() });
  const stripeServer = await fake.listen();
  const customers = memoryLocalStore();
  const bridge = createSyncBridge({
    storage: memoryStorage(),
    encryptionKeys: [{ kid: 'example', key: Buffer.alloc(32, 1) }],
    connectors: [stripe({ baseUrl: stripeServer.url })],
    local: { customer: customers },
  });
  const integration = await bridge.integrations.connect({
    organizationId: 'org_express',
    provider: 'stripe',
    credentials: { apiKey: API_KEY },
  });
  await bridge.sync.configure(integration.id, {
    localEntity: 'customer',
    remoteEntity: 'customer',
    direction: 'inbound',
    mappings: [
      { local: 'name', remote: '$.name', required: true },
      { local: 'email', remote: '$.email' },
    ],
  });
  await bridge.webhooks.register({ integrationId: integration.id, secret: WEBHOOK_SECRET });
  return {
    bridge,
    stripe: fake,
    stripeServer,
    integration,
    customers,
    async close() {
      await bridge.close();
      await stripeServer.close();
    },
  };
}

/** Creates a customer at the (fake) Stripe through its API, as your dashboard user would; Stripe records a `customer.created` event. */
export async function createStripeCustomer(example: Example, name: string, email: string): Promise<string> {
  const res = await fetch(`${example.stripeServer.url}/v1/customers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ name, email }),
  });
  if (!res.ok) throw new Error(`fake Stripe answered ${res.status}`);
  return ((await res.json()) as { id: string }).id;
}
