import { randomBytes } from 'node:crypto';
import { type ConnectorContext, createAuthManager, createVault, memoryStorage } from '@syncbridge/core';
import { runConnectorSuite } from '@syncbridge/testing';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll } from 'vitest';
import { PAGE_SIZE, quickbooks } from '../src/index.js';
import { createFakeQuickBooks, quickBooksSuiteDriver } from '../src/testing/index.js';
import { APP } from './helpers/bridge-harness.js';

/*
 * The shared connector contract, through core's real OAuth manager (authorize → consent →
 * callback against the fake) and its real ky-based HTTP client on the sandbox hosts (msw),
 * retries off so error cases answer at once. One fake for the file: the driver resets it
 * before every case; tokens stay valid across resets.
 */
const fake = createFakeQuickBooks({ oauth: { redirectUris: [APP.redirectUri] } });
const server = setupServer(...fake.handlers());
const connector = quickbooks({ ...APP, environment: 'sandbox' });
const auth = createAuthManager({
  storage: memoryStorage(),
  vault: createVault([{ kid: 'k1', key: randomBytes(32) }]),
  connectors: [connector],
  http: { retry: 0 },
});
let ctx: ConnectorContext | undefined;

beforeAll(async () => {
  server.listen({ onUnhandledFrame: 'error' });
  const { url } = await auth.authorizeUrl({ organizationId: 'org_suite', provider: 'quickbooks' });
  const location = (await fetch(url, { redirect: 'manual' })).headers.get('location') as string;
  const integration = await auth.callback({ provider: 'quickbooks', url: location });
  ctx = await auth.context(integration.id);
});
afterAll(() => server.close());

const context = () => {
  if (ctx === undefined) throw new Error('not connected yet');
  return ctx;
};
const driver = quickBooksSuiteDriver(fake);

for (const entity of ['Customer', 'Invoice']) {
  runConnectorSuite({
    name: 'quickbooks',
    connector,
    context,
    driver,
    entity,
    // More than one query page (1,000), so paging and page cursors are exercised.
    pageCount: PAGE_SIZE + 100,
  });
}
