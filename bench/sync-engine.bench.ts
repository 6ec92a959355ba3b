/*
 * Issue #6: full inbound sync of N Stripe-shaped customers from the fake connector through
 * createSyncBridge into (a) memoryStorage + memoryLocalStore and (b) postgresStorage +
 * postgresLocalStore on PGlite, at N/10 and N records (N = BENCH_N, default 100,000), against
 * baseline A of PERFORMANCE.md run on the same fake and store in the same process, alternating:
 * pages of 100, one multi-row upsert per page, the next page fetched while the current one is
 * written. Then an incremental sync of 100 changed records out of N, against the full sync's time.
 *
 * vitest's bench repetition (many iterations of a small function) does not fit runs of tens of
 * seconds that need fresh stores, so each scenario runs once per round inside one `test` and the
 * table is printed with console.log. BENCH_ROUNDS (default 1) rounds; medians are quoted.
 * Peak RSS is sampled in-process (process.memoryUsage.rss every 10 ms) above the RSS at the
 * start of the scenario; each scenario gets a fresh PGlite instance.
 */
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import {
  createSyncBridge,
  type LocalStore,
  memoryLocalStore,
  memoryStorage,
  type StorageAdapter,
} from '@syncbridge/core';
import { postgresLocalStore, postgresStorage } from '@syncbridge/storage-postgres';
import { createFakeConnector, type FakeRemote } from '@syncbridge/testing';
import { expect, test } from 'vitest';
import { CUSTOMER_MAPPINGS, customer, fastListing, pages } from './support/customers.js';
import { fmt, measure, median } from './support/measure.js';

const LARGE = Number(process.env.BENCH_N ?? 100_000);
const SMALL = Math.max(1, Math.round(LARGE / 10));
const CHANGED = Math.max(1, Math.round(LARGE / 1000));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const PAGE = 100;

interface Env {
  storage: StorageAdapter;
  local: LocalStore;
  /** Baseline A's page write into the same kind of store. */
  writePage(records: readonly Record<string, unknown>[]): Promise<void>;
  /** Rows the run left in the host store (verification). */
  count(): Promise<number>;
  /** Bytes of data the stores hold. */
  dataBytes(syncConfigId: string | null): Promise<number>;
  close(): Promise<void>;
}

const memoryEnv = async (): Promise<Env> => {
  const storage = memoryStorage();
  const local = memoryLocalStore();
  return {
    storage,
    local,
    writePage: (records) => local.upsert(records.map((r) => ({ id: r.id as string, data: r as never }))),
    count: async () => local.size,
    async dataBytes(syncConfigId) {
      let bytes = Buffer.byteLength(JSON.stringify(local.all()));
      let after: string | undefined;
      while (syncConfigId) {
        const page = await storage.syncRecords.list({
          syncConfigId,
          limit: 10_000,
          ...(after ? { after } : {}),
        });
        if (page.length === 0) break;
        bytes += Buffer.byteLength(JSON.stringify(page));
        after = page.at(-1)!.id;
      }
      return bytes;
    },
    close: async () => {},
  };
};

const pgliteEnv = async (): Promise<Env> => {
  const pglite = await PGlite.create();
  const schema = 'bench';
  const storage = postgresStorage({ pglite, schema });
  await storage.migrate();
  const local = postgresLocalStore({ pglite, schema, entity: 'customer' });
  await pglite.exec(`CREATE TABLE ${schema}.a_customers (id text PRIMARY KEY, data jsonb NOT NULL)`);
  return {
    storage,
    local,
    async writePage(records) {
      await pglite.query(
        `INSERT INTO ${schema}.a_customers (id, data)
         SELECT x.id, x.data FROM json_to_recordset($1::text::json) AS x(id text, data jsonb)
         ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data`,
        [JSON.stringify(records.map((r) => ({ id: r.id, data: r })))],
      );
    },
    async count() {
      const a = await pglite.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.a_customers`);
      const b = await pglite.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.local_records`);
      return a.rows[0]!.n + b.rows[0]!.n;
    },
    async dataBytes() {
      const { rows } = await pglite.query<{ bytes: string }>(
        `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::text AS bytes
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND c.relkind = 'r'`,
        [schema],
      );
      return Number(rows[0]!.bytes);
    },
    close: () => pglite.close(),
  };
};

const seeded = (n: number) => {
  const fake = createFakeConnector({ entities: ['customer'], pageSize: PAGE });
  fastListing(fake.connector, fake.remote, 'customer', PAGE);
  fake.remote.seed(
    'customer',
    Array.from({ length: n }, (_, i) => customer(i)),
  );
  return fake;
};

/** Baseline A: pages of 100, one multi-row upsert per page, the next page fetched while this one is written. */
async function baselineA(remote: FakeRemote, env: Env): Promise<void> {
  const iterator = pages(remote, 'customer', PAGE, { cursor: null, since: null })[Symbol.asyncIterator]();
  let next = iterator.next();
  for (;;) {
    const page = await next;
    if (page.done) return;
    next = iterator.next();
    await env.writePage(page.value.records);
  }
}

