/*
 * Issue #7: webhook ingest over loopback HTTP. A node:http server with nodeWebhookHandler in
 * front of a bridge on postgresStorage (PGlite; the real server too when DATABASE_URL is set):
 * signature verification (the fake connector's HMAC, signFakeWebhook) and durable storage in the
 * inbox, each delivery with a unique event id. Processing runs in the background as in
 * production (the bridge drains the inbox after each delivery).
 *
 * - Sustained: a closed loop of WEBHOOK_SENDERS (16) concurrent senders for WEBHOOK_N (3,000)
 *   deliveries in total; deliveries/s.
 * - Latency: an open loop at 200 deliveries/s for WEBHOOK_SECONDS (10) s; p50/p99 time to 2xx,
 *   measured from each delivery's scheduled send time (no coordinated omission).
 * Baseline, same run, same database, alternating: a hand-written receiver on the same kind of
 * server (raw body, HMAC check, one INSERT … ON CONFLICT DO NOTHING per delivery).
 * Every delivery is checked: 2xx, and a stored row per event id afterwards.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSyncBridge, memoryLocalStore, nodeWebhookHandler, readRawBody } from '@syncbridge/core';
import { postgresStorage } from '@syncbridge/storage-postgres';
import { createFakeConnector, signFakeWebhook } from '@syncbridge/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dropSchema, freshSchema, sqlBackends, type TestDatabase } from '../test/support/databases.js';
import { fmt, median } from './support/measure.js';

const TOTAL = Number(process.env.WEBHOOK_N ?? 3_000);
const SENDERS = Number(process.env.WEBHOOK_SENDERS ?? 16);
const RATE = 200;
const SECONDS = Number(process.env.WEBHOOK_SECONDS ?? 10);
const SECRET = 'whsec_bench_secret';

interface Receiver {
  url: string;
  /** Rows stored for these event ids. */
  stored(eventIds: readonly string[]): Promise<number>;
  close(): Promise<void>;
}

