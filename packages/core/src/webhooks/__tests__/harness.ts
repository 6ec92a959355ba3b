import { signFakeWebhook } from '@syncbridge/testing';
import { silentLogger } from '../../logging/logger.js';
import { type Setup, setup } from '../../sync/__tests__/harness.js';
import { WebhookProcessor } from '../webhook-processor.js';
import { createWebhookReceiver } from '../webhook-receiver.js';

export const SECRET = 'whsec_fake_secret';

/** The sync harness plus a webhook registration, a receiver and a processor (secrets "encrypted" as `enc:` + plaintext). */
export async function webhookSetup(options: { maxAttempts?: number } = {}) {
  const s: Setup = await setup();
  const registration = await s.storage.webhooks.create({
    integrationId: s.integrationId,
    provider: 'fake',
    secret: `enc:${SECRET}`,
  });
  const connectors = new Map([
    ['fake', (await import('@syncbridge/testing')).createFakeConnector().connector],
  ]);
  let stored = 0;
  const receiver = createWebhookReceiver({
    storage: s.storage,
    connectors,
    secrets: { decrypt: async <T>(c: string) => c.replace(/^enc:/, '') as T },
    logger: silentLogger,
    maxBodyBytes: 10_000,
    now: () => new Date(s.remote.now()),
    onStored: () => {
      stored++;
    },
  });
  const processor = () =>
    new WebhookProcessor(s.storage, s.engine, s.events, silentLogger, () => new Date(s.remote.now()), {
      maxAttempts: options.maxAttempts ?? 3,
      baseDelayMs: 1000,
    });
  return { ...s, registration, receiver, processor, storedCalls: () => stored };
}

let counter = 0;
/** A signed delivery announcing changes to contacts. */
export function delivery(
  changes: { id: string; type?: 'upsert' | 'delete'; eventId?: string }[],
  secret = SECRET,
) {
  const body = JSON.stringify({
    events: changes.map((c) => ({
      id: c.eventId ?? `evt_${++counter}`,
      entity: 'contact',
      objectId: c.id,
      type: c.type ?? 'upsert',
    })),
  });
  return { provider: 'fake', headers: signFakeWebhook(body, secret), body };
}
