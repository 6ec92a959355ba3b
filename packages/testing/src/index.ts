/**
 * @syncbridge/testing: the contract suites that every storage adapter and connector runs.
 */

export { type FetchHandler, type LoopbackServer, serveFetchHandler } from './fakes/serve-fetch-handler.js';
export type { ProbeTable, StorageProbe, StorageSuiteOptions } from './storage/harness.js';
export { runStorageAdapterSuite } from './storage/run-storage-adapter-suite.js';
