import { describe, expect, it } from 'vitest';
import { serveFetchHandler } from './serve-fetch-handler.js';

describe('serveFetchHandler', () => {
  it('serves a fetch handler over loopback HTTP with method, headers, query and body intact', async () => {
    const server = await serveFetchHandler(async (request) => {
      const url = new URL(request.url);
      return Response.json(
        {
          method: request.method,
          path: url.pathname,
          q: url.searchParams.getAll('expand[]'),
          auth: request.headers.get('authorization'),
          body: await request.text(),
        },
        { status: 201, headers: { 'request-id': 'req_1' } },
      );
    });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${server.url}/v1/customers?expand[]=a&expand[]=b`, {
        method: 'POST',
        headers: { authorization: 'Bearer x', 'content-type': 'application/x-www-form-urlencoded' },
        body: 'name=Ada',
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('request-id')).toBe('req_1');
      expect(await res.json()).toEqual({
        method: 'POST',
        path: '/v1/customers',
        q: ['a', 'b'],
        auth: 'Bearer x',
        body: 'name=Ada',
      });
    } finally {
      await server.close();
    }
  });

  it('answers 500 with the message when the handler throws', async () => {
    const server = await serveFetchHandler(() => {
      throw new Error('broken fake');
    });
    try {
      const res = await fetch(server.url);
      expect(res.status).toBe(500);
      expect(await res.text()).toContain('broken fake');
    } finally {
      await server.close();
    }
  });
});
