import type { Connector, ConnectorContext } from '@syncbridge/core';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mapStripeError } from './map-error.js';
import { stripe } from './stripe-connector.js';
import { connectedContext } from './test-support/connected-context.js';
import { createFakeStripe, type FakeStripe } from './testing/index.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const KEY = 'sk_test_errors';
let fake: FakeStripe;
let connector: Connector;
let ctx: ConnectorContext;

beforeEach(async () => {
  fake = createFakeStripe({ apiKeys: [KEY] });
  server.use(...(await fake.handlers()));
  connector = stripe();
  ctx = await connectedContext(connector, KEY);
});

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable('expected a failure'),
    (e: unknown) => e,
  );

describe('stripe() error mapping', () => {
  it('maps a rejected key to AuthError without the key in the message', async () => {
    const secretKey = 'sk_test_SuperSecretValue9876';
    const error = (await failure(
      (await connectedContext(connector, secretKey)).http.request({ method: 'GET', path: '/v1/customers' }),
    )) as Error;
    expect(error).toMatchObject({ name: 'AuthError', code: 'AUTH_FAILED' });
    expect(error.message).toContain('GET /v1/customers failed with 401');
    expect(error.message).not.toContain('SuperSecret');
    expect(error.message).not.toContain('9876');
  });

  it('maps 404 to NotFoundError with the resource and id', async () => {
    const error = await failure(
      ctx.http.request({ method: 'POST', path: '/v1/customers/cus_nope', form: 'name=x' }),
    );
    expect(error).toMatchObject({ name: 'NotFoundError', resource: 'stripe.customer', id: 'cus_nope' });
  });

  it('maps a 400 with param to ProviderError with providerCode and field', async () => {
    const error = await failure(ctx.http.request({ method: 'POST', path: '/v1/invoices', form: '' }));
    expect(error).toMatchObject({
      name: 'ProviderError',
      status: 400,
      providerCode: 'parameter_missing',
      field: 'customer',
      retryable: false,
    });
  });

  it('maps idempotency_error and card_error to their own codes', async () => {
    const headers = { 'Idempotency-Key': 'same' };
    await ctx.http.request({ method: 'POST', path: '/v1/customers', form: 'name=a', headers });
    const idem = await failure(
      ctx.http.request({ method: 'POST', path: '/v1/customers', form: 'name=b', headers }),
    );
    expect(idem).toMatchObject({
      name: 'ProviderError',
      code: 'IDEMPOTENCY_ERROR',
      providerCode: 'idempotency_error',
    });
    const pi = await ctx.http.request<{ id: string }>({
      method: 'POST',
      path: '/v1/payment_intents',
      form: 'amount=900&currency=usd',
    });
    const card = await failure(
      ctx.http.request({
        method: 'POST',
        path: `/v1/payment_intents/${pi.data.id}/confirm`,
        form: 'payment_method=pm_card_chargeDeclined',
      }),
    );
    expect(card).toMatchObject({
      name: 'ProviderError',
      code: 'CARD_DECLINED',
      status: 402,
      providerCode: 'card_declined',
    });
  });

  it('maps 409 to ConflictError and 429 to RateLimitError with Retry-After', async () => {
    fake.failNext(1, { status: 409 });
    expect(await failure(ctx.http.request({ method: 'GET', path: '/v1/customers' }))).toMatchObject({
      name: 'ConflictError',
    });
    fake.failNext(1, { status: 429, headers: { 'retry-after': '3' } });
    expect(await failure(ctx.http.request({ method: 'GET', path: '/v1/customers' }))).toMatchObject({
      name: 'RateLimitError',
      retryAfterMs: 3000,
    });
  });

  it('lets Stripe-Should-Retry decide whether a failure is retryable', async () => {
    fake.failNext(1, { status: 500, shouldRetry: false });
    expect(await failure(ctx.http.request({ method: 'GET', path: '/v1/customers' }))).toMatchObject({
      retryable: false,
      status: 500,
    });
    fake.failNext(1, { status: 500 });
    expect(await failure(ctx.http.request({ method: 'GET', path: '/v1/customers' }))).toMatchObject({
      retryable: true,
    });
    fake.failNext(1, { status: 400, shouldRetry: true, code: 'odd' });
    expect(await failure(ctx.http.request({ method: 'GET', path: '/v1/customers' }))).toMatchObject({
      retryable: true,
      providerCode: 'odd',
    });
  });

  it('is not an error for 2xx and maps 403 to AUTH_DENIED', () => {
    const base = {
      provider: 'stripe',
      method: 'GET',
      path: '/v1/charges',
      headers: new Headers(),
      body: '{}',
      json: {},
    };
    expect(mapStripeError({ ...base, status: 200 })).toBeUndefined();
    const denied = mapStripeError({
      ...base,
      status: 403,
      json: {
        error: {
          type: 'invalid_request_error',
          message: 'The provided key rk_live_abc123 does not have the required permissions',
        },
      },
    });
    expect(denied).toMatchObject({ name: 'AuthError', code: 'AUTH_DENIED' });
    expect(denied?.message).not.toContain('abc123');
  });
});