async function listen(handler: RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(handler);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/fake`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

async function bridgeReceiver(db: TestDatabase, schema: string): Promise<Receiver> {
  const storage = postgresStorage({ ...db.connection, schema });
  await storage.migrate();
  const { connector, remote } = createFakeConnector({ entities: ['contact'] });
  remote.seed(
    'contact',
    Array.from({ length: 100 }, (_, i) => ({ name: `Contact ${i}`, email: `c${i}@example.com` })),
  );
  const bridge = createSyncBridge({
    storage,
    encryptionKeys: [{ kid: 'k1', key: randomBytes(32) }],
    connectors: [connector],
    local: { customer: memoryLocalStore() },
  });
  const integration = await bridge.integrations.connect({
    organizationId: 'bench',
    provider: 'fake',
    credentials: { apiKey: 'fake_bench_key' },
  });
  await bridge.sync.configure(integration.id, {
    localEntity: 'customer',
    remoteEntity: 'contact',
    mappings: [{ local: 'name', remote: '$.name', required: true }],
  });
  await bridge.webhooks.register({ integrationId: integration.id, secret: SECRET });
  const server = await listen(nodeWebhookHandler(bridge));
  return {
    url: server.url,
    stored: async (ids) =>
      Number(
        (
          await db.sql<{ n: number }>(
            `SELECT count(*)::int AS n FROM "${schema}".webhook_events WHERE event_id = ANY($1::text[])`,
            [[...ids]],
          )
        )[0]!.n,
      ),
    async close() {
      await server.close();
      await bridge.close();
    },
  };
}

/** The hand-written way: raw body, HMAC check, one INSERT … ON CONFLICT DO NOTHING, 200. */
async function baselineReceiver(db: TestDatabase, schema: string): Promise<Receiver> {
  const table = `"${schema}".baseline_events`;
  await db.sql(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  await db.sql(
    `CREATE TABLE ${table} (provider text NOT NULL, event_id text NOT NULL, payload jsonb NOT NULL,
       received_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (provider, event_id))`,
  );
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readRawBody(req, 1_048_576);
    const given = Buffer.from(String(req.headers['x-fake-signature'] ?? ''), 'hex');
    const expected = createHmac('sha256', SECRET)
      .update(body ?? '')
      .digest();
    if (!body || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.writeHead(401).end();
      return;
    }
    const events = (JSON.parse(body.toString('utf8')) as { events: { id: string }[] }).events;
    await db.sql(
      `INSERT INTO ${table} (provider, event_id, payload)
       SELECT 'fake', x.id, x.payload FROM json_to_recordset($1::text::json) AS x(id text, payload jsonb)
       ON CONFLICT DO NOTHING`,
      [JSON.stringify(events.map((e) => ({ id: e.id, payload: e })))],
    );
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":1}');
  };
  const server = await listen((req, res) => void handler(req, res));
  return {
    url: server.url,
    stored: async (ids) =>
      Number(
        (
          await db.sql<{ n: number }>(
            `SELECT count(*)::int AS n FROM ${table} WHERE event_id = ANY($1::text[])`,
            [[...ids]],
          )
        )[0]!.n,
      ),
    close: () => server.close(),
  };
}

let sequence = 0;
/** Sends one signed delivery with a fresh event id; resolves with its event id once a 2xx came back. */
async function deliver(url: string): Promise<string> {
  const eventId = `evt_${process.pid}_${++sequence}`;
  const body = JSON.stringify({
    events: [
      {
        id: eventId,
        entity: 'contact',
        objectId: `con_${String(1 + (sequence % 100)).padStart(6, '0')}`,
        type: 'upsert',
      },
    ],
  });
  const response = await fetch(url, { method: 'POST', headers: signFakeWebhook(body, SECRET), body });
  await response.arrayBuffer();
  if (response.status < 200 || response.status >= 300)
    throw new Error(`delivery answered ${response.status}`);
  return eventId;
}

/** N concurrent senders until `total` deliveries are acknowledged; deliveries/s. */
async function closedLoop(receiver: Receiver): Promise<number> {
  const ids: string[] = [];
  let left = TOTAL;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      while (left > 0) {
        left--;
        ids.push(await deliver(receiver.url));
      }
    }),
  );
  const rate = TOTAL / ((performance.now() - started) / 1000);
  expect(await receiver.stored(ids)).toBe(TOTAL);
  return rate;
}

/** 200 deliveries/s for SECONDS s whatever the answers; latencies (ms) from each scheduled send time. */
async function openLoop(receiver: Receiver): Promise<number[]> {
  const count = RATE * SECONDS;
  const interval = 1000 / RATE;
  const started = performance.now();
  const pending: Promise<{ id: string; ms: number }>[] = [];
  for (let i = 0; i < count; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(deliver(receiver.url).then((id) => ({ id, ms: performance.now() - due })));
  }
  const results = await Promise.all(pending);
  expect(await receiver.stored(results.map((r) => r.id))).toBe(count);
  return results.map((r) => r.ms);
}

const percentile = (xs: readonly number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

describe.each(sqlBackends())('webhook ingest on $name', ({ name, open }) => {
  let db: TestDatabase;
  const schemas: string[] = [];
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(db, schema);
    await db?.close();
  });

  test(`sustained (${SENDERS} senders, ${fmt(TOTAL)} deliveries) and ${RATE}/s for ${SECONDS} s`, {
    timeout: 600_000,
  }, async () => {
    const make = async (kind: 'baseline' | 'bridge') => {
      const schema = freshSchema('sbw');
      schemas.push(schema);
      return kind === 'bridge' ? bridgeReceiver(db, schema) : baselineReceiver(db, schema);
    };
    const figures = { baseline: { rate: 0, ms: [] as number[] }, bridge: { rate: 0, ms: [] as number[] } };
    // Alternating: baseline, bridge for the closed loop, then again for the open loop.
    for (const phase of ['closed', 'open'] as const) {
      for (const kind of ['baseline', 'bridge'] as const) {
        const receiver = await make(kind);
        try {
          if (phase === 'closed') figures[kind].rate = await closedLoop(receiver);
          else figures[kind].ms = await openLoop(receiver);
        } finally {
          await receiver.close();
        }
      }
    }
    const row = (kind: 'baseline' | 'bridge') => ({
      receiver: kind === 'bridge' ? 'SyncBridge (nodeWebhookHandler)' : 'baseline: HMAC + one INSERT',
      'sustained deliveries/s': fmt(figures[kind].rate),
      'p50 ms @200/s': fmt(percentile(figures[kind].ms, 50), 1),
      'p99 ms @200/s': fmt(percentile(figures[kind].ms, 99), 1),
      'max ms @200/s': fmt(Math.max(...figures[kind].ms), 1),
    });
    console.log(`\nwebhook ingest on ${name} (targets: p99 < 50 ms at 200/s; ≥ 1,000/s sustained)`);
    console.table([row('baseline'), row('bridge')]);
    console.table([
      {
        'sustained ratio SB/baseline': fmt(figures.bridge.rate / figures.baseline.rate, 2),
        'p99 ratio SB/baseline': fmt(
          percentile(figures.bridge.ms, 99) / percentile(figures.baseline.ms, 99),
          2,
        ),
        'p50 ratio SB/baseline': fmt(median(figures.bridge.ms) / median(figures.baseline.ms), 2),
        'p99 < 50 ms': String(percentile(figures.bridge.ms, 99) < 50),
        '≥ 1,000/s': String(figures.bridge.rate >= 1000),
      },
    ]);
  });
});
