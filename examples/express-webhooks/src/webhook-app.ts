import { expressWebhookHandler, type SyncBridge } from '@syncbridge/core';
import express, { type Express } from 'express';

/**
 * The host's Express app with SyncBridge's webhook endpoint.
 *
 * The order matters: the webhook route gets `express.raw()` (the exact bytes the provider signed)
 * and is declared before any `express.json()`. A body that was parsed and serialised again no
 * longer matches its signature, and `expressWebhookHandler` refuses a parsed body with an error
 * that says so. The handler answers as soon as the events are stored (200, deduplicated on
 * the provider's event id). Processing runs afterwards, with retries.
 */
export function createWebhookApp(bridge: SyncBridge): Express {
  const app = express();
  app.post(
    '/webhooks/:provider',
    express.raw({ type: '*/*', limit: '1mb' }),
    expressWebhookHandler(bridge, { maxBytes: 1_048_576 }),
  );
  // The rest of your API can parse JSON as usual.
  app.use(express.json());
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  return app;
}
