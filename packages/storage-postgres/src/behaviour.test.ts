import type { SyncRecordInput } from '@syncbridge/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrations } from './migrations/migrations.js';
import { type PostgresStorage, postgresStorage } from './postgres-storage.js';
import { backends, dropSchema, freshSchema, type TestDatabase } from './test-support/databases.js';

describe.each(backends())('postgresStorage on $name', ({ open }) => {
  let db: TestDatabase;
  let storage: PostgresStorage;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    storage = postgresStorage({ ...db.connection, schema: freshSchema() });
    await storage.migrate();
  });
  afterEach(async () => {
    await dropSchema(db, storage.schema);
  });

  it('migrates once: a second migrate applies nothing and the versions are recorded', async () => {
    expect(await storage.migrateWithResult()).toEqual({ applied: [] });
    const versions = await db.sql<{ version: number }>(
      `SELECT version FROM "${storage.schema}".schema_migrations ORDER BY version`,
    );
    expect(versions.map((v) => Number(v.version))).toEqual(migrations.map((m) => m.version));
    const fresh = postgresStorage({ ...db.connection, schema: freshSchema() });
    try {
      expect(await fresh.migrateWithResult()).toEqual({ applied: migrations.map((m) => m.version) });
    } finally {
      await dropSchema(db, fresh.schema);
    }
  });

  it('ships SQL that hosts can apply with their own tool', async () => {
    const schema = freshSchema('own');
    try {
      await db.sql(`CREATE SCHEMA "${schema}"`);
      for (const m of migrations) await db.exec(m.sql(schema));
      const own = postgresStorage({ ...db.connection, schema });
      const i = await own.integrations.create({ organizationId: 'o', provider: 'p' });
      expect(await own.integrations.get(i.id)).toEqual(i);
    } finally {
      await dropSchema(db, schema);
    }
  });

  it('with migrate: true, migrates before its first statement', async () => {
    const auto = postgresStorage({ ...db.connection, schema: freshSchema(), migrate: true });
    try {
      const [a, b] = await Promise.all([
        auto.integrations.create({ organizationId: 'o1', provider: 'p' }),
        auto.integrations.create({ organizationId: 'o2', provider: 'p' }),
      ]);
      expect(await auto.integrations.get(a.id)).toEqual(a);
      expect(await auto.integrations.get(b.id)).toEqual(b);
      expect(await auto.migrateWithResult()).toEqual({ applied: [] });
    } finally {
      await dropSchema(db, auto.schema);
    }
  });

  it('keeps calls on the adapter out of a running transaction', async () => {
    let inside!: () => void;
    const entered = new Promise<void>((resolve) => {
      inside = resolve;
    });
    let finish!: () => void;
    const hold = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const tx = storage
      .transaction(async (t) => {
        await t.integrations.create({ organizationId: 'in-tx', provider: 'p' });
        inside();
        await hold;
        throw new Error('roll back');
      })
      .catch((e: Error) => e.message);
    await entered;
    // On PGlite this waits for the transaction to end; on pg it commits on its own connection.
    const outside = storage.integrations.create({ organizationId: 'outside', provider: 'p' });
    finish();
    expect(await tx).toBe('roll back');
    await outside;
    expect((await storage.integrations.list()).map((i) => i.organizationId)).toEqual(['outside']);
  });

  it('lets the outer adapter be used inside a transaction on pg, and refuses it on PGlite instead of deadlocking', async () => {
    const outcome = await storage
      .transaction(async () => storage.integrations.list())
      .then(
        () => 'ran',
        (e: Error) => e.message,
      );
    if (db.kind === 'pg') expect(outcome).toBe('ran');
    else expect(outcome).toMatch(/inside storage\.transaction\(fn\).*use the `tx` stores/);
    // The adapter is usable afterwards.
    expect(await storage.integrations.list()).toEqual([]);
  });

  it('upserts a batch far above the 65,535-parameter limit in one call, and swaps ids within a batch', async () => {
    const integration = await storage.integrations.create({ organizationId: 'o', provider: 'p' });
    const config = await storage.syncConfigs.create({
      integrationId: integration.id,
      localEntity: 'customer',
      remoteEntity: 'Customer',
    });
    // 20,000 rows × 17 columns = 340,000 values: one JSON parameter, not 340,000 placeholders.
    const input: SyncRecordInput[] = Array.from({ length: 20_000 }, (_, i) => ({
      syncConfigId: config.id,
      localId: `l${i}`,
      remoteId: `r${i}`,
      base: { i },
    }));
    const [a, b] = await storage.syncRecords.upsert(input);
    expect(await storage.syncRecords.count({ syncConfigId: config.id })).toBe(20_000);
    // Two links exchange their remote ids in one call: legal, since the end state is unique.
    const swapped = await storage.syncRecords.upsert([
      { ...a!, remoteId: b!.remoteId },
      { ...b!, remoteId: a!.remoteId },
    ]);
    expect(swapped.map((r) => r.remoteId)).toEqual(['r1', 'r0']);
    expect((await storage.syncRecords.getByRemoteIds(config.id, ['r0']))[0]?.localId).toBe('l1');
  });

  it('round-trips JSON values, dates inside sync log errors, and large counters', async () => {
    const integration = await storage.integrations.create({
      organizationId: 'o',
      provider: 'p',
      config: { nested: { list: [1, 'two', null, true] }, quote: `it's "quoted"` },
    });
    expect((await storage.integrations.get(integration.id))?.config).toEqual({
      nested: { list: [1, 'two', null, true] },
      quote: `it's "quoted"`,
    });
    const log = await storage.syncLogs.create({ integrationId: integration.id, syncType: 'full' });
    const at = new Date('2026-02-03T04:05:06.789Z');
    const updated = await storage.syncLogs.update(log.id, {
      recordsProcessed: 3_000_000_000,
      errors: [{ localId: 'l1', code: 'X', message: 'bad', at }],
    });
    expect(updated.recordsProcessed).toBe(3_000_000_000);
    expect(updated.errors[0]?.at).toEqual(at);
    const config = await storage.syncConfigs.create({
      integrationId: integration.id,
      localEntity: 'a',
      remoteEntity: 'b',
    });
    // Ids and text travel inside one JSON parameter: quotes, backslashes and non-BMP text survive.
    const odd = `l"\\'\n\u{1F600}é`;
    const [link] = await storage.syncRecords.upsert([
      { syncConfigId: config.id, localId: odd, remoteId: 'r', base: { [odd]: odd } },
    ]);
    expect(link).toMatchObject({ localId: odd, base: { [odd]: odd } });
    expect((await storage.syncRecords.getByLocalIds(config.id, [odd]))[0]?.id).toBe(link!.id);
    for (const value of ['a string', 42, [1, 2], { cursor: 'x' }, null]) {
      const current = await storage.checkpoints.get(config.id, 'k');
      const written = await storage.checkpoints.put({
        syncConfigId: config.id,
        key: 'k',
        value,
        expectedVersion: current?.version ?? null,
      });
      expect(written.value).toEqual(value);
      expect((await storage.checkpoints.get(config.id, 'k'))?.value).toEqual(value);
    }
  });
});
