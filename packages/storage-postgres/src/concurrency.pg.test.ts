import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from './migrations/migrations.js';
import { postgresStorage } from './postgres-storage.js';
import {
  DATABASE_URL,
  dropSchema,
  freshSchema,
  openPostgres,
  type TestDatabase,
} from './test-support/databases.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const url = DATABASE_URL;

// Two pools stand for two processes: they share no in-process state, only the server.
describe.skipIf(!url)('postgresStorage across two pools (real server; needs DATABASE_URL)', () => {
  let a: TestDatabase;
  let b: TestDatabase;
  const schemas: string[] = [];
  const pair = (schema = freshSchema()) => {
    schemas.push(schema);
    return [
      postgresStorage({ ...a.connection, schema }),
      postgresStorage({ ...b.connection, schema }),
    ] as const;
  };
  beforeAll(() => {
    a = openPostgres(url!);
    b = openPostgres(url!);
  });
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(a, schema);
    await a.close();
    await b.close();
  });

  it('applies each migration once when two pools migrate at the same time', async () => {
    const [first, second] = pair();
    const results = await Promise.all([first.migrateWithResult(), second.migrateWithResult()]);
    const applied = results.flatMap((r) => r.applied).sort((x, y) => x - y);
    expect(applied).toEqual(migrations.map((m) => m.version));
    const rows = await a.sql<{ n: number }>(
      `SELECT count(*)::integer AS n FROM "${first.schema}".schema_migrations`,
    );
    expect(rows[0]?.n).toBe(migrations.length);
  });

  it('never lets 20 withLock callers on one key, spread over two pools, overlap', async () => {
    const [first, second] = pair();
    await first.migrate();
    let inside = 0;
    let maxInside = 0;
    let done = 0;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? first : second).withLock('sync:config-1', async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          await sleep(3);
          inside--;
          done++;
        }),
      ),
    );
    expect(maxInside).toBe(1);
    expect(done).toBe(20);
  });

  it('tryWithLock on one pool gives up while the other pool holds the key', async () => {
    const [first, second] = pair();
    let release!: () => void;
    let held!: () => void;
    const holding = new Promise<void>((resolve) => {
      held = resolve;
    });
    const holder = first.withLock('k', async () => {
      held();
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    await holding;
    expect(await second.tryWithLock('k', async () => 'never')).toEqual({ acquired: false });
    expect(await second.tryWithLock('other', async () => 'free')).toEqual({ acquired: true, value: 'free' });
    release();
    await holder;
    expect(await second.tryWithLock('k', async () => 'now')).toEqual({ acquired: true, value: 'now' });
  });

  it('never hands the same webhook event to two claims from different pools', async () => {
    const [first, second] = pair();
    await first.migrate();
    const now = new Date('2026-05-01T12:00:00Z');
    await first.transaction(async (tx) => {
      for (let i = 0; i < 60; i++)
        await tx.webhookEvents.insert({
          provider: 'p',
          eventId: `e${i}`,
          payload: { i },
          receivedAt: new Date(now.getTime() - 60_000 + i),
        });
    });
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? first : second).webhookEvents.claim({ limit: 10, now })),
    );
    const ids = claims.flat().map((e) => e.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(60);
  });

  it('stores a webhook event once when both pools receive it at the same time', async () => {
    const [first, second] = pair();
    await first.migrate();
    const deliveries = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 ? first : second).webhookEvents.insert({ provider: 'stripe', eventId: 'evt_1', payload: {} }),
      ),
    );
    expect(deliveries.filter((d) => d.inserted)).toHaveLength(1);
    expect(new Set(deliveries.map((d) => d.event.id)).size).toBe(1);
  });
});
