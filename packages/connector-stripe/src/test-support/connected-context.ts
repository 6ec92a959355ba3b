import { randomBytes } from 'node:crypto';
import {
  type Connector,
  type ConnectorContext,
  createAuthManager,
  createVault,
  memoryStorage,
  type RetryOptions,
} from '@syncbridge/core';

/**
 * A connector context exactly as a sync gets it: the API key is stored encrypted through core's
 * auth manager (`connectApiKey`), and `context(id)` hands back core's real ky-based HTTP client
 * with its retries, rate limiter, error mapping and redaction. Retries default to none, so a
 * test that injects one failure sees it; pass `retry` to exercise them (backoff waits are 0 ms
 * unless the test asks otherwise, so no test sleeps).
 */
export async function connectedContext(
  connector: Connector,
  apiKey: string,
  options: { retry?: number | RetryOptions; extra?: Record<string, string> } = {},
): Promise<ConnectorContext> {
  const retry =
    typeof options.retry === 'number'
      ? { limit: options.retry, baseDelayMs: 0 }
      : { baseDelayMs: 0, ...(options.retry ?? { limit: 0 }) };
  const auth = createAuthManager({
    storage: memoryStorage(),
    vault: createVault([{ kid: 'test', key: randomBytes(32) }]),
    connectors: [connector],
    http: { retry },
  });
  const integration = await auth.connectApiKey({
    organizationId: 'org_test',
    provider: connector.provider,
    credentials: { apiKey, ...options.extra },
  });
  return auth.context(integration.id);
}

/** Collects an async iterable (test helper). */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
