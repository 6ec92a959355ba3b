import { isAuthError } from '@syncbridge/core';
import { describe, expect, it } from 'vitest';
import { customerMappings } from '../src/index.js';
import {
  APP,
  connectThroughOAuth,
  quickBooksBridge,
  serveFake,
  useIntuitHosts,
} from './helpers/bridge-harness.js';

useIntuitHosts();

describe('createSyncBridge + quickbooks() through core HTTP client and OAuth manager', () => {
  it('connects through authorize → consent → callback, capturing realmId, with tokens encrypted at rest', async () => {
    const fake = serveFake();
    const { bridge, storage } = quickBooksBridge({ fake });
    const integration = await connectThroughOAuth(bridge);
    expect(integration).toMatchObject({ provider: 'quickbooks', status: 'connected' });
    expect(integration.config.realmId).toBe(fake.defaultRealmId);
    expect(fake.oauth.stats).toMatchObject({ authorizeCalls: 1, codeExchanges: 1, invalidGrants: 0 });
    const stored = JSON.stringify(await storage.integrations.get(integration.id));
    expect(stored).not.toMatch(/RT1-|eyJ-/);
    expect(stored).not.toContain(APP.clientSecret);
    expect(await bridge.integrations.test(integration.id)).toEqual({ ok: true });
    await bridge.close();
  });

  it('refuses a replayed callback URL (one-time state) and a denied consent with typed auth errors', async () => {
    const fake = serveFake();
    const { bridge } = quickBooksBridge({ fake });
    const { url } = await bridge.oauth.authorizeUrl({ organizationId: 'org_1', provider: 'quickbooks' });
    const location = (await fetch(url, { redirect: 'manual' })).headers.get('location') as string;
    await bridge.oauth.callback({ provider: 'quickbooks', url: location });
    const replay = await bridge.oauth.callback({ provider: 'quickbooks', url: location }).catch((e) => e);
    expect(isAuthError(replay)).toBe(true);

    fake.oauth.options.deny = true;
    const denied = await connectThroughOAuth(bridge, 'org_2').catch((e) => e);
    expect(isAuthError(denied)).toBe(true);
    expect(denied.code).toBe('AUTH_DENIED');
    await bridge.close();
  });

  it('runs a full sync, then an incremental one from the CDC watermark taken when the pass started', async () => {
    const fake = serveFake();
    const { bridge, local } = quickBooksBridge({ fake });
    const integration = await connectThroughOAuth(bridge);
    await bridge.sync.configure(integration.id, {
      localEntity: 'customer',
      remoteEntity: 'Customer',
      direction: 'inbound',
      mappings: [...customerMappings],
    });
    const seeded = fake.seed.customers(3);
    const full = await bridge.sync.run(integration.id, { type: 'full' });
    expect(full).toMatchObject({ status: 'completed', recordsCreated: 3 });
    expect(
      local.customer
        ?.all()
        .map((r) => r.data.name)
        .sort(),
    ).toEqual(seeded.map((c) => c.DisplayName).sort());
    // The watermark came from Intuit's clock (companyinfo's `time`), once, at the start of the pass.
    expect(fake.requests.filter((r) => r.path.includes('/companyinfo/'))).toHaveLength(1);

    fake.clock.advance(60_000);
    const target = seeded[1];
    fake.company().update('Customer', {
      Id: target?.Id,
      SyncToken: target?.SyncToken,
      sparse: true,
      DisplayName: 'Renamed in QuickBooks',
    });
    const before = fake.requests.length;
    const incremental = await bridge.sync.run(integration.id, { type: 'incremental' });
    expect(incremental).toMatchObject({ status: 'completed', recordsUpdated: 1 });
    const cdc = fake.requests.slice(before).filter((r) => r.path.endsWith('/cdc'));
    expect(cdc).toHaveLength(1);
    // Not the 29-day look-back a null cursor would mean.
    expect(Date.parse(cdc[0]?.query.changedSince ?? '')).toBeGreaterThanOrEqual(
      fake.clock.now().getTime() - 10 * 60_000,
    );
    const renamed = local.customer?.all().find((r) => r.data.name === 'Renamed in QuickBooks');
    expect(renamed).toBeDefined();
    await bridge.close();
  });
});
