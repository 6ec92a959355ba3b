import { createFakeConnector, type FakeConnectorOptions } from '@syncbridge/testing';
import type { SyncConfig } from '../../domain/sync-config.js';
import { ValidationError } from '../../errors/validation-error.js';
import { EventBus } from '../../events/event-bus.js';
import { canonicalJson } from '../../hash/canonical-json.js';
import { memoryLocalStore } from '../../local/memory-local-store.js';
import { silentLogger } from '../../logging/logger.js';
import { memoryStorage } from '../../storage/memory/memory-storage.js';
import type { StorageAdapter } from '../../storage/storage-adapter.js';
import type { BridgeEvents } from '../bridge-events.js';
import { SyncEngine } from '../engine.js';
import type { ConflictAnswer, ConflictQuestion, MappedRecord, RecordMapper } from '../ports.js';

/** Fields the test mapping copies between `contact` (remote) and `customer` (local). */
export const FIELDS = ['name', 'email'] as const;

const pick = (record: Record<string, unknown>, fields: readonly string[]) =>
  Object.fromEntries(fields.map((f) => [f, record[f] ?? null]));

/** A stand-in for the transformer: copies `name` and `email`; `name` is required. */
export const testMapper: RecordMapper = {
  inbound(remote) {
    const r = remote as Record<string, unknown>;
    if (typeof r.name !== 'string' || r.name === '') {
      return { ok: false, error: new ValidationError('contact: name is required') };
    }
    return { ok: true, value: pick(r, FIELDS) };
  },
  outbound: (local, options) => ({ ok: true, value: pick(local, options?.fields ?? FIELDS) }),
  pickLocal: (local) => pick(local, FIELDS),
};

/** A stand-in for the resolver with the strategies the engine tests need. */
export function testResolve(q: ConflictQuestion): ConflictAnswer {
  const fields = FIELDS.filter(
    (f) => canonicalJson(q.local[f] ?? null) !== canonicalJson(q.remote[f] ?? null),
  );
  if (q.strategy === 'manual_review')
    return { outcome: 'manual_review', conflictingFields: fields, reason: 'manual' };
  let record: MappedRecord;
  if (q.strategy === 'source_priority') record = q.priority === 'local' ? q.local : q.remote;
  else if (q.strategy === 'merge_fields' || q.strategy === 'merge') {
    record = {};
    for (const f of FIELDS) {
      const localChanged = canonicalJson(q.local[f] ?? null) !== canonicalJson(q.base?.[f] ?? null);
      record[f] = localChanged ? q.local[f] : q.remote[f];
    }
  } else
    record = (q.localUpdatedAt?.getTime() ?? 0) > (q.remoteUpdatedAt?.getTime() ?? 0) ? q.local : q.remote;
  return {
    outcome: 'resolved',
    record,
    applyToLocal: canonicalJson(record) !== canonicalJson(q.local),
    applyToRemote: canonicalJson(record) !== canonicalJson(q.remote),
    conflictingFields: fields,
    reason: q.strategy,
  };
}

export interface Setup {
  storage: StorageAdapter;
  engine: SyncEngine;
  remote: ReturnType<typeof createFakeConnector>['remote'];
  local: ReturnType<typeof memoryLocalStore>;
  events: EventBus<BridgeEvents>;
  integrationId: string;
  config: SyncConfig;
  /** A new engine on the same storage, local store and remote: a restarted process. */
  restart(): SyncEngine;
}

export async function setup(
  options: {
    /** Provider records per write batch; 1 writes (and checkpoints) every page. */
    writeBatchSize?: number;
    config?: Partial<Pick<SyncConfig, 'direction' | 'conflictResolution' | 'prioritySource'>>;
    connector?: FakeConnectorOptions;
    storage?: StorageAdapter;
  } = {},
): Promise<Setup> {
  const storage = options.storage ?? memoryStorage();
  const { connector, remote, context } = createFakeConnector({
    entities: ['contact'],
    pageSize: 10,
    ...options.connector,
  });
  const local = memoryLocalStore();
  const events = new EventBus<BridgeEvents>();
  const integration = await storage.integrations.create({
    organizationId: 'org',
    provider: 'fake',
    status: 'connected',
  });
  const config = await storage.syncConfigs.create({
    integrationId: integration.id,
    localEntity: 'customer',
    remoteEntity: 'contact',
    direction: 'bidirectional',
    conflictResolution: 'last_write_wins',
    ...options.config,
  });
  const make = () =>
    new SyncEngine(
      {
        storage,
        connectors: new Map([[connector.provider, connector]]),
        local: { customer: local },
        contextFor: async () => context(),
        mapperFor: async () => testMapper,
        resolve: testResolve,
        events,
        logger: silentLogger,
        // The provider's clock: incremental watermarks compare against its timestamps.
        now: () => new Date(remote.now()),
      },
      { writeBatchSize: options.writeBatchSize ?? 1 },
    );
  return {
    storage,
    engine: make(),
    remote,
    local,
    events,
    integrationId: integration.id,
    config,
    restart: make,
  };
}

/** The host data as `{ name, email }` rows sorted by name, for comparing with the remote. */
export const localRows = (s: Setup) =>
  s.local
    .all()
    .map((r) => pick(r.data, FIELDS))
    .sort((a, b) => String(a.name).localeCompare(String(b.name)));

export const remoteRows = (s: Setup) =>
  s.remote
    .all('contact')
    .map((r) => pick(r, FIELDS))
    .sort((a, b) => String(a.name).localeCompare(String(b.name)));

export const people = (n: number, prefix = 'Person') =>
  Array.from({ length: n }, (_, i) => ({
    name: `${prefix} ${String(i).padStart(4, '0')}`,
    email: `p${i}@example.com`,
  }));
