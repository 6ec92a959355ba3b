/*
 * Upsert of 100,000 sync records through the adapter, against the database's own bulk path for
 * the same rows into a scratch table with the same columns and indexes, in the same run:
 * - PGlite: COPY … FROM '/dev/blob' (CSV).
 * - pg: one INSERT … SELECT FROM unnest($1::text[], …): `pg` has no COPY without pg-copy-streams,
 *   which this package does not depend on, so this is the plainest set-based insert it can send.
 * The adapter writes pages of 1,000 (one statement per page, as a sync writes them), validating
 * every record and returning the stored rows. Each run starts from empty tables.
 * Prints records/s of both and the ratio (adapter / baseline), medians of the runs.
 */
import { randomUUID } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import type { SyncRecordInput } from '@syncbridge/core';
import type pg from 'pg';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { type PostgresStorage, postgresStorage } from '../postgres-storage.js';
import { backends, dropSchema, freshSchema, type TestDatabase } from '../test-support/databases.js';

const N = 100_000;
const PAGE = 1_000;
const ROUNDS = 3;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

type Row = SyncRecordInput & { id: string };

for (const backend of backends()) {
  describe(`sync records upsert on ${backend.name}`, () => {
    let db: TestDatabase;
    let storage: PostgresStorage;
    let rows: Row[];
    let scratch: string;
    let links: string;

    beforeAll(async () => {
      db = await backend.open();
      storage = postgresStorage({ ...db.connection, schema: freshSchema('sbb') });
      await storage.migrate();
      const integration = await storage.integrations.create({ organizationId: 'bench', provider: 'stripe' });
      const config = await storage.syncConfigs.create({
        integrationId: integration.id,
        localEntity: 'customer',
        remoteEntity: 'customer',
      });
      rows = Array.from({ length: N }, (_, i) => ({
        id: randomUUID(),
        syncConfigId: config.id,
        localId: `c_${i}`,
        remoteId: `cus_${i.toString(36).padStart(8, '0')}`,
        base: { name: `Customer ${i}`, email: `customer${i}@example.com`, balance: i % 997 },
        baseHash: `h${i}`,
        remoteVersion: String(1_700_000_000 + i),
        syncStatus: 'synced',
        generation: 1,
      }));
      links = `"${storage.schema}".sync_records`;
      scratch = `"${storage.schema}".scratch_sync_records`;
      // Same columns, defaults, constraints and indexes as the link table.
      await db.sql(`CREATE TABLE ${scratch} (LIKE ${links} INCLUDING ALL)`);
    }, 120_000);

    afterAll(async () => {
      await dropSchema(db, storage.schema);
      await db.close();
    });

    const adapterRun = async (batch: Row[]) => {
      for (let i = 0; i < batch.length; i += PAGE) await storage.syncRecords.upsert(batch.slice(i, i + PAGE));
    };

    test(`${N.toLocaleString('en')} links: adapter vs the database's bulk path`, {
      timeout: 600_000,
    }, async ({ bench }) => {
      const baselineName = backend.name === 'pglite' ? 'COPY FROM blob' : 'one INSERT … unnest';
      const seconds = { adapter: [] as number[], baseline: [] as number[] };
      // Alternate adapter and baseline, each from empty tables, so machine noise hits both.
      for (let round = 0; round < ROUNDS; round++) {
        await db.sql(`TRUNCATE ${links}`);
        let started = performance.now();
        await adapterRun(rows);
        seconds.adapter.push((performance.now() - started) / 1000);
        await db.sql(`TRUNCATE ${scratch}`);
        started = performance.now();
        await baselineInsert(db, scratch, rows);
        seconds.baseline.push((performance.now() - started) / 1000);
      }
      const adapter = Math.round(N / median(seconds.adapter));
      const baseline = Math.round(N / median(seconds.baseline));
      console.log(
        `\nsync records upsert on ${backend.name}, ${N.toLocaleString('en')} rows, median of ${ROUNDS} alternating runs`,
      );
      console.table([
        {
          'adapter (pages of 1,000) records/s': adapter.toLocaleString('en'),
          [`baseline (${baselineName}) records/s`]: baseline.toLocaleString('en'),
          'ratio adapter/baseline': (adapter / baseline).toFixed(2),
        },
      ]);

      // The same comparison through vitest's runner, on 10,000 rows per iteration.
      const sample = rows.slice(0, 10_000);
      await bench.compare(
        bench(
          `baseline: ${baselineName}, 10,000 rows`,
          { beforeEach: async () => void (await db.sql(`TRUNCATE ${scratch}`)) },
          () => baselineInsert(db, scratch, sample),
        ),
        bench(
          `adapter: syncRecords.upsert, 10,000 rows`,
          { beforeEach: async () => void (await db.sql(`TRUNCATE ${links}`)) },
          () => adapterRun(sample),
        ),
        { iterations: 5, time: 0, warmup: false },
      );
    });
  });
}

const COLUMNS =
  'id, sync_config_id, local_id, remote_id, base, base_hash, remote_version, sync_status, generation, created_at, updated_at';

async function baselineInsert(db: TestDatabase, table: string, rows: (SyncRecordInput & { id: string })[]) {
  const now = new Date().toISOString();
  if ('pglite' in db.connection) {
    const csv = rows
      .map((r) =>
        [
          r.id,
          r.syncConfigId,
          r.localId,
          r.remoteId,
          `"${JSON.stringify(r.base).replaceAll('"', '""')}"`,
          r.baseHash,
          r.remoteVersion,
          r.syncStatus,
          r.generation,
          now,
          now,
        ].join(','),
      )
      .join('\n');
    const pglite = db.connection.pglite as PGlite;
    await pglite.query(`COPY ${table} (${COLUMNS}) FROM '/dev/blob' WITH (FORMAT csv)`, [], {
      blob: new Blob([csv]),
    });
    return;
  }
  const pool = db.connection.pool as pg.Pool;
  await pool.query(
    `INSERT INTO ${table} (${COLUMNS})
     SELECT id, sync_config_id, local_id, remote_id, base, base_hash, remote_version, sync_status, generation, $10::timestamptz, $10::timestamptz
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::text[], $8::text[], $9::bigint[])
       AS x(id, sync_config_id, local_id, remote_id, base, base_hash, remote_version, sync_status, generation)`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.syncConfigId),
      rows.map((r) => r.localId),
      rows.map((r) => r.remoteId),
      rows.map((r) => JSON.stringify(r.base)),
      rows.map((r) => r.baseHash),
      rows.map((r) => r.remoteVersion),
      rows.map((r) => r.syncStatus),
      rows.map((r) => r.generation),
      now,
    ],
  );
}
