import {
  type ParsedWebhookEvent,
  ValidationError,
  type WebhookRequest,
  type WebhookSpec,
} from '@syncbridge/core';
import { eventToChanges } from './changes.js';
import { eventSchema } from './schemas.js';
import { parseStripeSignatureHeader, signaturesEqual, stripeSignature } from './webhook-signature.js';

/** Stripe's default tolerance on a signature's timestamp. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/**
 * Verifies `Stripe-Signature` (`t=…,v1=…[,v1=…]`): HMAC-SHA256 of `${t}.${rawBody}` keyed by the
 * whole `whsec_…` secret; accepted when ANY `v1` matches (secret rolls), compared in constant
 * time; other schemes (`v0`) are ignored, so a header with only `v0` fails. The timestamp must be
 * within 300 s of `now` in BOTH directions: unlike stripe-node we refuse timestamps more than 300 s
 * in the future too, since a signature "from the future" is either clock skew beyond what Stripe
 * tolerates or a payload signed for later replay.
 */
export function verifyStripeSignature(
  request: WebhookRequest,
  secret: string,
  now: Date,
  toleranceSeconds = WEBHOOK_TOLERANCE_SECONDS,
): boolean {
  const header = request.headers['stripe-signature'];
  if (!header || !secret) return false;
  const parsed = parseStripeSignatureHeader(header);
  if (parsed.timestamp === undefined || parsed.v1.length === 0) return false;
  const skew = Math.floor(now.getTime() / 1000) - parsed.timestamp;
  if (Math.abs(skew) > toleranceSeconds) return false;
  const expected = stripeSignature(request.body, secret, parsed.timestamp);
  let match = false;
  // Compare every candidate, so timing does not reveal which one matched.
  for (const candidate of parsed.v1) match = signaturesEqual(expected, candidate) || match;
  return match;
}

/**
 * Webhook support for `stripe()`: verify as above, then parse one event per delivery into
 * changes (`account` → `accountId` for Connect routing).
 */
export function stripeWebhooks(apiVersion: string): WebhookSpec {
  return {
    verify: (request, secret, now) => verifyStripeSignature(request, secret, now),
    parse(request): ParsedWebhookEvent[] {
      let json: unknown;
      try {
        json = JSON.parse(request.body);
      } catch (cause) {
        throw new ValidationError('Stripe webhook: the body is not JSON.', { cause });
      }
      const result = eventSchema.safeParse(json);
      if (!result.success) {
        throw new ValidationError('Stripe webhook: the body is not a Stripe event.', {
          issues: result.error.issues.map((i) => ({ path: i.path, message: i.message, code: i.code })),
          cause: result.error,
        });
      }
      const event = result.data;
      return [
        {
          eventId: event.id,
          type: event.type,
          ...(event.account ? { accountId: event.account } : {}),
          occurredAt: new Date(event.created * 1000),
          changes: eventToChanges(event, null, apiVersion),
          payload: event,
        },
      ];
    },
    accountConfigKey: 'stripeAccount',
  };
}
