export type { LocalChanges, LocalRecord, LocalStore } from './local-store.js';
export { type MemoryLocalStore, memoryLocalStore } from './memory-local-store.js';
