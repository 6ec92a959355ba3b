import { createSyncBridge, memoryLocalStore, memoryStorage } from '@syncbridge/core';
import { customerMappings, quickbooks } from '../../src/index.js';

// Your app's keys from developer.intuit.com → Keys & credentials → Development (sandbox).
export function createApp(env: Record<string, string | undefined>) {
  const customers = memoryLocalStore(); // your own customer table in a real app
  const bridge = createSyncBridge({
    storage: memoryStorage(), // postgresStorage({ pool }) in production
    encryptionKeys: [{ kid: '2026-11', key: env.SYNCBRIDGE_KEY! }], // 32 random bytes, base64
    connectors: [
      quickbooks({
        clientId: env.QBO_CLIENT_ID!,
        clientSecret: env.QBO_CLIENT_SECRET!,
        redirectUri: env.QBO_REDIRECT_URI!, // registered under Redirect URIs, exactly
        environment: 'sandbox',
      }),
    ],
    local: { customer: customers },
  });

  return {
    bridge,
    customers,
    /** GET /connect/quickbooks: redirect the user to this URL. */
    connectUrl: async (organizationId: string) =>
      (await bridge.oauth.authorizeUrl({ organizationId, provider: 'quickbooks' })).url,
    /** GET /oauth/quickbooks/callback: Intuit sends ?code=&state=&realmId= here. */
    onCallback: async (callbackUrl: string) => {
      const integration = await bridge.oauth.callback({ provider: 'quickbooks', url: callbackUrl });
      await bridge.sync.configure(integration.id, {
        localEntity: 'customer',
        remoteEntity: 'Customer',
        direction: 'bidirectional',
        conflict: { strategy: 'merge_fields', fallback: 'last_write_wins' },
        mappings: customerMappings,
      });
      return integration;
    },
    /** Then, or on a schedule: the first run is full, later ones read CDC. */
    sync: (integrationId: string, type: 'full' | 'incremental') => bridge.sync.run(integrationId, { type }),
  };
}
