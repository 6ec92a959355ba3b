import { describe, expect, it, vi } from 'vitest';
import { localRows, people, remoteRows } from '../../sync/__tests__/harness.js';
import { delivery, webhookSetup } from './harness.js';

describe('webhook receiver', () => {
  it('answers 404 for an unknown provider and 413 for an oversized body, storing nothing', async () => {
    const w = await webhookSetup();
    expect((await w.receiver.receive({ provider: 'nope', headers: {}, body: '{}' })).status).toBe(404);
    const big = delivery([{ id: 'x' }]);
    expect((await w.receiver.receive({ ...big, body: big.body.padEnd(20_000, ' ') })).status).toBe(413);
    expect(await w.storage.webhookEvents.list()).toEqual([]);
    expect(w.receiver.rejections).toMatchObject({ unknownProvider: 1, tooLarge: 1 });
  });

  it('answers 401 to a bad signature and stores nothing', async () => {
    const w = await webhookSetup();
    const forged = delivery([{ id: 'c1' }], 'whsec_wrong');
    expect((await w.receiver.receive(forged)).status).toBe(401);
    const tampered = delivery([{ id: 'c1' }]);
    expect((await w.receiver.receive({ ...tampered, body: tampered.body.replace('c1', 'c2') })).status).toBe(
      401,
    );
    expect(await w.storage.webhookEvents.list()).toEqual([]);
    expect(w.receiver.rejections.badSignature).toBe(2);
  });

  it('answers 400 to a signed but malformed payload', async () => {
    const w = await webhookSetup();
    const body = '{"not":"events"}';
    const { signFakeWebhook } = await import('@syncbridge/testing');
    const reply = await w.receiver.receive({
      provider: 'fake',
      headers: signFakeWebhook(body, 'whsec_fake_secret'),
      body,
    });
    expect(reply.status).toBe(400);
  });

  it('stores every event before answering 200, and a duplicate delivery stores nothing new', async () => {
    const w = await webhookSetup();
    const d = delivery([
      { id: 'c1', eventId: 'evt_a' },
      { id: 'c2', eventId: 'evt_b' },
    ]);
    const first = await w.receiver.receive(d);
    expect(first).toEqual({ status: 200, body: { received: 2, duplicates: 0 } });
    const stored = await w.storage.webhookEvents.list();
    expect(stored.map((e) => [e.eventId, e.status, e.integrationId]).sort()).toEqual([
      ['evt_a', 'pending', w.integrationId],
      ['evt_b', 'pending', w.integrationId],
    ]);
    for (let i = 0; i < 2; i++)
      expect(await w.receiver.receive(d)).toEqual({ status: 200, body: { received: 0, duplicates: 2 } });
    expect(await w.storage.webhookEvents.list()).toHaveLength(2);
    expect(await w.storage.webhooks.get(w.registration.id)).toMatchObject({ totalReceived: 2 });
    expect(w.storedCalls()).toBe(1);
  });

  it('accepts the raw bytes as a Uint8Array and headers as a Headers object', async () => {
    const w = await webhookSetup();
    const d = delivery([{ id: 'c1' }]);
    const reply = await w.receiver.receive({
      provider: 'fake',
      headers: new Headers(d.headers),
      body: new TextEncoder().encode(d.body),
    });
    expect(reply.status).toBe(200);
  });
});

