import { runConnectorSuite } from '@syncbridge/testing';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll } from 'vitest';
import { stripe } from '../src/index.js';
import { connectedContext } from '../src/test-support/connected-context.js';
import { createFakeStripe, stripeSuiteDriver } from '../src/testing/index.js';

// The shared connector contract, against the fake over msw, through core's real HTTP client
// (retries off, so each injected failure is seen once and none is left for the next case).
const KEY = 'sk_test_suite';
const fake = createFakeStripe({ apiKeys: [KEY] });
const server = setupServer();
beforeAll(async () => {
  server.use(...(await fake.handlers()));
  server.listen({ onUnhandledFrame: 'error' });
});
afterAll(() => server.close());

const connector = stripe();

for (const entity of ['customer', 'product']) {
  runConnectorSuite({
    name: 'stripe',
    connector,
    context: () => connectedContext(connector, KEY),
    driver: stripeSuiteDriver(fake),
    entity,
    pageCount: 230,
  });
}
