/**
 * Test databases for packages that test against SyncBridge's Postgres storage: PGlite always,
 * the real server when `DATABASE_URL` is set, each test in its own schema.
 *
 * ```ts
 * import { backends, freshSchema } from '@syncbridge/storage-postgres/testing';
 * describe.each(backends())('on $name', ({ open }) => { ... });
 * ```
 */
export * from './test-support/databases.js';
