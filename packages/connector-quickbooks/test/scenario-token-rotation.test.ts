import { describe, expect, it } from 'vitest';
import { customerMappings, quickbooks } from '../src/index.js';
import {
  APP,
  connectThroughOAuth,
  quickBooksBridge,
  serveFake,
  useIntuitHosts,
} from './helpers/bridge-harness.js';
import { BACKENDS, sharedStorage } from './helpers/storages.js';

useIntuitHosts();

const HOUR = 3600 * 1000;

describe.each(BACKENDS)(
  'scenario on %s storage: access-token expiry and refresh-token rotation',
  (backend) => {
    it('two bridge instances sharing one storage refresh exactly once, get no invalid_grant, and both keep working', async () => {
      const fake = serveFake({ oauth: { refreshTokenMode: 'rotate' } });
      const shared = await sharedStorage(backend);
      try {
        const a = quickBooksBridge({ fake, storage: shared.first });
        const b = quickBooksBridge({ fake, storage: shared.second, keys: a.keys });
        const integration = await connectThroughOAuth(a.bridge);
        await a.bridge.sync.configure(integration.id, {
          localEntity: 'customer',
          remoteEntity: 'Customer',
          direction: 'inbound',
          mappings: [...customerMappings],
        });
        fake.seed.customers(5);
        expect(await a.bridge.sync.run(integration.id, { type: 'full' })).toMatchObject({
          status: 'completed',
          recordsCreated: 5,
        });
        const refreshTokenBefore = (await shared.first.integrations.get(integration.id))?.credentials;

        for (let round = 1; round <= 2; round++) {
          // An hour later every access token both processes hold is expired at Intuit.
          fake.clock.advance(HOUR + 1000);
          fake.seed.customers(1);
          const [runA, ...tests] = await Promise.all([
            a.bridge.sync.run(integration.id, { type: 'incremental' }),
            b.bridge.integrations.test(integration.id),
            b.bridge.integrations.test(integration.id),
            a.bridge.integrations.test(integration.id),
          ]);
          expect(runA).toMatchObject({ status: 'completed', recordsCreated: 1 });
          expect(tests).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
          expect(fake.oauth.stats).toMatchObject({ refreshCalls: round, invalidGrants: 0 });
        }

        // Each rotation was persisted (encrypted) before use; the integration is healthy.
        const after = await shared.second.integrations.get(integration.id);
        expect(after).toMatchObject({ status: 'connected', errorCount: 0 });
        expect(after?.credentials).not.toBe(refreshTokenBefore);
        expect(
          fake.requests.filter((r) => r.status === 401).length,
          'every request after expiry got one 401 at most',
        ).toBeGreaterThan(0);
        expect(a.local.customer?.all()).toHaveLength(7);
        await Promise.all([a.bridge.close(), b.bridge.close()]);
      } finally {
        await shared.close();
      }
    });

    it('a process whose live context holds superseded tokens takes the rotated ones instead of expiring the integration', async () => {
      const fake = serveFake({ oauth: { refreshTokenMode: 'rotate' } });
      const shared = await sharedStorage(backend);
      try {
        const a = quickBooksBridge({ fake, storage: shared.first });
        const b = quickBooksBridge({ fake, storage: shared.second, keys: a.keys });
        const integration = await connectThroughOAuth(a.bridge);
        // B's context (an HTTP client holding the first tokens) lives across A's rotation.
        const ctxB = await b.bridge.internals.auth.context(integration.id);
        const connector = quickbooks({ ...APP, environment: 'sandbox' });
        fake.clock.advance(HOUR + 1000);
        expect(await a.bridge.integrations.test(integration.id)).toEqual({ ok: true });
        expect(fake.oauth.stats).toMatchObject({ refreshCalls: 1, invalidGrants: 0 });
        // B's stale access token gets a 401; it re-reads storage under the lock and uses A's tokens.
        await connector.test?.(ctxB);
        expect(fake.oauth.stats).toMatchObject({ refreshCalls: 1, invalidGrants: 0 });
        expect((await shared.first.integrations.get(integration.id))?.status).toBe('connected');
        await Promise.all([a.bridge.close(), b.bridge.close()]);
      } finally {
        await shared.close();
      }
    });
  },
);
