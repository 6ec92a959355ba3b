import { describe } from 'vitest';
import { createHarness, type StorageSuiteOptions } from './harness.js';
import { integrationCases } from './integration-cases.js';
import { lifecycleCases } from './lifecycle-cases.js';
import { recordCases } from './record-cases.js';
import { webhookCases } from './webhook-cases.js';

/**
 * The contract every `StorageAdapter` passes: CRUD per aggregate, every uniqueness rule,
 * cascades, bulk writes of 10,000 links, transactions, locks, optimistic checkpoints and
 * validation. Call it from a vitest file:
 *
 * ```ts
 * import { memoryStorage } from '@syncbridge/core';
 * import { runStorageAdapterSuite } from '@syncbridge/testing';
 * runStorageAdapterSuite({ name: 'memory', create: () => memoryStorage() });
 * ```
 */
export function runStorageAdapterSuite(options: StorageSuiteOptions): void {
  describe(`StorageAdapter contract: ${options.name}`, () => {
    const h = createHarness(options);
    integrationCases(h);
    recordCases(h);
    webhookCases(h);
    lifecycleCases(h);
  });
}
