/**
 * Webhooks into an Express app:
 *
 *   pnpm --dir examples/express-webhooks start            # one round trip, then exit
 *   pnpm --dir examples/express-webhooks start -- --serve  # keep listening on PORT (default 3000)
 */
import type { AddressInfo } from 'node:net';
import { localIdFor } from '@syncbridge/core';
import { createExample, createStripeCustomer, WEBHOOK_SECRET } from './setup.js';
import { createWebhookApp } from './webhook-app.js';

const say = (line = '') => process.stdout.write(`${line}\n`);

async function main() {
  const serve = process.argv.includes('--serve');
  const example = await createExample();
  const app = createWebhookApp(example.bridge);
  const server = app.listen(serve ? Number(process.env.PORT ?? 3000) : 0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  say(`Express listening on ${url}; webhooks: POST ${url}/webhooks/stripe`);
  try {
    const id = await createStripeCustomer(example, 'Grace Hopper', 'grace@example.com');
    say(`Stripe: customer ${id} created (a customer.created event is pending delivery)`);
    const report = await example.stripe.deliverWebhooks(`${url}/webhooks/stripe`, {
      secret: WEBHOOK_SECRET,
      times: 2, // Stripe may deliver an event twice; the inbox keeps one
    });
    say(`Stripe → ${report.attempts} signed POSTs, acknowledged: ${report.delivered.join(', ')}`);
    await example.bridge.webhooks.process();
    const [event] = await example.bridge.webhooks.events({ provider: 'stripe' });
    say(`inbox: ${event?.eventId} ${event?.status} (one row for two deliveries)`);
    const configs = await example.bridge.sync.configs(example.integration.id);
    const [record] = await example.customers.get([localIdFor(configs[0]!.id, id)]);
    say(`app: customer ${JSON.stringify(record?.data)}`);
    if (!record) process.exitCode = 1;
    if (serve) {
      say('serving; Ctrl-C to stop');
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    }
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await example.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`express-webhooks example failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