async function bridgeOn(env: Env, fake: ReturnType<typeof seeded>) {
  const bridge = createSyncBridge({
    storage: env.storage,
    encryptionKeys: [{ kid: 'k1', key: randomBytes(32) }],
    connectors: [fake.connector],
    local: { customer: env.local },
    now: () => new Date(fake.remote.now()),
  });
  const integration = await bridge.integrations.connect({
    organizationId: 'bench',
    provider: 'fake',
    credentials: { apiKey: 'fake_bench_key' },
  });
  const config = await bridge.sync.configure(integration.id, {
    localEntity: 'customer',
    remoteEntity: 'customer',
    direction: 'inbound',
    mappings: CUSTOMER_MAPPINGS,
  });
  return { bridge, integrationId: integration.id, syncConfigId: config.id };
}

interface Figures {
  aSeconds: number[];
  aRss: number[];
  fullSeconds: number[];
  fullRss: number[];
  dataMb: number[];
  incrementalSeconds: number[];
}

async function scenario(open: () => Promise<Env>, n: number, withIncremental: boolean): Promise<Figures> {
  const out: Figures = {
    aSeconds: [],
    aRss: [],
    fullSeconds: [],
    fullRss: [],
    dataMb: [],
    incrementalSeconds: [],
  };
  for (let round = 0; round < ROUNDS; round++) {
    {
      const env = await open();
      const fake = seeded(n);
      const run = await measure(() => baselineA(fake.remote, env));
      expect(await env.count()).toBe(n);
      out.aSeconds.push(run.seconds);
      out.aRss.push(run.peakRssMb);
      await env.close();
    }
    {
      const env = await open();
      const fake = seeded(n);
      const { bridge, integrationId, syncConfigId } = await bridgeOn(env, fake);
      const full = await measure(() => bridge.sync.run(integrationId, { type: 'full' }));
      expect(full.value).toMatchObject({ status: 'completed', recordsCreated: n });
      expect(await env.count()).toBe(n);
      out.fullSeconds.push(full.seconds);
      out.fullRss.push(full.peakRssMb);
      out.dataMb.push((await env.dataBytes(syncConfigId)) / 2 ** 20);
      if (withIncremental) {
        const ids = [...fake.remote.table('customer').keys()];
        for (let i = 0; i < CHANGED; i++) {
          const id = ids[Math.floor((i * ids.length) / CHANGED)]!;
          fake.remote.put('customer', { id, name: `Changed ${i}` });
        }
        const incremental = await measure(() => bridge.sync.run(integrationId, { type: 'incremental' }));
        expect(incremental.value).toMatchObject({ status: 'completed', recordsUpdated: CHANGED });
        out.incrementalSeconds.push(incremental.seconds);
      }
      await bridge.close();
      await env.close();
    }
  }
  return out;
}

const backends = [
  { name: 'memoryStorage + memoryLocalStore', open: memoryEnv },
  { name: 'postgresStorage + postgresLocalStore on PGlite', open: pgliteEnv },
];

test(`full and incremental inbound sync, ${fmt(SMALL)} and ${fmt(LARGE)} records`, {
  timeout: 900_000,
}, async () => {
  const rows: Record<string, string>[] = [];
  const memory: Record<string, string>[] = [];
  for (const backend of backends) {
    const small = await scenario(backend.open, SMALL, false);
    const large = await scenario(backend.open, LARGE, true);
    for (const [n, f] of [
      [SMALL, small],
      [LARGE, large],
    ] as const) {
      const a = n / median(f.aSeconds);
      const sb = n / median(f.fullSeconds);
      rows.push({
        store: backend.name,
        records: fmt(n),
        'A records/s': fmt(a),
        'SyncBridge records/s': fmt(sb),
        'ratio SB/A': fmt(sb / a, 2),
        'A peak RSS MB': fmt(median(f.aRss), 1),
        'SB peak RSS MB': fmt(median(f.fullRss), 1),
      });
    }
    memory.push({
      store: backend.name,
      [`SB peak RSS ${fmt(SMALL)} MB`]: fmt(median(small.fullRss), 1),
      [`SB peak RSS ${fmt(LARGE)} MB`]: fmt(median(large.fullRss), 1),
      'RSS growth MB': fmt(median(large.fullRss) - median(small.fullRss), 1),
      'store data growth MB': fmt(median(large.dataMb) - median(small.dataMb), 1),
      'growth ≤ data': String(
        median(large.fullRss) - median(small.fullRss) <= median(large.dataMb) - median(small.dataMb),
      ),
      [`incremental ${CHANGED} of ${fmt(LARGE)} s`]: fmt(median(large.incrementalSeconds), 3),
      'full s': fmt(median(large.fullSeconds), 2),
      'incremental/full': `${fmt((100 * median(large.incrementalSeconds)) / median(large.fullSeconds), 2)} %`,
    });
  }
  console.log(
    `\nsync engine: full inbound sync (median of ${ROUNDS} round(s), alternating A and SyncBridge)`,
  );
  console.table(rows);
  console.log(
    '\nsync engine: memory and incremental sync (target: growth ≤ store data; incremental < 2 % of full)',
  );
  console.table(memory);
});
