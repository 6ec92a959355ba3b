import { PGlite } from '@electric-sql/pglite';
import { quickbooks } from '@syncbridge/connector-quickbooks';
import { stripe } from '@syncbridge/connector-stripe';
import { createSyncBridge, type SyncBridge } from '@syncbridge/core';
import { type PostgresLocalStore, postgresLocalStore, postgresStorage } from '@syncbridge/storage-postgres';
import { FAKE_QBO_CLIENT, type FakeWorld } from './fake-world.js';
import { computes } from './mappings.js';
import { RefIndex } from './refs.js';
import type { Settings } from './settings.js';

/** Everything the host app holds: the database, its own data stores, and the bridge. */
export interface App {
  readonly db: PGlite;
  readonly bridge: SyncBridge;
  readonly refs: RefIndex;
  readonly local: { customer: PostgresLocalStore; invoice: PostgresLocalStore; payment: PostgresLocalStore };
  close(): Promise<void>;
}

/**
 * Wires SyncBridge as a host app would: one PGlite database (a folder on disk) holding both
 * SyncBridge's tables and the app's records, both connectors, and mappings' compute functions.
 * Fake providers are reached through `baseUrl` / `authBaseUrls`; real ones through their defaults.
 */
export async function createApp(options: {
  dataDir: string;
  settings: Settings;
  world: FakeWorld | null;
  encryptionKey: string;
  qboRedirectUri: string;
}): Promise<App> {
  const { settings, world } = options;
  const db = await PGlite.create(`${options.dataDir}/pglite`);
  const storage = postgresStorage({ pglite: db });
  const local = {
    customer: postgresLocalStore({ pglite: db, entity: 'customer' }),
    invoice: postgresLocalStore({ pglite: db, entity: 'invoice' }),
    payment: postgresLocalStore({ pglite: db, entity: 'payment' }),
  };
  await storage.migrate();
  const refs = new RefIndex(storage);
  const qbo = settings.quickbooks;
  const bridge = createSyncBridge({
    storage,
    encryptionKeys: [{ kid: 'demo-1', key: options.encryptionKey }],
    connectors: [
      stripe(settings.stripe.mode === 'fake' ? { baseUrl: world!.stripeServer.url } : {}),
      qbo.mode === 'fake'
        ? quickbooks({
            ...FAKE_QBO_CLIENT,
            redirectUri: options.qboRedirectUri,
            environment: 'sandbox',
            baseUrl: world!.qboServer.url,
            authBaseUrls: world!.qboServer.url,
          })
        : quickbooks({
            clientId: qbo.clientId,
            clientSecret: qbo.clientSecret,
            redirectUri: qbo.redirectUri,
            environment: 'sandbox',
          }),
    ],
    local,
    computes: computes(refs, () => (qbo.mode === 'fake' ? world!.qboItemId : qbo.itemId)),
  });
  return {
    db,
    bridge,
    refs,
    local,
    async close() {
      await bridge.close();
      await storage.close();
      await db.close();
    },
  };
}
