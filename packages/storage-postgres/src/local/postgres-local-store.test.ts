import { isValidationError, type LocalChanges } from '@syncbridge/core';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  backends,
  DATABASE_URL,
  dropSchema,
  freshSchema,
  type TestDatabase,
} from '../test-support/databases.js';
import { type PostgresLocalStore, postgresLocalStore } from './postgres-local-store.js';

/**
 * Waits until every transaction that was running when this is called has ended. The cursor only
 * reports changes older than the oldest running transaction on the whole server, and on a shared
 * server other test files (running in parallel) hold transactions of their own.
 */
async function settled(db: TestDatabase): Promise<void> {
  if (db.kind === 'pglite') return;
  const [mark] = await db.sql<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid');
  await vi.waitFor(
    async () => {
      const [row] = await db.sql<{ ok: boolean }>(
        'SELECT pg_snapshot_xmin(pg_current_snapshot()) > $1::xid8 AS ok',
        [mark!.xid],
      );
      if (!row?.ok) throw new Error('older transactions are still running');
    },
    { timeout: 20_000, interval: 20 },
  );
}

/** Reads every change after `cursor`, page by page. */
async function drain(store: PostgresLocalStore, cursor: string | null, limit = 3, settle = true) {
  if (settle) await settled(currentDb);
  const pages: LocalChanges[] = [];
  for (;;) {
    const page = await store.changedSince(cursor, limit);
    if (page.records.length === 0 && (page.deletedIds ?? []).length === 0) return { pages, cursor };
    pages.push(page);
    cursor = page.cursor;
  }
}

let currentDb: TestDatabase;

describe.each(backends())('postgresLocalStore on $name', ({ name, open }) => {
  let db: TestDatabase;
  let schema: string;
  let customers: PostgresLocalStore;
  beforeAll(async () => {
    db = await open();
    currentDb = db;
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    schema = freshSchema('sbl');
    customers = postgresLocalStore({ ...db.connection, schema, entity: 'customer' });
    await customers.migrate();
  });
  afterEach(async () => {
    await dropSchema(db, schema);
  });

  it('creates, replaces, reads and deletes records by id', async () => {
    const at = new Date('2026-01-01T00:00:00Z');
    await customers.upsert([
      { id: 'c1', data: { name: 'Ada', tags: ['a'] }, updatedAt: at },
      { id: 'c2', data: { name: 'Bob' } },
    ]);
    // A retried upsert overwrites; within one batch the last write of an id wins.
    await customers.upsert([
      { id: 'c1', data: { name: 'Ada L.' }, updatedAt: at },
      { id: 'c1', data: { name: 'Ada Lovelace' }, updatedAt: at },
    ]);
    const got = await customers.get(['c1', 'c2', 'missing']);
    expect(got.map((r) => [r.id, r.data.name]).sort()).toEqual([
      ['c1', 'Ada Lovelace'],
      ['c2', 'Bob'],
    ]);
    expect(got.find((r) => r.id === 'c1')?.updatedAt).toEqual(at);
    expect(got.find((r) => r.id === 'c2')?.updatedAt).toBeInstanceOf(Date);
    await customers.delete(['c2', 'missing']);
    expect(await customers.get(['c2'])).toEqual([]);
    await customers.upsert([]);
    await customers.delete([]);
    expect(await customers.get([])).toEqual([]);
    const count = await db.sql<{ n: number }>(`SELECT count(*)::integer AS n FROM "${schema}".local_records`);
    expect(count[0]?.n).toBe(2); // c1 and c2's tombstone
  });

  it('keeps entities apart in the shared table', async () => {
    const invoices = postgresLocalStore({ ...db.connection, schema, entity: 'invoice' });
    await customers.upsert([{ id: 'x1', data: { kind: 'customer' } }]);
    await invoices.upsert([{ id: 'x1', data: { kind: 'invoice' } }]);
    expect((await customers.get(['x1']))[0]?.data).toEqual({ kind: 'customer' });
    expect((await invoices.get(['x1']))[0]?.data).toEqual({ kind: 'invoice' });
    await invoices.delete(['x1']);
    expect(await customers.get(['x1'])).toHaveLength(1);
    expect((await drain(invoices, null)).pages.flatMap((p) => p.deletedIds)).toEqual(['x1']);
  });

  it('reports changes and deletions in order, page by page, from an opaque cursor', async () => {
    await customers.upsert([1, 2, 3, 4].map((i) => ({ id: `c${i}`, data: { i } })));
    const first = await drain(customers, null);
    expect(first.pages.flatMap((p) => p.records.map((r) => r.id))).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect(first.pages[0]?.records).toHaveLength(3);
    // Nothing new: the same cursor comes back.
    await settled(db);
    const idle = await customers.changedSince(first.cursor, 10);
    expect(idle).toEqual({ records: [], deletedIds: [], cursor: first.cursor });

    await customers.delete(['c2']);
    await customers.upsert([{ id: 'c3', data: { i: 33 } }]);
    await customers.upsert([{ id: 'c2', data: { i: 22 } }]); // recreated after its deletion
    await customers.delete(['c4']);
    const next = await drain(customers, first.cursor, 10);
    expect(next.pages).toHaveLength(1);
    expect(next.pages[0]?.records.map((r) => [r.id, r.data.i])).toEqual([
      ['c3', 33],
      ['c2', 22],
    ]);
    expect(next.pages[0]?.deletedIds).toEqual(['c4']);
  });

  it('prunes old tombstones only', async () => {
    await customers.upsert([
      { id: 'a', data: {} },
      { id: 'b', data: {} },
    ]);
    await customers.delete(['a']);
    expect(await customers.pruneTombstones(new Date(Date.now() - 3_600_000))).toBe(0);
    expect(await customers.pruneTombstones(new Date(Date.now() + 3_600_000))).toBe(1);
    expect((await customers.get(['a', 'b'])).map((r) => r.id)).toEqual(['b']);
    expect((await drain(customers, null)).pages.flatMap((p) => p.deletedIds)).toEqual([]);
  });

  it('rejects a cursor it did not make, and a bad limit', async () => {
    expect(isValidationError(await customers.changedSince('42', 10).catch((e) => e))).toBe(true);
    expect(isValidationError(await customers.changedSince(null, 0).catch((e) => e))).toBe(true);
    expect(isValidationError(await customers.upsert([{ id: '', data: {} }]).catch((e) => e))).toBe(true);
  });

  // Needs a second connection holding a transaction open; PGlite has a single connection.
  (name === 'postgres' ? it : it.skip)(
    'does not skip a change whose transaction commits after a later one was read',
    async () => {
      // A host transaction writes "slow" first (lower sequence number) but commits last.
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      try {
        await client.query('BEGIN');
        await client.query(
          `INSERT INTO "${schema}".local_records (entity, id, data, updated_at) VALUES ('customer', 'slow', '{}', now())`,
        );
        await customers.upsert([{ id: 'fast', data: {} }]);
        // Read while the host transaction is still open (no waiting for it to end).
        const before = await drain(customers, null, 3, false);
        await client.query('COMMIT');
        const after = await drain(customers, before.cursor);
        const seen = [...before.pages, ...after.pages].flatMap((p) => p.records.map((r) => r.id));
        expect(seen.sort()).toEqual(['fast', 'slow']);
      } finally {
        await client.end();
      }
    },
  );
});
