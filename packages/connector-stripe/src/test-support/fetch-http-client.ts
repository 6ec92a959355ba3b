import {
  type ApiKeyCredentials,
  type Connector,
  type ConnectorContext,
  type HttpClient,
  type HttpRequest,
  type IntegrationInfo,
  ProviderError,
  silentLogger,
} from '@syncbridge/core';

/**
 * Test-only stand-in for core's HTTP client (being built in parallel): applies the connector's
 * default headers and API-key auth, encodes query, form and JSON bodies, and turns every non-2xx
 * answer into a typed error through the connector's `mapError`. No retries, no rate limiting.
 */
export function createFetchHttpClient(connector: Connector, credentials: ApiKeyCredentials): HttpClient {
  const integration = testIntegration();
  const baseUrl = typeof connector.baseUrl === 'string' ? connector.baseUrl : connector.baseUrl(integration);
  return {
    async request<T>(request: HttpRequest) {
      const url = new URL(/^https?:/.test(request.path) ? request.path : `${baseUrl}${request.path}`);
      for (const [key, value] of Object.entries(request.query ?? {})) {
        if (value === undefined || value === null) continue;
        for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(v));
      }
      const headers = new Headers(connector.defaultHeaders);
      if (connector.auth.type !== 'apiKey') throw new Error('fetch-http-client: only apiKey auth');
      connector.auth.apply(headers, credentials);
      for (const [name, value] of Object.entries(request.headers ?? {})) headers.set(name, value);
      let body: string | undefined;
      if (request.json !== undefined) {
        headers.set('content-type', 'application/json');
        body = JSON.stringify(request.json);
      } else if (request.form !== undefined) {
        headers.set('content-type', 'application/x-www-form-urlencoded');
        body = typeof request.form === 'string' ? request.form : new URLSearchParams(request.form).toString();
      }
      const res = await fetch(url, { method: request.method, headers, body, signal: request.signal ?? null });
      const text = await res.text();
      let json: unknown;
      try {
        json = text === '' ? undefined : JSON.parse(text);
      } catch {
        json = undefined;
      }
      const mapped = connector.mapError?.({
        provider: connector.provider,
        method: request.method,
        path: url.pathname,
        status: res.status,
        headers: res.headers,
        body: text,
        json,
      });
      if (mapped) throw mapped;
      if (!res.ok) {
        throw new ProviderError(
          `${connector.provider} ${request.method} ${url.pathname} failed with ${res.status}`,
          {
            provider: connector.provider,
            status: res.status,
          },
        );
      }
      return {
        status: res.status,
        headers: res.headers,
        data: (request.responseType === 'text' ? text : json) as T,
      };
    },
  };
}

export function testIntegration(config: Record<string, string> = {}): IntegrationInfo {
  return { id: 'int_test', organizationId: 'org_test', provider: 'stripe', config };
}

/** A connector context over the test HTTP client. */
export function testContext(
  connector: Connector,
  apiKey: string,
  extra: Record<string, string> = {},
): ConnectorContext {
  return {
    http: createFetchHttpClient(connector, { type: 'apiKey', apiKey, ...extra }),
    integration: testIntegration(),
    logger: silentLogger,
    signal: new AbortController().signal,
  };
}

/** Collects an async iterable (test helper). */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
