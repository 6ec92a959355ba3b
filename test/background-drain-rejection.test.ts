/*
 * Background webhook drains (after a delivery, at start-up, on the poll timer) catch and log a failure instead of leaving an unhandled rejection that would end the host process.
 * (Found by the scenario tests; kept as regression tests.)
 */
import { memoryLocalStore, memoryStorage } from '@syncbridge/core';
import { signFakeWebhook } from '@syncbridge/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeBridge, WEBHOOK_SECRET } from './support/fake-bridge.js';
import { mortal } from './support/mortal.js';

const unhandled: unknown[] = [];
const record = (reason: unknown) => unhandled.push(reason);

describe('background webhook processing', () => {
  afterEach(() => {
    process.off('unhandledRejection', record);
  });

  it('does not leave an unhandled rejection when storage fails while draining', async () => {
    process.on('unhandledRejection', record);
    const local = memoryLocalStore();
    let outage = false;
    const storage = mortal(memoryStorage(), () => outage, 'webhookEvents.claim');
    const f = await fakeBridge({ storage, local: { store: local, all: async () => local.all() } });
    await f.bridge.webhooks.register({ integrationId: f.integrationId, secret: WEBHOOK_SECRET });
    const body = JSON.stringify({
      events: [{ id: 'evt_1', entity: 'contact', objectId: 'con_1', type: 'upsert' }],
    });
    outage = true; // the database goes away after the delivery is stored
    const reply = await f.bridge.webhooks.receive({
      provider: 'fake',
      headers: signFakeWebhook(body, WEBHOOK_SECRET),
      body,
    });
    expect(reply.status).toBe(200);
    // Let the background drain scheduled by the delivery run and fail.
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled).toEqual([]);
  });
});
