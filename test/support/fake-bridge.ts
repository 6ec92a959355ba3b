import { randomBytes } from 'node:crypto';
import {
  createSyncBridge,
  type StorageAdapter,
  type SyncBridge,
  type SyncBridgeOptions,
  type SyncConfigureInput,
} from '@syncbridge/core';
import { createFakeConnector, type FakeConnectorOptions, type FakeRemote } from '@syncbridge/testing';
import type { InspectableStore } from './databases.js';

export const WEBHOOK_SECRET = 'whsec_scenario_secret';
export const FIELDS = ['name', 'email'] as const;
export const MAPPINGS = [
  { local: 'name', remote: '$.name', required: true },
  { local: 'email', remote: '$.email' },
];

export type Strategy = 'last_write_wins' | 'merge_fields';

/** A fake provider, a bridge on `storage`, an integration with a bidirectional customer ↔ contact config. */
export interface FakeBridge {
  bridge: SyncBridge;
  remote: FakeRemote;
  connector: ReturnType<typeof createFakeConnector>['connector'];
  integrationId: string;
  syncConfigId: string;
  /**
   * Closes this bridge and starts a new one on the same host store and provider, and on the same
   * storage unless another handle on it is given: a restarted process.
   */
  restart(storage?: StorageAdapter): Promise<SyncBridge>;
  /** Another bridge alongside this one (another process), on the same host store and provider. */
  spawn(storage?: StorageAdapter): SyncBridge;
}

export async function fakeBridge(options: {
  storage: StorageAdapter;
  local: InspectableStore;
  strategy?: Strategy;
  /** Replaces the conflict policy (e.g. source priority). */
  conflict?: SyncConfigureInput['conflict'];
  connector?: FakeConnectorOptions;
  bridge?: Partial<SyncBridgeOptions>;
}): Promise<FakeBridge> {
  const { connector, remote } = createFakeConnector({
    entities: ['contact'],
    pageSize: 10,
    ...options.connector,
  });
  const keys = [{ kid: 'k1', key: randomBytes(32) }];
  const make = (storage = options.storage) =>
    createSyncBridge({
      storage,
      encryptionKeys: keys,
      connectors: [connector],
      local: { customer: options.local.store },
      // The provider's clock: incremental watermarks compare against its timestamps.
      now: () => new Date(remote.now()),
      // A checkpoint after every page, so a crash or stop lands between pages at a known place.
      engine: { writeBatchSize: 1 },
      ...options.bridge,
    });
  let bridge = make();
  const integration = await bridge.integrations.connect({
    organizationId: 'org_1',
    provider: 'fake',
    credentials: { apiKey: 'fake_live_key_0123456789' },
  });
  const config = await bridge.sync.configure(integration.id, {
    localEntity: 'customer',
    remoteEntity: 'contact',
    direction: 'bidirectional',
    conflict: options.conflict ?? {
      strategy: options.strategy ?? 'last_write_wins',
      fallback: 'last_write_wins',
    },
    mappings: MAPPINGS,
  });
  const fixture: FakeBridge = {
    bridge,
    remote,
    connector,
    integrationId: integration.id,
    syncConfigId: config.id,
    async restart(storage) {
      await bridge.close();
      bridge = make(storage);
      fixture.bridge = bridge;
      return bridge;
    },
    spawn: (storage) => make(storage),
  };
  return fixture;
}

/** `name|email` of each record, sorted. */
export const rowsOf = (records: readonly Record<string, unknown>[]) =>
  records.map((r) => `${r.name}|${r.email}`).sort();
