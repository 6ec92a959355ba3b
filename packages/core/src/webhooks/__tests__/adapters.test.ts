import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signFakeWebhook } from '@syncbridge/testing';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import {
  expressWebhookHandler,
  fastifyWebhookPlugin,
  fetchWebhookHandler,
  nodeWebhookHandler,
} from '../adapters/index.js';
import type { WebhookSink } from '../adapters/types.js';
import { SECRET, webhookSetup } from './harness.js';

// Pretty-printed on purpose: a body parsed and serialised again loses this whitespace, and with it the signature.
const rawBody = JSON.stringify(
  { events: [{ id: 'evt_raw', entity: 'contact', objectId: 'c1', type: 'upsert' }] },
  null,
  2,
);
const reserialised = JSON.stringify(JSON.parse(rawBody));
const headers = signFakeWebhook(rawBody, SECRET);

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function sink(): Promise<WebhookSink> {
  const w = await webhookSetup();
  return { webhooks: { receive: (d) => w.receiver.receive(d) } };
}

async function listen(server: ReturnType<typeof createServer>): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const post = (url: string, body: string) => fetch(url, { method: 'POST', headers, body });

describe('webhook adapters keep the raw body', () => {
  it('node:http: the raw body verifies, a re-serialised one does not', async () => {
    const url = await listen(createServer(nodeWebhookHandler(await sink())));
    expect((await post(`${url}/webhooks/fake`, rawBody)).status).toBe(200);
    expect((await post(`${url}/webhooks/fake`, reserialised)).status).toBe(401);
    expect((await post(`${url}/webhooks/unknown`, rawBody)).status).toBe(404);
  });

  it('node:http: refuses a body over the limit with 413', async () => {
    const url = await listen(createServer(nodeWebhookHandler(await sink(), { maxBytes: 50 })));
    expect((await post(`${url}/webhooks/fake`, rawBody)).status).toBe(413);
  });

  it('Express: the raw body verifies behind express.raw, a re-serialised one does not, and a parsed body is refused', async () => {
    const bridge = await sink();
    const app = express();
    app.post('/webhooks/:provider', express.raw({ type: '*/*' }), expressWebhookHandler(bridge));
    app.post('/parsed/:provider', express.json(), expressWebhookHandler(bridge));
    app.post('/stream/:provider', expressWebhookHandler(bridge));
    const url = await listen(createServer(app));
    expect((await post(`${url}/webhooks/fake`, rawBody)).status).toBe(200);
    expect((await post(`${url}/stream/fake`, rawBody)).status).toBe(200);
    expect((await post(`${url}/webhooks/fake`, reserialised)).status).toBe(401);
    const parsed = await fetch(`${url}/parsed/fake`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: rawBody,
    });
    expect(parsed.status).toBe(500);
  });

  it('Fastify: the plugin keeps raw bytes in its scope; a re-serialised body fails', async () => {
    const app = Fastify();
    await app.register(fastifyWebhookPlugin(await sink()), { prefix: '/webhooks' });
    app.post('/json', async (request) => ({ got: request.body }));
    await app.ready();
    closers.push(() => app.close());
    const send = (url: string, payload: string) => app.inject({ method: 'POST', url, headers, payload });
    expect((await send('/webhooks/fake', rawBody)).statusCode).toBe(200);
    expect((await send('/webhooks/fake', reserialised)).statusCode).toBe(401);
    // The rest of the app still parses JSON.
    const json = await app.inject({ method: 'POST', url: '/json', payload: { a: 1 } });
    expect(json.json()).toEqual({ got: { a: 1 } });
  });

  it('Hono (fetch handler): the raw body verifies, a re-serialised one does not', async () => {
    const handle = fetchWebhookHandler(await sink());
    const app = new Hono();
    app.post('/webhooks/:provider', (c) => handle(c.req.raw));
    const send = (body: string) => app.request('/webhooks/fake', { method: 'POST', headers, body });
    expect((await send(rawBody)).status).toBe(200);
    expect((await send(reserialised)).status).toBe(401);
  });
});
