/**
 * @syncbridge/core: contracts, engine, transformer, conflict resolver, auth, HTTP, webhooks,
 * events and memory storage. Start with `createSyncBridge` (see the README).
 */
export * from './auth/index.js';
export * from './bridge/index.js';
export * from './conflict/index.js';
export * from './connector/index.js';
export * from './domain/index.js';
export * from './errors/index.js';
export * from './events/index.js';
export * from './hash/index.js';
export * from './http/index.js';
export * from './local/index.js';
export * from './logging/index.js';
export * from './storage/index.js';
export * from './sync/index.js';
export * from './transform/index.js';
export * from './vault/index.js';
export * from './webhooks/index.js';
