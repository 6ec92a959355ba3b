import type { ConnectorContext } from '@syncbridge/core';
import { createFakeConnector, type FakeConnectorOptions, signFakeWebhook } from './fake-connector.js';
import type { FakeFailure } from './fake-remote.js';
import type { ConnectorFakeDriver, InjectedFailure } from './run-connector-suite.js';

const failures: Record<InjectedFailure, FakeFailure> = {
  unauthorized: 'auth',
  not_found: 'not_found',
  rate_limit: 'rate_limit',
  server: 'server',
  validation: 'validation',
};

/**
 * The generic fake connector with a suite driver: a fresh fake for every case.
 *
 * ```ts
 * const fake = fakeConnectorDriver();
 * runConnectorSuite({ name: 'fake', connector: fake.connector, context: fake.context, driver: fake.driver, entity: 'contact' });
 * ```
 */
export function fakeConnectorDriver(options: FakeConnectorOptions = {}) {
  const current = createFakeConnector(options);
  const driver: ConnectorFakeDriver = {
    reset: () => current.remote.reset(),
    seed: (entity, count) =>
      current.remote
        .seed(
          entity,
          Array.from({ length: count }, (_, i) => ({ name: `Seed ${i}` })),
        )
        .map((r) => r.id),
    edit: (entity, id) => {
      current.remote.put(entity, { id, name: `Edited ${id}` });
    },
    remove: (entity, id) => current.remote.remove(entity, id),
    sample: () => ({ create: { name: 'Created by suite' }, update: { name: 'Updated by suite' } }),
    failNext: (kind) => current.remote.failNext('any', failures[kind]),
    webhook: (entity, id) => {
      const body = JSON.stringify({ events: [{ id: `evt_${id}`, entity, objectId: id, type: 'upsert' }] });
      return { request: { headers: signFakeWebhook(body, 'whsec_suite'), body }, secret: 'whsec_suite' };
    },
    advance: (ms) => current.remote.advance(ms),
  };
  return {
    connector: current.connector,
    remote: current.remote,
    context: (): ConnectorContext => current.context(),
    driver,
  };
}
