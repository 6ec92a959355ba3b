import { createHttpClient, silentLogger } from '@syncbridge/core';
import { type ConnectorFakeDriver, runConnectorSuite } from '@syncbridge/testing';
import { createAcmeApi } from '../src/acme-api.js';
import { acme } from '../src/acme-connector.js';

const API_KEY = 'acme_test_key_123';
const api = createAcmeApi({ apiKey: API_KEY });
// msw-free: the connector's HTTP client calls the fake's handler through a fetch stand-in.
const connector = acme({ baseUrl: 'https://api.acme.example' });
const integration = { id: 'int_suite', organizationId: 'org_suite', provider: 'acme', config: {} };

const driver: ConnectorFakeDriver = {
  reset: () => api.reset(),
  seed: (_entity, count) => api.seed(Array.from({ length: count }, (_, i) => `Seed ${i}`)).map((c) => c.id),
  edit: (_entity, id) => void api.edit(id, { name: `Edited ${id}` }),
  remove: (_entity, id) => void api.remove(id),
  sample: () => ({
    create: { name: 'Created by suite', email: 'suite@acme.example' },
    update: { name: 'Updated' },
  }),
  // Retries are off in the context below, so one failure is enough.
  failNext: (kind) => api.failNext(kind),
  webhook: (_entity, id) => ({ request: api.webhook(id, 'acme_whsec'), secret: 'acme_whsec' }),
  advance: (ms) => api.advance(ms),
};

runConnectorSuite({
  name: 'acme',
  connector,
  entity: 'contact',
  driver,
  pageCount: 120,
  context: () => ({
    http: createHttpClient({
      connector,
      integration,
      auth: {
        apply: async (headers) => headers.set('Authorization', `Bearer ${API_KEY}`),
        secrets: () => [API_KEY],
      },
      retry: 0,
      fetch: (input, init) => api.handle(new Request(input, init)),
    }),
    integration,
    logger: silentLogger,
    signal: new AbortController().signal,
  }),
});
