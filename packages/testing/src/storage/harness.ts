import type { StorageAdapter } from '@syncbridge/core';
import { afterEach, beforeEach, it } from 'vitest';

/** Tables of the seed schema, by their SQL names, for the suite's independent reads. */
export type ProbeTable =
  | 'integrations'
  | 'sync_configs'
  | 'field_mappings'
  | 'sync_logs'
  | 'sync_records'
  | 'integration_webhooks'
  | 'webhook_events'
  | 'oauth_states'
  | 'checkpoints';

/**
 * Independent reads of what an adapter wrote, bypassing the adapter's own read methods (raw SQL
 * for Postgres), so a bug in a read cannot hide a bug in a write. `where` keys are snake_case
 * column names.
 */
export interface StorageProbe {
  count(table: ProbeTable, where?: Record<string, string | number | boolean | null>): Promise<number>;
}

export interface StorageSuiteOptions {
  /** Shown in test names: `memory`, `pglite`, `postgres`. */
  name: string;
  /** A fresh, migrated, empty storage for each test. */
  create: () => Promise<StorageAdapter> | StorageAdapter;
  /** Called after each test with what `create` returned. Default: `storage.close()`. */
  destroy?: (storage: StorageAdapter) => Promise<void>;
  /** Independent reads; when absent the suite checks through the adapter's own reads. */
  probe?: (storage: StorageAdapter) => StorageProbe;
  /** Case names to switch off, each with the reason: `{ 'bulk upserts 10,000 sync records': 'too slow on X' }`. */
  skip?: Readonly<Record<string, string>>;
}

/** What each group of cases gets: the storage under test, its probe, and an `it` that honours `skip`. */
export interface SuiteHarness {
  readonly storage: StorageAdapter;
  readonly probe: StorageProbe | undefined;
  readonly name: string;
  readonly case: (title: string, fn: () => Promise<void>, timeoutMs?: number) => void;
}

export function createHarness(options: StorageSuiteOptions): SuiteHarness {
  let current: StorageAdapter | undefined;
  beforeEach(async () => {
    current = await options.create();
  });
  afterEach(async () => {
    if (!current) return;
    const storage = current;
    current = undefined;
    await (options.destroy ? options.destroy(storage) : storage.close());
  });
  const harness: SuiteHarness = {
    get storage() {
      if (!current)
        throw new Error('storage suite: no storage (create() failed or the test runs outside a case)');
      return current;
    },
    get probe() {
      return current && options.probe ? options.probe(current) : undefined;
    },
    name: options.name,
    case(title, fn, timeoutMs) {
      const reason = options.skip?.[title];
      // A switched-off case is reported as skipped (with its reason in the title), never as passed.
      if (reason !== undefined) it.skip(`${title} (switched off: ${reason})`, fn);
      else it(title, fn, timeoutMs);
    },
  };
  return harness;
}

/** Makes an integration with a sync config: the parent rows most cases need. */
export async function seedConfig(storage: StorageAdapter, organizationId = 'org_1', provider = 'acme') {
  const integration = await storage.integrations.create({ organizationId, provider });
  const config = await storage.syncConfigs.create({
    integrationId: integration.id,
    localEntity: 'customer',
    remoteEntity: 'Customer',
  });
  return { integration, config };
}
