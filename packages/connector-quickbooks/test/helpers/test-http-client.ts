import {
  type Connector,
  type ConnectorContext,
  type EntityDefinition,
  type HttpClient,
  type HttpRequest,
  ProviderError,
  silentLogger,
} from '@syncbridge/core';
import { quickbooks } from '../../src/index.js';
import type { Harness } from './fake-harness.js';

/**
 * A tiny HttpClient over fetch for tests, until core's real client lands: Bearer token, JSON
 * bodies, query encoding, and every response (2xx too) through `connector.mapError`.
 */
export function testHttpClient(connector: Connector, baseUrl: string, token: () => string): HttpClient {
  return {
    async request<T>(req: HttpRequest) {
      const url = new URL(/^https?:/.test(req.path) ? req.path : `${baseUrl}${req.path}`);
      for (const [key, value] of Object.entries(req.query ?? {})) {
        if (value === undefined || value === null) continue;
        if (Array.isArray(value)) for (const v of value) url.searchParams.append(key, String(v));
        else url.searchParams.set(key, String(value));
      }
      const headers = new Headers({ ...connector.defaultHeaders, ...req.headers });
      headers.set('authorization', `Bearer ${token()}`);
      let body: string | undefined;
      if (req.json !== undefined) {
        headers.set('content-type', 'application/json');
        body = JSON.stringify(req.json);
      }
      const res = await fetch(url, { method: req.method, headers, ...(body === undefined ? {} : { body }) });
      const text = await res.text();
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch {
        json = undefined;
      }
      const error = connector.mapError?.({
        provider: connector.provider,
        method: req.method,
        path: url.pathname,
        status: res.status,
        headers: res.headers,
        body: text,
        json,
      });
      if (error) throw error;
      if (!res.ok)
        throw new ProviderError(`test client: ${req.method} ${url.pathname} failed with ${res.status}`, {
          provider: connector.provider,
          status: res.status,
        });
      return {
        status: res.status,
        headers: res.headers,
        data: (req.responseType === 'text' ? text : json) as T,
      };
    },
  };
}

/** A QuickBooks connector wired to the fake with a fresh access token. */
export function connectToFake(
  h: Harness,
  minorVersion?: number,
): { connector: Connector; ctx: ConnectorContext } {
  const connector = quickbooks({
    clientId: 'fake-client-id',
    clientSecret: 'fake-client-secret',
    redirectUri: 'https://app.example.com/callback',
    environment: 'sandbox',
    baseUrl: h.apiBase,
    ...(minorVersion === undefined ? {} : { minorVersion }),
  });
  const { accessToken } = h.fake.issueTokens();
  const ctx: ConnectorContext = {
    http: testHttpClient(connector, h.apiBase, () => accessToken),
    integration: {
      id: 'int_1',
      organizationId: 'org_1',
      provider: 'quickbooks',
      config: { realmId: h.fake.defaultRealmId },
    },
    logger: silentLogger,
    signal: new AbortController().signal,
  };
  return { connector, ctx };
}

export async function collect<T>(iterable: AsyncIterable<T> | Iterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** An entity of the connector, or a test failure when it has none. */
export function entityOf(
  connector: Connector,
  name: string,
): Required<EntityDefinition<Record<string, unknown>>> {
  const entity = connector.entities[name];
  if (entity === undefined) throw new Error(`connector has no entity ${name}`);
  return entity as Required<EntityDefinition<Record<string, unknown>>>;
}
