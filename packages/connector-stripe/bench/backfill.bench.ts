/*
 * Stripe customers → PostgreSQL: SyncBridge's full inbound sync (postgresStorage +
 * postgresLocalStore, stripeCustomerMappings) against baseline A, implemented here: fetch pages
 * of 100 over loopback, one multi-row INSERT … ON CONFLICT per page into a scratch table, the
 * next page fetched while the current one is written. Same fake (served on loopback), same
 * database, same process, alternating, median of 3; every run verified row by row.
 * Then peak RSS at 10k and N, and an incremental sync of 100 changed customers of N.
 *
 *   STRIPE_BENCH_N=100000 DATABASE_URL=postgres://postgres@127.0.0.1:5432/test pnpm exec vitest bench --run packages/connector-stripe/bench
 *
 * Without DATABASE_URL the database is PGlite (in this process, on this thread).
 */
import { randomBytes } from 'node:crypto';
import { createSyncBridge, type SyncBridge } from '@syncbridge/core';
import { postgresLocalStore, postgresStorage } from '@syncbridge/storage-postgres';
import {
  DATABASE_URL,
  dropSchema,
  freshSchema,
  openPglite,
  openPostgres,
  type TestDatabase,
} from '@syncbridge/storage-postgres/testing';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { stripe, stripeCustomerMappings } from '../src/index.js';
import { createFakeStripe, type FakeStripe } from '../src/testing/index.js';

