import { isValidationError } from '@syncbridge/core';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { stripe } from './stripe-connector.js';
import { createFakeStripe, signStripePayload } from './testing/index.js';
import { stripeSignature } from './webhook-signature.js';

const connector = stripe();
const webhooks = connector.webhooks!;
const SECRET = 'whsec_test_secret';
const BODY = '{"id":"evt_1","object":"event"}';
const T = 1700000000;
const at = (seconds: number) => new Date(seconds * 1000);
const req = (signature: string, body = BODY) => ({ headers: { 'stripe-signature': signature }, body });

describe('stripe() webhooks', () => {
  it('accepts the documented vector and rejects tampering, a wrong secret and other schemes', () => {
    const v1 = '0c8670ed117751cc551a20e35839447075c42800ea3cf3e8a2fbda99cd1e6edd';
    expect(webhooks.verify(req(`t=${T},v1=${v1}`), SECRET, at(T))).toBe(true);
    expect(webhooks.verify(req(`t=${T},v1=${v1}`, BODY.replace('evt_1', 'evt_2')), SECRET, at(T))).toBe(
      false,
    );
    expect(webhooks.verify(req(`t=${T},v1=${v1}`), 'whsec_other', at(T))).toBe(false);
    expect(webhooks.verify(req(`t=${T + 1},v1=${v1}`), SECRET, at(T))).toBe(false);
    expect(webhooks.verify(req(`t=${T},v0=${v1}`), SECRET, at(T))).toBe(false);
    expect(webhooks.verify(req(`v1=${v1}`), SECRET, at(T))).toBe(false);
    expect(webhooks.verify(req(`t=${T},v1=${v1.slice(0, 10)}`), SECRET, at(T))).toBe(false);
    expect(webhooks.verify({ headers: {}, body: BODY }, SECRET, at(T))).toBe(false);
    expect(webhooks.verify(req(`t=${T},v1=${v1}`), '', at(T))).toBe(false);
  });

  it('accepts any matching v1 during a secret roll', () => {
    const old = stripeSignature(BODY, 'whsec_old', T);
    const fresh = stripeSignature(BODY, SECRET, T);
    expect(webhooks.verify(req(`t=${T},v1=${old},v1=${fresh},v0=abc`), SECRET, at(T))).toBe(true);
    expect(webhooks.verify(req(`t=${T},v1=${old},v1=${fresh}`), 'whsec_old', at(T))).toBe(true);
    expect(webhooks.verify(req(`t=${T},v1=${old}`), SECRET, at(T))).toBe(false);
  });

  it('allows 300 s of timestamp age and refuses older or too far in the future', () => {
    const header = signStripePayload(BODY, SECRET, T);
    expect(webhooks.verify(req(header), SECRET, at(T + 300))).toBe(true);
    expect(webhooks.verify(req(header), SECRET, at(T + 301))).toBe(false);
    expect(webhooks.verify(req(header), SECRET, at(T - 300))).toBe(true);
    expect(webhooks.verify(req(header), SECRET, at(T - 301))).toBe(false);
  });

  it('accepts headers made by stripe-node’s generateTestHeaderString (independent oracle)', () => {
    const oracle = new Stripe('sk_test_x');
    const header = oracle.webhooks.generateTestHeaderString({ payload: BODY, secret: SECRET, timestamp: T });
    expect(webhooks.verify(req(header), SECRET, at(T))).toBe(true);
  });

  it('verifies and parses deliveries from the fake into changes, with the Connect account', async () => {
    const fake = createFakeStripe({ apiKeys: ['sk_test_wh'], apiVersion: '2026-09-30.endive' });
    await fake.handle(
      new Request('https://api.stripe.com/v1/customers', {
        method: 'POST',
        headers: {
          authorization: 'Bearer sk_test_wh',
          'stripe-account': 'acct_1Conn',
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'name=Hook',
      }),
    );
    const received: { headers: Record<string, string>; body: string }[] = [];
    await fake.deliverWebhooks(
      async (r) => {
        received.push(r);
        return { status: 200 };
      },
      { secret: SECRET, times: 2 },
    );
    expect(received).toHaveLength(2);
    const delivery = received[0]!;
    expect(webhooks.verify(delivery, SECRET, fake.now())).toBe(true);
    const [event] = webhooks.parse(delivery);
    expect(event).toMatchObject({ type: 'customer.created', accountId: 'acct_1Conn' });
    expect(event?.eventId).toMatch(/^evt_/);
    expect(event?.eventId).toBe(webhooks.parse(received[1]!)[0]?.eventId);
    expect(event?.changes).toEqual([
      expect.objectContaining({
        entity: 'customer',
        type: 'upsert',
        record: expect.objectContaining({ name: 'Hook' }),
      }),
    ]);
  });

  it('parses a deleted event as a delete and rejects bodies that are not events', () => {
    const body = JSON.stringify({
      id: 'evt_9',
      object: 'event',
      type: 'customer.deleted',
      created: T,
      api_version: '2026-09-30.endive',
      data: { object: { id: 'cus_1', object: 'customer', name: 'Gone' } },
    });
    expect(webhooks.parse({ headers: {}, body })[0]?.changes).toEqual([
      { entity: 'customer', id: 'cus_1', type: 'delete', version: String(T), occurredAt: at(T) },
    ]);
    expect(() => webhooks.parse({ headers: {}, body: 'not json' })).toThrow(
      expect.objectContaining({ name: 'ValidationError' }),
    );
    let error: unknown;
    try {
      webhooks.parse({ headers: {}, body: '{"id":"x"}' });
    } catch (e) {
      error = e;
    }
    expect(isValidationError(error)).toBe(true);
  });
});
