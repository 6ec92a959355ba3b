import {
  type ErrorResponse,
  isAuthError,
  isConflictError,
  isNotFoundError,
  isProviderError,
  isRateLimitError,
  isValidationError,
  type ProviderError,
  type RateLimitError,
} from '@syncbridge/core';
import { describe, expect, it } from 'vitest';
import { mapQuickBooksError } from '../src/index.js';
import { authXml, faultBody, gatewayAuthFault, qboFailures, throttleXml } from '../src/testing/index.js';
import { connectToFake, entityOf } from './helpers/connect-to-fake.js';
import { harness, useTransports } from './helpers/fake-harness.js';

useTransports();

function response(status: number, body: string, headers: Record<string, string> = {}): ErrorResponse {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  return {
    provider: 'quickbooks',
    method: 'POST',
    path: '/v3/company/123/customer',
    status,
    headers: new Headers(headers),
    body,
    json,
  };
}

const fault = (type: string, code: string, message: string, detail = '', element?: string) =>
  faultBody(
    type,
    [{ code, message, detail, ...(element ? { element } : {}) }],
    '2026-11-23T10:00:00.000-08:00',
  );

describe('mapQuickBooksError', () => {
  it('leaves a clean 2xx alone, even one whose data mentions a Fault', () => {
    expect(mapQuickBooksError(response(200, '{"Customer":{"Id":"1"}}'))).toBeUndefined();
    const sneaky = JSON.stringify({
      Customer: { Id: '1', Notes: '<Fault type="x"><Error code="1"></Error></Fault>' },
    });
    expect(mapQuickBooksError(response(200, sneaky))).toBeUndefined();
  });

  it('maps a ValidationFault to a ValidationError with the element and the provider words', () => {
    const e = mapQuickBooksError(
      response(
        400,
        fault(
          'ValidationFault',
          '2020',
          'Required param missing',
          'Required parameter DisplayName is missing',
          'DisplayName',
        ),
      ),
    );
    expect(isValidationError(e)).toBe(true);
    expect(e?.code).toBe('PROVIDER_VALIDATION');
    expect(e?.message).toContain('2020: Required param missing');
    expect((e as unknown as { issues: { path: string[] }[] }).issues[0]?.path).toEqual(['DisplayName']);
    expect(isProviderError(e?.cause)).toBe(true);
    expect((e?.cause as ProviderError | undefined)?.providerCode).toBe('2020');
  });

  it('maps 5010 to ConflictError STALE_VERSION and 610 to NotFoundError', () => {
    const stale = mapQuickBooksError(response(400, fault('ValidationFault', '5010', 'Stale Object Error')));
    expect(isConflictError(stale)).toBe(true);
    expect(stale?.code).toBe('STALE_VERSION');
    expect(
      isNotFoundError(mapQuickBooksError(response(400, fault('ValidationFault', '610', 'Object Not Found')))),
    ).toBe(true);
  });

  it('finds a Fault inside an HTTP 200', () => {
    const e = mapQuickBooksError(
      response(200, fault('ValidationFault', '6000', 'A business validation error has occurred')),
    );
    expect(isValidationError(e)).toBe(true);
    expect(e?.message).toContain('6000');
  });

  it('maps SystemFault to a retryable ProviderError', () => {
    const e = mapQuickBooksError(
      response(500, fault('SystemFault', '10000', 'An application error has occurred')),
    );
    expect(isProviderError(e)).toBe(true);
    expect((e as ProviderError).retryable).toBe(true);
    expect((e as ProviderError).status).toBe(500);
  });

  it('maps AuthenticationFault, the lowercase gateway 401 and an XML 401 to AuthError', () => {
    const shapes = [
      response(401, fault('AuthenticationFault', '100', 'General Authentication Error')),
      response(401, gatewayAuthFault('Token expired: eyJ-secret-looking', 1700000000000)),
      response(401, authXml('2026-11-23T10:00:00.000-08:00'), { 'content-type': 'application/xml' }),
    ];
    for (const r of shapes) {
      const e = mapQuickBooksError(r);
      expect(isAuthError(e)).toBe(true);
      expect(e?.code).toBe('AUTH_FAILED');
    }
    expect(mapQuickBooksError(shapes[1] as ErrorResponse)?.message).toContain('3200');
    const leaky = response(
      401,
      gatewayAuthFault(`Token expired: eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4Q0JDLUhTMjU2In0.abcdef`, 1),
    );
    const message = mapQuickBooksError(leaky)?.message ?? '';
    expect(message).toContain('Token expired: [redacted]');
    expect(message).not.toContain('eyJhbGci');
  });

  it('maps AuthorizationFault 403 (3100) to AuthError AUTH_DENIED', () => {
    const e = mapQuickBooksError(
      response(403, fault('AuthorizationFault', '3100', 'ApplicationAuthorizationFailed')),
    );
    expect(isAuthError(e)).toBe(true);
    expect(e?.code).toBe('AUTH_DENIED');
  });

  it('maps an XML 429 to RateLimitError waiting 60 s, or what Retry-After says', () => {
    const e = mapQuickBooksError(
      response(429, throttleXml('t'), { 'content-type': 'application/xml' }),
    ) as RateLimitError;
    expect(isRateLimitError(e)).toBe(true);
    expect(e.retryAfterMs).toBe(60_000);
    expect(e.message).toContain('3001');
    const r = mapQuickBooksError(response(429, throttleXml('t'), { 'retry-after': '7' })) as RateLimitError;
    expect(r.retryAfterMs).toBe(7000);
  });

  it('maps an unknown error body to a ProviderError naming status and path only', () => {
    const e = mapQuickBooksError(response(502, '<html>Bad gateway</html>')) as ProviderError;
    expect(isProviderError(e)).toBe(true);
    expect(e.retryable).toBe(true);
    expect(e.message).toBe('QuickBooks POST /v3/company/123/customer failed with 502.');
  });
});

describe('quickbooks() errors end to end', () => {
  it('throws typed errors for injected failures and never puts the token in a message', async () => {
    const h = await harness('msw');
    h.fake.seed.customers(1);
    const { connector, ctx } = connectToFake(h);
    const customer = entityOf(connector, 'Customer');
    h.fake.failNext(1, qboFailures.faultIn200());
    h.fake.failNext(1, qboFailures.throttled());
    h.fake.failNext(1, qboFailures.xml401());
    h.fake.failNext(1, qboFailures.forbidden());
    const errors = [];
    for (let i = 0; i < 4; i++) errors.push(await customer.getMany(ctx, ['1']).catch((e) => e));
    expect(isValidationError(errors[0])).toBe(true);
    expect(isRateLimitError(errors[1])).toBe(true);
    expect((errors[1] as RateLimitError).retryAfterMs).toBe(60_000);
    expect(isAuthError(errors[2])).toBe(true);
    expect(errors[3].code).toBe('AUTH_DENIED');
    for (const e of errors) {
      expect(e.message).not.toMatch(/eyJ-/);
      expect(e.message).not.toContain('SELECT');
    }
  });

  it('maps an expired access token (gateway 401) to AuthError', async () => {
    const h = await harness('loopback');
    const { connector, ctx } = connectToFake(h);
    h.fake.clock.advance(3600_000);
    const error = await connector.test?.(ctx).catch((e) => e);
    expect(isAuthError(error)).toBe(true);
    expect(error.message).toContain('Token expired');
  });
});
