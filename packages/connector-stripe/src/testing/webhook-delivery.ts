import { stripeSignature } from '../webhook-signature.js';
import type { StripeObject } from './state.js';

/**
 * Signs a payload as Stripe does and returns the whole `Stripe-Signature` header value,
 * `t=<timestamp>,v1=<hex>`: HMAC-SHA256 of `${timestamp}.${payload}` keyed by the whole
 * `whsec_…` string.
 *
 * ```ts
 * signStripePayload('{"id":"evt_1","object":"event"}', 'whsec_test_secret', 1700000000);
 * // 't=1700000000,v1=0c8670ed…'
 * ```
 */
export function signStripePayload(payload: string, secret: string, timestamp: number): string {
  return `t=${timestamp},v1=${stripeSignature(payload, secret, timestamp)}`;
}

/** Where deliveries go: a URL (POSTed with fetch) or a function standing in for the host's endpoint. */
export type WebhookTarget =
  | string
  | ((request: { headers: Record<string, string>; body: string }) => Promise<{ status: number }>);

export interface WebhookDeliveryOptions {
  /** The endpoint's signing secret(s); several give several `v1=` (as during a secret roll). */
  readonly secret: string | readonly string[];
  /** Send every event this many times (duplicates, as Stripe may). Default 1. */
  readonly times?: number;
  /** Delivery order: oldest first (default), `reverse`, or a custom permutation of the pending events. */
  readonly order?: 'oldest-first' | 'reverse' | ((events: StripeObject[]) => StripeObject[]);
  /** Signature timestamp; default the fake clock. */
  readonly timestamp?: number;
}

export interface WebhookDeliveryReport {
  /** Event ids answered 2xx. */
  readonly delivered: string[];
  /** Event ids that failed (non-2xx or a thrown error); they stay pending. */
  readonly failed: string[];
  readonly attempts: number;
}

/** Sends `events` signed, records which were acknowledged (2xx). */
export async function deliverWebhooks(
  events: StripeObject[],
  target: WebhookTarget,
  options: WebhookDeliveryOptions,
  nowSeconds: number,
  acknowledge: (eventId: string) => void,
): Promise<WebhookDeliveryReport> {
  const secrets = typeof options.secret === 'string' ? [options.secret] : options.secret;
  if (secrets.length === 0) throw new Error('deliverWebhooks: secret is required');
  const order = options.order ?? 'oldest-first';
  const ordered =
    typeof order === 'function' ? order([...events]) : order === 'reverse' ? [...events].reverse() : events;
  const report: WebhookDeliveryReport = { delivered: [], failed: [], attempts: 0 };
  for (const event of ordered) {
    let ok = false;
    for (let attempt = 0; attempt < (options.times ?? 1); attempt++) {
      const body = JSON.stringify(event, null, 2);
      const t = options.timestamp ?? nowSeconds;
      const signature = [`t=${t}`, ...secrets.map((s) => `v1=${stripeSignature(body, s, t)}`)].join(',');
      const headers = {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        'stripe-signature': signature,
      };
      (report as { attempts: number }).attempts += 1;
      try {
        const status =
          typeof target === 'string'
            ? (await fetch(target, { method: 'POST', headers, body })).status
            : (await target({ headers, body })).status;
        if (status >= 200 && status < 300) ok = true;
      } catch {
        // A failed delivery stays pending, as with Stripe's retries.
      }
    }
    if (ok) {
      acknowledge(event.id);
      report.delivered.push(event.id);
    } else {
      report.failed.push(event.id);
    }
  }
  return report;
}
