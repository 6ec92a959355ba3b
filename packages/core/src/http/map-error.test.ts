import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apiKey } from '../connector/auth-spec.js';
import { defineConnector } from '../connector/define-connector.js';
import { AuthError } from '../errors/auth-error.js';
import { ConflictError } from '../errors/conflict-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { ProviderError } from '../errors/provider-error.js';
import { RateLimitError } from '../errors/rate-limit-error.js';
import { createHttpClient } from './create-http-client.js';
import type { ErrorResponse } from './http-client.js';
import { defaultMapError, summarizeErrorBody } from './map-error.js';
import { parseRetryAfter } from './retry.js';

function response(status: number, json: unknown): ErrorResponse {
  return {
    provider: 'acme',
    method: 'GET',
    path: '/v1/x',
    status,
    headers: new Headers(),
    body: JSON.stringify(json),
    json,
  };
}

describe('defaultMapError', () => {
  it('maps statuses to typed errors that name provider, method and path', () => {
    expect(defaultMapError(response(200, {}), 'Acme', undefined)).toBeUndefined();
    const cases: [number, new (...args: never[]) => Error, string][] = [
      [401, AuthError, 'AUTH_FAILED'],
      [403, AuthError, 'AUTH_FAILED'],
      [404, NotFoundError, 'NOT_FOUND'],
      [409, ConflictError, 'CONFLICT'],
      [429, RateLimitError, 'RATE_LIMITED'],
      [400, ProviderError, 'PROVIDER_REJECTED'],
      [422, ProviderError, 'PROVIDER_REJECTED'],
      [418, ProviderError, 'PROVIDER_ERROR'],
      [503, ProviderError, 'PROVIDER_ERROR'],
    ];
    for (const [status, type, code] of cases) {
      const error = defaultMapError(response(status, { error: { message: 'nope' } }), 'Acme', 3000);
      expect(error).toBeInstanceOf(type);
      expect(error?.code).toBe(code);
      expect(error?.message).toMatch(new RegExp(`^Acme GET /v1/x failed with ${status} \\(nope\\)\\.`));
    }
    expect((defaultMapError(response(429, {}), 'Acme', 3000) as RateLimitError).retryAfterMs).toBe(3000);
    expect((defaultMapError(response(503, {}), 'Acme', undefined) as ProviderError).retryable).toBe(true);
    expect((defaultMapError(response(400, {}), 'Acme', undefined) as ProviderError).retryable).toBe(false);
  });

  it('reads Stripe, QuickBooks, gateway and OAuth error bodies', () => {
    expect(
      summarizeErrorBody(
        {
          error: {
            type: 'invalid_request_error',
            code: 'resource_missing',
            message: 'No such customer',
            param: 'id',
          },
        },
        '',
      ),
    ).toEqual({ code: 'resource_missing', message: 'No such customer', field: 'id' });
    expect(
      summarizeErrorBody(
        {
          Fault: {
            Error: [
              {
                Message: 'Stale Object Error',
                Detail: 'SyncToken mismatch',
                code: '5010',
                element: 'SyncToken',
              },
            ],
            type: 'ValidationFault',
          },
        },
        '',
      ),
    ).toEqual({ code: '5010', message: 'Stale Object Error: SyncToken mismatch', field: 'SyncToken' });
    expect(
      summarizeErrorBody(
        { fault: { error: [{ message: 'AuthenticationFailed', detail: 'Token expired', code: '3200' }] } },
        '',
      ),
    ).toEqual({
      code: '3200',
      message: 'AuthenticationFailed: Token expired',
    });
    expect(summarizeErrorBody({ error: 'invalid_grant', error_description: 'Token invalid' }, '')).toEqual({
      code: 'invalid_grant',
      message: 'Token invalid',
    });
    expect(summarizeErrorBody(undefined, '<html>throttled</html>')).toEqual({});
    expect(summarizeErrorBody(undefined, 'x'.repeat(400)).message).toHaveLength(301);
  });
});

describe('parseRetryAfter', () => {
  it('reads delay seconds and HTTP dates, and ignores garbage', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe("the connector's mapError", () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  it('is called for a 2xx too: a QuickBooks 200 carrying a Fault becomes the connector’s error', async () => {
    const seen: number[] = [];
    const connector = defineConnector({
      provider: 'quickbooks',
      displayName: 'QuickBooks',
      category: 'accounting',
      auth: apiKey({ credentials: z.object({}), apply: () => {} }),
      baseUrl: 'https://qb.test',
      entities: {},
      mapError: (r) => {
        seen.push(r.status);
        const fault = (r.json as { Fault?: { Error: { code: string }[] } } | undefined)?.Fault;
        return fault?.Error[0]?.code === '5010'
          ? new ConflictError(`QuickBooks ${r.method} ${r.path}: stale SyncToken`, { code: 'STALE_VERSION' })
          : undefined;
      },
    });
    server.use(
      http.post('https://qb.test/v3/company/1/batch', () =>
        HttpResponse.json({
          Fault: { Error: [{ Message: 'Stale Object Error', code: '5010' }], type: 'ValidationFault' },
        }),
      ),
      http.get('https://qb.test/v3/company/1/ok', () => HttpResponse.json({ QueryResponse: {} })),
    );
    const client = createHttpClient({
      connector,
      integration: { id: 'i', organizationId: 'o', provider: 'quickbooks', config: {} },
      auth: { apply: async () => {} },
    });
    const error = await client
      .request({ method: 'POST', path: '/v3/company/1/batch', json: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).code).toBe('STALE_VERSION');
    await expect(client.request({ method: 'GET', path: '/v3/company/1/ok' })).resolves.toMatchObject({
      data: { QueryResponse: {} },
    });
    expect(seen).toEqual([200, 200]);
  });
});