const N = Number(process.env.STRIPE_BENCH_N ?? 100_000);
const SMALL = Math.min(10_000, N);
const ROUNDS = 3;
const CHANGED = 100;
const KEY = 'sk_live_bench';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MB`;
const rate = (n: number, s: number) => Math.round(n / s).toLocaleString('en');

/** Peak RSS while `fn` runs, sampled every 25 ms, and the RSS when it started. */
async function measured<T>(
  fn: () => Promise<T>,
): Promise<{ value: T; seconds: number; startRss: number; peakRss: number }> {
  global.gc?.();
  const startRss = process.memoryUsage().rss;
  let peakRss = startRss;
  const timer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 25);
  const started = performance.now();
  try {
    const value = await fn();
    const seconds = (performance.now() - started) / 1000;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    return { value, seconds, startRss, peakRss };
  } finally {
    clearInterval(timer);
  }
}

interface Served {
  fake: FakeStripe;
  url: string;
  ids: string[];
  close(): Promise<void>;
}

async function serve(n: number): Promise<Served> {
  const fake = createFakeStripe({ apiKeys: [KEY] });
  const ids = fake.seed.customers(n, { spacingSeconds: 1 }).map((c) => c.id);
  const server = await fake.listen();
  return { fake, url: server.url, ids, close: () => server.close() };
}

/** Baseline A: pages of 100 over loopback, one multi-row INSERT … ON CONFLICT per page, fetch pipelined with the write. */
async function baselineA(db: TestDatabase, url: string, table: string): Promise<number> {
  const get = async (after: string | null) => {
    const res = await fetch(`${url}/v1/customers?limit=100${after ? `&starting_after=${after}` : ''}`, {
      headers: { authorization: `Bearer ${KEY}` },
    });
    return (await res.json()) as { data: { id: string }[]; has_more: boolean };
  };
  let written = 0;
  let next = get(null);
  for (;;) {
    const page = await next;
    const last = page.data.at(-1);
    if (page.has_more && last) next = get(last.id);
    if (page.data.length > 0) {
      const values = page.data.map((_, i) => `($${i * 2 + 1}, $${i * 2 + 2}::jsonb)`).join(', ');
      await db.sql(
        `INSERT INTO ${table} (id, data) VALUES ${values} ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data`,
        page.data.flatMap((c) => [c.id, JSON.stringify(c)]),
      );
      written += page.data.length;
    }
    if (!page.has_more || !last) return written;
  }
}

interface BridgeRun {
  bridge: SyncBridge;
  integrationId: string;
  schema: string;
}

async function bridgeFor(db: TestDatabase, url: string): Promise<BridgeRun> {
  const schema = freshSchema('sbbench');
  const storage = postgresStorage({ ...db.connection, schema });
  await storage.migrate();
  const bridge = createSyncBridge({
    storage,
    encryptionKeys: [{ kid: 'bench', key: randomBytes(32) }],
    // The fake has no rate limit; Stripe's documented 100 req/s would cap a sync at 10,000 records/s.
    connectors: [stripe({ baseUrl: url, requestsPerSecond: 100_000 })],
    local: { customer: postgresLocalStore({ ...db.connection, schema, entity: 'customer' }) },
  });
  const integration = await bridge.integrations.connect({
    organizationId: 'bench',
    provider: 'stripe',
    credentials: { apiKey: KEY },
  });
  await bridge.sync.configure(integration.id, {
    localEntity: 'customer',
    remoteEntity: 'customer',
    direction: 'inbound',
    mappings: stripeCustomerMappings,
  });
  return { bridge, integrationId: integration.id, schema };
}

/** Row by row: every fake id is linked once and its host record holds the mapped name. */
async function verifyBridge(db: TestDatabase, run: BridgeRun, served: Served): Promise<void> {
  const rows = await db.sql<{ remote_id: string; name: string }>(
    `SELECT s.remote_id, l.data->>'name' AS name FROM "${run.schema}".sync_records s
       JOIN "${run.schema}".local_records l ON l.entity = 'customer' AND l.id = s.local_id AND NOT l.deleted`,
  );
  const names = new Map(rows.map((r) => [r.remote_id, r.name]));
  if (rows.length !== served.ids.length || names.size !== served.ids.length)
    throw new Error(`bridge run: ${rows.length} rows for ${served.ids.length} customers`);
  for (const c of served.fake.state.list('customers'))
    if (names.get(c.id) !== c.name) throw new Error(`bridge run: ${c.id} holds ${names.get(c.id)}`);
}

async function verifyBaseline(db: TestDatabase, table: string, served: Served): Promise<void> {
  const rows = await db.sql<{ id: string; name: string }>(`SELECT id, data->>'name' AS name FROM ${table}`);
  const names = new Map(rows.map((r) => [r.id, r.name]));
  if (names.size !== served.ids.length)
    throw new Error(`baseline: ${names.size} rows for ${served.ids.length}`);
  for (const c of served.fake.state.list('customers'))
    if (names.get(c.id) !== c.name) throw new Error(`baseline: ${c.id} holds ${names.get(c.id)}`);
}

describe(`Stripe customers backfill into ${DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  let db: TestDatabase;
  const scratchSchema = freshSchema('sbscratch');
  const schemas: string[] = [];
  beforeAll(async () => {
    db = DATABASE_URL ? openPostgres(DATABASE_URL) : await openPglite();
    await db.sql(`CREATE SCHEMA ${scratchSchema}`);
  }, 60_000);
  afterAll(async () => {
    for (const s of [...schemas, scratchSchema]) await dropSchema(db, s);
    await db.close();
  });

  test(`full sync of ${N.toLocaleString('en')} customers: SyncBridge vs baseline A`, {
    timeout: 900_000,
  }, async () => {
    const small = await serve(SMALL);
    const big = SMALL === N ? small : await serve(N);
    const kb = JSON.stringify(big.fake.state.list('customers').slice(0, 1000)).length / 1000 / 1024;

    const table = `${scratchSchema}.customers`;
    const resetScratch = async () => {
      await db.sql(`DROP TABLE IF EXISTS ${table}`);
      await db.sql(`CREATE TABLE ${table} (id text PRIMARY KEY, data jsonb NOT NULL)`);
    };
    const runA = async (served: Served) => {
      await resetScratch();
      const m = await measured(() => baselineA(db, served.url, table));
      await verifyBaseline(db, table, served);
      return m;
    };
    const runBridge = async (served: Served) => {
      const run = await bridgeFor(db, served.url);
      schemas.push(run.schema);
      const m = await measured(() => run.bridge.sync.run(run.integrationId, { type: 'full' }));
      if (m.value.status !== 'completed')
        throw new Error(`bridge run ${m.value.status}: ${m.value.errorMessage}`);
      await verifyBridge(db, run, served);
      return { ...m, run };
    };

    // Warm-up and the 10k memory figures (one run each).
    const aSmall = await runA(small);
    const bSmall = await runBridge(small);
    await bSmall.run.bridge.close();

    const seconds = { a: [] as number[], bridge: [] as number[] };
    const peaks = { a: [] as number[], bridge: [] as number[] };
    let aPeakRss = 0;
    let last: Awaited<ReturnType<typeof runBridge>> | undefined;
    for (let round = 0; round < ROUNDS; round++) {
      const a = await runA(big);
      seconds.a.push(a.seconds);
      peaks.a.push(a.peakRss - a.startRss);
      aPeakRss = Math.max(aPeakRss, a.peakRss);
      await last?.run.bridge.close();
      last = await runBridge(big);
      seconds.bridge.push(last.seconds);
      peaks.bridge.push(last.peakRss - last.startRss);
    }

    // Incremental: 100 customers changed at Stripe after the last full sync.
    for (const id of big.ids.slice(0, CHANGED)) {
      await big.fake.handle(
        new Request(`${big.url}/v1/customers/${id}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/x-www-form-urlencoded' },
          body: `name=Changed+${id}`,
        }),
      );
    }
    const run = last!.run;
    const inc = await measured(() => run.bridge.sync.run(run.integrationId, { type: 'incremental' }));
    if (inc.value.status !== 'completed' || inc.value.recordsUpdated !== CHANGED)
      throw new Error(`incremental: ${inc.value.status}, ${inc.value.recordsUpdated} updated`);
    await verifyBridge(db, run, big);
    await run.bridge.close();

    const a = N / median(seconds.a);
    const b = N / median(seconds.bridge);
    const fullSeconds = median(seconds.bridge);
    console.log(
      `\nStripe customers (${kb.toFixed(2)} KB JSON each) from a loopback fake into ${db.kind === 'pg' ? 'PostgreSQL' : 'PGlite'}, N=${N.toLocaleString('en')}, median of ${ROUNDS} alternating runs`,
    );
    console.table([
      {
        'baseline A records/s': rate(N, median(seconds.a)),
        'SyncBridge records/s': rate(N, median(seconds.bridge)),
        'ratio SyncBridge/A': (b / a).toFixed(2),
        target: '≥ 0.70',
      },
    ]);
    console.table([
      {
        what: 'RSS growth during the run (peak − start; the fake lives in this process)',
        [`A @ ${SMALL.toLocaleString('en')}`]: mb(aSmall.peakRss - aSmall.startRss),
        [`A @ ${N.toLocaleString('en')}`]: mb(median(peaks.a)),
        [`SyncBridge @ ${SMALL.toLocaleString('en')}`]: mb(bSmall.peakRss - bSmall.startRss),
        [`SyncBridge @ ${N.toLocaleString('en')}`]: mb(median(peaks.bridge)),
        'SyncBridge growth 10k→N': mb(median(peaks.bridge) - (bSmall.peakRss - bSmall.startRss)),
        target: '< 20 MB',
      },
      {
        what: 'absolute peak RSS (process)',
        [`A @ ${SMALL.toLocaleString('en')}`]: mb(aSmall.peakRss),
        [`A @ ${N.toLocaleString('en')}`]: mb(aPeakRss),
        [`SyncBridge @ ${SMALL.toLocaleString('en')}`]: mb(bSmall.peakRss),
        [`SyncBridge @ ${N.toLocaleString('en')}`]: mb(last!.peakRss),
      },
    ]);
    console.table([
      {
        [`incremental, ${CHANGED} changed of ${N.toLocaleString('en')}`]: `${(inc.seconds * 1000).toFixed(0)} ms`,
        'full sync (median)': `${(fullSeconds * 1000).toFixed(0)} ms`,
        'incremental / full': `${((inc.seconds / fullSeconds) * 100).toFixed(2)} %`,
        target: '< 2 %',
      },
    ]);
    await small.close();
    if (big !== small) await big.close();
  });
});
