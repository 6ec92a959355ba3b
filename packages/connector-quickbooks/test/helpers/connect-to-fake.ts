import {
  type Connector,
  type ConnectorContext,
  createHttpClient,
  type EntityDefinition,
  silentLogger,
} from '@syncbridge/core';
import { quickbooks } from '../../src/index.js';
import type { Harness } from './fake-harness.js';

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
  const { accessToken, refreshToken, expiresAt } = h.fake.issueTokens();
  const integration = {
    id: 'int_1',
    organizationId: 'org_1',
    provider: 'quickbooks',
    config: { realmId: h.fake.defaultRealmId },
  };
  // Core's real ky-based client with a fixed token (no refresh: these tests are about the
  // connector; refresh is exercised through the OAuth manager in the bridge tests), retries off
  // so each injected failure is seen exactly once.
  const http = createHttpClient({
    connector,
    integration,
    auth: {
      apply: async (headers) => headers.set('authorization', `Bearer ${accessToken}`),
      secrets: () => [accessToken],
    },
    credentials: { type: 'oauth2', accessToken, refreshToken, expiresAt },
    retry: 0,
  });
  const ctx: ConnectorContext = {
    http,
    integration,
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
