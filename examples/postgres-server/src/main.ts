/**
 * SyncBridge on a real PostgreSQL server:
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm --dir examples/postgres-server start
 *
 * The same wiring as the main demo, with `postgresStorage({ pool })` instead of PGlite: migrations
 * applied under an advisory lock, the app's records in a JSONB table, and two "workers" (two
 * bridges, as two processes would have) running the same sync at once. The storage's advisory
 * lock makes them take turns, so nothing is written twice. The Stripe side is the fake on loopback.
 *
 * It drops and recreates its own schema (`SYNCBRIDGE_SCHEMA`, default `syncbridge_example`) each run.
 */

import { stripe } from '@syncbridge/connector-stripe';
import { createFakeStripe } from '@syncbridge/connector-stripe/testing';
import { createSyncBridge, type SyncBridge, type SyncLog } from '@syncbridge/core';
import { postgresLocalStore, postgresStorage } from '@syncbridge/storage-postgres';
import pg from 'pg';

const say = (line = '') => process.stdout.write(`${line}\n`);
const API_KEY = 'sk_test_PostgresExample0000';
const SCHEMA = process.env.SYNCBRIDGE_SCHEMA ?? 'syncbridge_example';

/** The URL without its password, for messages. */
function redacted(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(not a URL)';
  }
}

/** A pool that is known to reach the server, or a clear reason why not. */
async function connect(): Promise<pg.Pool> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      'DATABASE_URL is not set. Point it at a PostgreSQL server, for example:\n' +
        '  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm --dir examples/postgres-server start\n' +
        'No server at hand? `pnpm demo` runs the same bridge on embedded PGlite.',
    );
  }
  const pool = new pg.Pool({ connectionString: url, max: 6, connectionTimeoutMillis: 5_000 });
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end();
    throw new Error(
      `cannot reach PostgreSQL at ${redacted(url)}: ${(error as Error).message}. Is the server running, and are the host, port, user and database right?`,
    );
  }
  return pool;
}

type Key = { kid: string; key: string };

function makeBridge(pool: pg.Pool, baseUrl: string, keys: Key[]): SyncBridge {
  return createSyncBridge({
    storage: postgresStorage({ pool, schema: SCHEMA }),
    encryptionKeys: keys,
    scheduler: { tickMs: 200 },
    connectors: [stripe({ baseUrl })],
    local: { customer: postgresLocalStore({ pool, schema: SCHEMA, entity: 'customer' }) },
  });
}

async function main() {
  const pool = await connect();
  say(`PostgreSQL: ${redacted(process.env.DATABASE_URL!)} (schema "${SCHEMA}")`);
  const fake = createFakeStripe({ apiKeys: [API_KEY], now: () => new Date() });
  fake.seed.customers(300);
  const server = await fake.listen();
  // Example keys; in production they come from your secret manager.
  const oldKey: Key = { kid: '2026-10', key: Buffer.alloc(32, 7).toString('base64') };
  const newKey: Key = { kid: '2026-11', key: Buffer.alloc(32, 9).toString('base64') };
  let workers: SyncBridge[] = [];
  try {
    await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    const storage = postgresStorage({ pool, schema: SCHEMA });
    const { applied } = await storage.migrateWithResult();
    say(
      `migrations applied: ${applied.join(', ')} (under an advisory lock: safe when many processes start at once)`,
    );

    workers = [makeBridge(pool, server.url, [oldKey]), makeBridge(pool, server.url, [oldKey])];
    const [a, b] = workers as [SyncBridge, SyncBridge];
    const integration = await a.integrations.connect({
      organizationId: 'org_pg',
      provider: 'stripe',
      credentials: { apiKey: API_KEY },
    });
    const config = await a.sync.configure(integration.id, {
      localEntity: 'customer',
      remoteEntity: 'customer',
      direction: 'inbound',
      mappings: [
        { local: 'name', remote: '$.name', required: true },
        { local: 'email', remote: '$.email' },
        { local: 'city', remote: '$.address.city' },
      ],
    });

    say('\ntwo workers start the same full sync at the same moment:');
    const started = Date.now();
    const logs = await Promise.all(
      [a, b].map((w) => w.sync.run(integration.id, { type: 'full', triggeredBy: 'worker' })),
    );
    logs.forEach((log, i) => {
      say(
        `  worker ${i + 1}: ${log.status}, ${log.recordsCreated} created, ${log.recordsSkipped} skipped (${log.durationMs} ms)`,
      );
    });
    say(
      `  together ${Date.now() - started} ms: the advisory lock "sync:${config.id.slice(0, 8)}…" made them take turns`,
    );

    const incremental = await b.sync.run(integration.id, { type: 'incremental' });
    say(`\nincremental run: ${incremental.recordsProcessed} processed (nothing changed at Stripe)`);

    say('\nthe scheduler: every 1 minute, both workers running it; a new Stripe customer appears:');
    fake.seed.customers(1, {
      events: true,
      params: () => ({ name: 'Scheduled Customer', email: 'late@example.com' }),
    });
    await a.integrations.update(integration.id, { syncFrequencyMinutes: 1 });
    const scheduled = new Promise<SyncLog>((resolve) => {
      for (const w of [a, b])
        w.on('sync.completed', ({ log }) => {
          if (log.triggeredBy === 'scheduler') resolve(log);
        });
    });
    a.sync.start();
    b.sync.start();
    const log = await scheduled;
    await Promise.all([a.sync.stop(), b.sync.stop()]);
    say(
      `  scheduled incremental run: ${log.recordsCreated} created; next run due ${(await a.integrations.get(integration.id)).nextSyncAt?.toISOString()}`,
    );

    say('\nkey rotation: new key first, old key kept for decrypting:');
    const rotating = makeBridge(pool, server.url, [newKey, oldKey]);
    workers.push(rotating);
    say(
      `  rotateKeys(): ${(await rotating.rotateKeys()).reencrypted} secret(s) re-encrypted under "${newKey.kid}"`,
    );
    const newOnly = makeBridge(pool, server.url, [newKey]);
    workers.push(newOnly);
    await newOnly.integrations.test(integration.id);
    say(`  a worker with only the new key reads the credentials: ok`);

    const rows = await pool.query<{ table: string; n: number }>(
      `SELECT 'local_records' AS table, count(*)::int AS n FROM ${SCHEMA}.local_records
       UNION ALL SELECT 'sync_records', count(*)::int FROM ${SCHEMA}.sync_records
       UNION ALL SELECT 'sync_logs', count(*)::int FROM ${SCHEMA}.sync_logs`,
    );
    say('\nrows in PostgreSQL:');
    for (const r of rows.rows) say(`  ${SCHEMA}.${r.table.padEnd(14)} ${r.n}`);
    const secret = await pool.query(
      `SELECT count(*)::int AS n FROM ${SCHEMA}.integrations WHERE credentials::text LIKE $1`,
      [`%${API_KEY}%`],
    );
    say(`  the API key in plain text: ${secret.rows[0].n === 0 ? 'nowhere (encrypted at rest)' : 'FOUND'}`);
    const created = logs.reduce((n, l) => n + l.recordsCreated, 0);
    const linkCount = rows.rows.find((r) => r.table === 'sync_records')!.n;
    if (created !== 300 || linkCount !== 301 || log.recordsCreated !== 1 || secret.rows[0].n !== 0) {
      say('\nunexpected counts: 300 records should have been created once in total, then 1 by the scheduler');
      process.exitCode = 1;
    }
  } finally {
    for (const w of workers) await w.close();
    await server.close();
    await pool.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`\npostgres-server example failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