describe('webhook processing', () => {
  it('applies the announced changes and marks the events processed', async () => {
    const w = await webhookSetup();
    w.remote.seed('contact', people(3));
    await w.engine.run(w.integrationId, { type: 'full' });
    const changed = w.remote.put('contact', { id: w.remote.all('contact')[0]!.id, name: 'Via webhook' });
    const created = w.remote.put('contact', { name: 'New via webhook', email: 'n@example.com' });
    await w.receiver.receive(delivery([{ id: changed.id }, { id: created.id }]));
    await w.processor().drain();
    expect(localRows(w)).toEqual(remoteRows(w));
    expect((await w.storage.webhookEvents.list()).map((e) => e.status)).toEqual(['processed', 'processed']);
    expect(await w.storage.webhooks.get(w.registration.id)).toMatchObject({ totalProcessed: 2 });
    const logs = await w.storage.syncLogs.list({ integrationId: w.integrationId });
    const log = logs.find((l) => l.syncType === 'webhook');
    expect(log).toMatchObject({ syncType: 'webhook', recordsCreated: 1, recordsUpdated: 1 });
  });

  it('processes the same event delivered three times, out of order, once, ending in the current state', async () => {
    const w = await webhookSetup();
    const [r] = w.remote.seed('contact', people(1));
    await w.engine.run(w.integrationId, { type: 'full' });
    w.remote.put('contact', { id: r!.id, name: 'First edit' });
    const first = delivery([{ id: r!.id, eventId: 'evt_1' }]);
    w.remote.put('contact', { id: r!.id, name: 'Second edit' });
    const second = delivery([{ id: r!.id, eventId: 'evt_2' }]);
    for (const d of [second, first, second, first, second]) await w.receiver.receive(d);
    await w.processor().drain();
    expect(await w.storage.webhookEvents.list()).toHaveLength(2);
    expect(w.local.all()[0]!.data.name).toBe('Second edit');
  });

  it('retries a failing event with backoff, then keeps it as failed with its error, and replays it', async () => {
    const w = await webhookSetup({ maxAttempts: 2 });
    const [r] = w.remote.seed('contact', people(1));
    await w.receiver.receive(delivery([{ id: r!.id, eventId: 'evt_x' }]));
    w.remote.failNext('getMany', 'server', 2);
    const processor = w.processor();
    await processor.drain();
    let [event] = await w.storage.webhookEvents.list();
    expect(event).toMatchObject({ status: 'pending', retryCount: 1, error: expect.stringContaining('500') });
    expect(event!.nextAttemptAt!.getTime()).toBeGreaterThanOrEqual(w.remote.now());
    w.remote.advance(2_000);
    await processor.drain();
    [event] = await w.storage.webhookEvents.list();
    expect(event).toMatchObject({ status: 'failed', retryCount: 2, error: expect.stringContaining('500') });
    expect(await w.storage.webhooks.get(w.registration.id)).toMatchObject({ totalFailed: 1 });
    // Replay after the cause is fixed.
    await w.storage.webhookEvents.update(event!.id, {
      status: 'pending',
      retryCount: 0,
      nextAttemptAt: null,
    });
    await processor.drain();
    [event] = await w.storage.webhookEvents.list();
    expect(event!.status).toBe('processed');
    expect(w.local.size).toBe(1);
  });

  it('picks up events stored before a crash when a new processor starts', async () => {
    const w = await webhookSetup();
    const [r] = w.remote.seed('contact', people(1));
    await w.receiver.receive(delivery([{ id: r!.id }]));
    // A worker claimed the event and died.
    await w.storage.webhookEvents.claim({ leaseMs: 60_000, now: new Date(w.remote.now()) });
    await w.processor().drain();
    expect((await w.storage.webhookEvents.list())[0]!.status).toBe('processing');
    w.remote.advance(61_000);
    await w.processor().drain();
    expect((await w.storage.webhookEvents.list())[0]!.status).toBe('processed');
    expect(w.local.size).toBe(1);
  });

  it('marks events with nothing to sync as ignored', async () => {
    const w = await webhookSetup();
    const { signFakeWebhook } = await import('@syncbridge/testing');
    const body = JSON.stringify({
      events: [{ id: 'evt_i', entity: 'invoice', objectId: 'i1', type: 'upsert' }],
    });
    await w.receiver.receive({ provider: 'fake', headers: signFakeWebhook(body, 'whsec_fake_secret'), body });
    await w.processor().drain();
    expect((await w.storage.webhookEvents.list())[0]!.status).toBe('ignored');
  });
});

describe('webhook retries without a poller', () => {
  it('wakes itself when a retry comes due', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const w = await webhookSetup({ maxAttempts: 3 });
      const [r] = w.remote.seed('contact', people(1));
      await w.receiver.receive(delivery([{ id: r!.id, eventId: 'evt_wake' }]));
      w.remote.failNext('getMany', 'server');
      const processor = w.processor();
      await processor.drain();
      const [pending] = await w.storage.webhookEvents.list();
      expect(pending).toMatchObject({ status: 'pending', retryCount: 1 });
      // The processor's clock is the fake remote's: move both past the backoff.
      const wait = pending!.nextAttemptAt!.getTime() - w.remote.now() + 1;
      w.remote.advance(wait);
      await vi.advanceTimersByTimeAsync(wait + 1);
      await vi.waitFor(async () =>
        expect((await w.storage.webhookEvents.list())[0]!.status).toBe('processed'),
      );
      expect(w.local.size).toBe(1);
      await processor.close();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('webhook routing by account', () => {
  it('stores each event of a multi-account delivery under its own integration, and keeps unknown accounts as ignored', async () => {
    const { memoryStorage } = await import('../../storage/memory/memory-storage.js');
    const { createFakeConnector } = await import('@syncbridge/testing');
    const { createWebhookReceiver } = await import('../webhook-receiver.js');
    const { silentLogger } = await import('../../logging/logger.js');
    const storage = memoryStorage();
    const { connector } = createFakeConnector({ accountConfigKey: 'account' });
    const hooks: Record<string, string> = {};
    for (const account of ['A', 'B']) {
      const integration = await storage.integrations.create({
        organizationId: `org_${account}`,
        provider: 'fake',
        config: { account },
      });
      // One app-wide verifier token, as QuickBooks has: every realm's registration holds the same secret.
      await storage.webhooks.create({
        integrationId: integration.id,
        provider: 'fake',
        secret: 'enc:whsec_shared',
      });
      hooks[account] = integration.id;
    }
    const receiver = createWebhookReceiver({
      storage,
      connectors: new Map([['fake', connector]]),
      secrets: { decrypt: async <T>(c: string) => c.replace(/^enc:/, '') as T },
      logger: silentLogger,
      maxBodyBytes: 100_000,
      now: () => new Date(),
      onStored: () => {},
    });
    const body = JSON.stringify({
      events: ['A', 'B', 'C'].map((account) => ({
        id: `evt_${account}`,
        entity: 'contact',
        objectId: '1',
        type: 'upsert',
        account,
      })),
    });
    const { signFakeWebhook } = await import('@syncbridge/testing');
    expect(
      (await receiver.receive({ provider: 'fake', headers: signFakeWebhook(body, 'whsec_shared'), body }))
        .status,
    ).toBe(200);
    const byId = Object.fromEntries((await storage.webhookEvents.list()).map((e) => [e.eventId, e]));
    expect(byId.evt_A).toMatchObject({ integrationId: hooks.A, status: 'pending' });
    expect(byId.evt_B).toMatchObject({ integrationId: hooks.B, status: 'pending' });
    expect(byId.evt_C).toMatchObject({ integrationId: null, status: 'ignored' });
  });
});
