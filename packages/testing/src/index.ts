/**
 * @syncbridge/testing: the contract suites that every storage adapter and connector runs.
 */

export * from './connector/index.js';
export * from './fakes/index.js';
export type { ProbeTable, StorageProbe, StorageSuiteOptions } from './storage/harness.js';
export { runStorageAdapterSuite } from './storage/run-storage-adapter-suite.js';
