import type { Integration } from '@syncbridge/core';
import type { App } from './app.js';
import { FAKE_STRIPE_KEY } from './fake-world.js';
import * as m from './mappings.js';
import type { Settings } from './settings.js';
import type { WebhookServer } from './webhook-server.js';

export const ORGANIZATION_ID = 'org_demo';
export const FAKE_STRIPE_WEBHOOK_SECRET = 'whsec_syncbridge_demo';
export const FAKE_QBO_VERIFIER_TOKEN = 'demo-verifier-token';

export interface Connections {
  stripe: Integration;
  quickbooks: Integration;
  /** Sync config ids, in the order the demo runs them. */
  configs: { label: string; integrationId: string; id: string; provider: 'stripe' | 'quickbooks' }[];
}

/**
 * QuickBooks connects through OAuth 2.0 exactly as in production: SyncBridge makes the authorize
 * URL (state + PKCE stored), the user consents, Intuit redirects to your callback, and
 * `bridge.oauth.callback` exchanges the code. With the fake, the "user" is `fetch` following the
 * fake's consent redirect; with the real sandbox you open the URL in a browser.
 * Connecting again (every demo run does) updates the existing integration in place.
 */
async function connectQuickBooks(
  app: App,
  settings: Settings,
  server: WebhookServer,
  say: (s: string) => void,
) {
  const { url } = await app.bridge.oauth.authorizeUrl({
    organizationId: ORGANIZATION_ID,
    provider: 'quickbooks',
    userId: 'demo-user',
  });
  let callbackUrl: string;
  if (settings.quickbooks.mode === 'fake') {
    const consent = await fetch(url, { redirect: 'manual' });
    const location = consent.headers.get('location');
    if (consent.status !== 302 || !location)
      throw new Error(`fake QuickBooks consent answered ${consent.status} without a redirect`);
    callbackUrl = location;
  } else {
    say(`  Open this URL in your browser and connect a sandbox company:\n  ${url}`);
    callbackUrl = await server.nextOAuthCallback();
  }
  return app.bridge.oauth.callback({ provider: 'quickbooks', url: callbackUrl });
}

/** Connects both providers, configures the six syncs and registers the webhook secrets. */
export async function connectAll(
  app: App,
  settings: Settings,
  server: WebhookServer,
  say: (s: string) => void,
): Promise<Connections> {
  const { bridge } = app;
  const stripeKey = settings.stripe.mode === 'fake' ? FAKE_STRIPE_KEY : settings.stripe.apiKey;
  const stripe = await bridge.integrations.connect({
    organizationId: ORGANIZATION_ID,
    provider: 'stripe',
    credentials: { apiKey: stripeKey },
    name: 'Stripe',
  });
  await bridge.integrations.test(stripe.id);
  const quickbooks = await connectQuickBooks(app, settings, server, say);
  await bridge.integrations.test(quickbooks.id);

  const conflict = { strategy: 'merge_fields', fallback: 'manual_review' } as const;
  const s = (localEntity: string, remoteEntity: string, mappings: typeof m.stripeCustomer) =>
    bridge.sync.configure(stripe.id, { localEntity, remoteEntity, direction: 'inbound', mappings });
  const sCustomer = await s('customer', 'customer', m.stripeCustomer);
  app.refs.configs.stripeCustomer = sCustomer.id;
  const sInvoice = await s('invoice', 'invoice', m.stripeInvoice);
  const sPayment = await s('payment', 'payment_intent', m.stripePayment);
  const qCustomer = await bridge.sync.configure(quickbooks.id, {
    localEntity: 'customer',
    remoteEntity: 'Customer',
    direction: 'bidirectional',
    conflict,
    mappings: m.qboCustomer,
  });
  app.refs.configs.qboCustomer = qCustomer.id;
  const qInvoice = await bridge.sync.configure(quickbooks.id, {
    localEntity: 'invoice',
    remoteEntity: 'Invoice',
    direction: 'bidirectional',
    mappings: m.qboInvoice,
  });
  const qPayment = await bridge.sync.configure(quickbooks.id, {
    localEntity: 'payment',
    remoteEntity: 'Payment',
    direction: 'bidirectional',
    mappings: m.qboPayment,
  });

  // Webhook signing secrets, stored encrypted. Registering once is enough; later runs find them.
  for (const [integration, secret] of [
    [stripe, settings.stripe.mode === 'fake' ? FAKE_STRIPE_WEBHOOK_SECRET : settings.stripe.webhookSecret],
    [
      quickbooks,
      settings.quickbooks.mode === 'fake' ? FAKE_QBO_VERIFIER_TOKEN : settings.quickbooks.verifierToken,
    ],
  ] as const) {
    if (!secret) continue;
    const existing = await bridge.webhooks.list({ integrationId: integration.id });
    if (existing.length === 0)
      await bridge.webhooks.register({
        integrationId: integration.id,
        secret,
        url: `${server.url}/webhooks/${integration.provider}`,
      });
  }

  return {
    stripe,
    quickbooks,
    configs: [
      {
        label: 'Stripe customers      → app',
        integrationId: stripe.id,
        id: sCustomer.id,
        provider: 'stripe',
      },
      { label: 'Stripe invoices       → app', integrationId: stripe.id, id: sInvoice.id, provider: 'stripe' },
      { label: 'Stripe payments       → app', integrationId: stripe.id, id: sPayment.id, provider: 'stripe' },
      {
        label: 'app ⇄ QuickBooks customers',
        integrationId: quickbooks.id,
        id: qCustomer.id,
        provider: 'quickbooks',
      },
      {
        label: 'app ⇄ QuickBooks invoices',
        integrationId: quickbooks.id,
        id: qInvoice.id,
        provider: 'quickbooks',
      },
      {
        label: 'app ⇄ QuickBooks payments',
        integrationId: quickbooks.id,
        id: qPayment.id,
        provider: 'quickbooks',
      },
    ],
  };
}
