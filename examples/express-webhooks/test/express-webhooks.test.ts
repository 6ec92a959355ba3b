import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signStripePayload } from '@syncbridge/connector-stripe/testing';
import { expressWebhookHandler, localIdFor } from '@syncbridge/core';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createExample, createStripeCustomer, type Example, WEBHOOK_SECRET } from '../src/setup.js';
import { createWebhookApp } from '../src/webhook-app.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function listen(app: express.Express): Promise<string> {
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  cleanups.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function setup(): Promise<{ example: Example; url: string }> {
  const example = await createExample();
  cleanups.push(() => example.close());
  return { example, url: await listen(createWebhookApp(example.bridge)) };
}

/** A Stripe event as the fake recorded it, with the exact bytes and signature Stripe would send. */
async function pendingDelivery(example: Example) {
  const id = await createStripeCustomer(example, 'Ada Lovelace', 'ada@example.com');
  const event = example.stripe.state.events().at(-1)!;
  const body = JSON.stringify(event, null, 2);
  const signature = signStripePayload(body, WEBHOOK_SECRET, Math.floor(Date.now() / 1000));
  return { id, body, headers: { 'content-type': 'application/json', 'stripe-signature': signature } };
}

describe('webhooks mounted in Express with the raw body', () => {
  it('verifies a signed Stripe delivery, stores it once, and syncs the customer into the app', async () => {
    const { example, url } = await setup();
    const { id, body, headers } = await pendingDelivery(example);
    const first = await fetch(`${url}/webhooks/stripe`, { method: 'POST', headers, body });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ received: 1 });
    const again = await fetch(`${url}/webhooks/stripe`, { method: 'POST', headers, body });
    expect(await again.json()).toMatchObject({ duplicates: 1 });

    await example.bridge.webhooks.process();
    const [config] = await example.bridge.sync.configs(example.integration.id);
    const [record] = await example.customers.get([localIdFor(config!.id, id)]);
    expect(record?.data).toEqual({ name: 'Ada Lovelace', email: 'ada@example.com' });
    expect(await example.bridge.webhooks.events({ provider: 'stripe' })).toHaveLength(1);
  });

  it('refuses a tampered body with 401 and stores nothing', async () => {
    const { example, url } = await setup();
    const { body, headers } = await pendingDelivery(example);
    const tampered = body.replace('Ada Lovelace', 'Mallory');
    const res = await fetch(`${url}/webhooks/stripe`, { method: 'POST', headers, body: tampered });
    expect(res.status).toBe(401);
    expect(await example.bridge.webhooks.events({ provider: 'stripe' })).toHaveLength(0);
    expect(example.bridge.webhooks.rejections.badSignature).toBe(1);
  });

  it('answers 404 for a provider it has no connector for', async () => {
    const { url } = await setup();
    const res = await fetch(`${url}/webhooks/acme`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
  });

  it('refuses a body that express.json() already parsed, instead of failing every signature', async () => {
    const { example } = await setup();
    const wrong = express();
    wrong.use(express.json());
    wrong.post('/webhooks/:provider', expressWebhookHandler(example.bridge));
    const url = await listen(wrong);
    const { body, headers } = await pendingDelivery(example);
    const res = await fetch(`${url}/webhooks/stripe`, { method: 'POST', headers, body });
    expect(res.status).toBe(500);
    expect(await example.bridge.webhooks.events({ provider: 'stripe' })).toHaveLength(0);
  });
});
