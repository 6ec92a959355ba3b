import { randomBytes } from 'node:crypto';
import {
  createSyncBridge,
  type EncryptionKey,
  type Integration,
  type MemoryLocalStore,
  memoryLocalStore,
  memoryStorage,
  type StorageAdapter,
  type SyncBridge,
  type SyncBridgeOptions,
} from '@syncbridge/core';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { quickbooks } from '../../src/index.js';
import {
  createFakeQuickBooks,
  type FakeQuickBooks,
  type FakeQuickBooksOptions,
} from '../../src/testing/index.js';
import { mswHandlers } from '../../src/testing/msw-handlers.js';

/** The app registered with the fake, as a developer registers one in Intuit's portal. */
export const APP = {
  clientId: 'fake-client-id',
  clientSecret: 'fake-client-secret',
  redirectUri: 'https://app.example.com/oauth/quickbooks/callback',
} as const;

const server = setupServer();

/**
 * Puts msw in front of `fetch` for the file: the real Intuit hosts (sandbox API, OAuth) answer
 * from whichever fakes the test registered. Core's real ky-based client goes through it.
 */
export function useIntuitHosts(): void {
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
}

type Handle = (request: Request) => Promise<Response>;

/** A fake on the Intuit hosts; `wrap` may observe or delay what reaches it (the wire, as Intuit sees it). */
export function serveFake(
  options: FakeQuickBooksOptions = {},
  wrap?: (handle: Handle) => Handle,
): FakeQuickBooks {
  const fake = createFakeQuickBooks({
    ...options,
    oauth: { redirectUris: [APP.redirectUri], ...options.oauth },
  });
  server.use(...(wrap ? mswHandlers(wrap(fake.handle)) : fake.handlers()));
  return fake;
}

export interface BridgeSetup {
  readonly fake: FakeQuickBooks;
  readonly storage?: StorageAdapter;
  readonly keys?: readonly EncryptionKey[];
  readonly local?: Record<string, MemoryLocalStore>;
  readonly options?: Partial<SyncBridgeOptions>;
}

export interface QuickBooksBridge {
  readonly bridge: SyncBridge;
  readonly storage: StorageAdapter;
  readonly keys: readonly EncryptionKey[];
  readonly local: Record<string, MemoryLocalStore>;
}

/** A bridge with the real connector against the sandbox hosts (answered by the fake through msw). */
export function quickBooksBridge(setup: BridgeSetup): QuickBooksBridge {
  const storage = setup.storage ?? memoryStorage();
  const keys = setup.keys ?? [{ kid: 'k1', key: randomBytes(32) }];
  const local = setup.local ?? { customer: memoryLocalStore(), invoice: memoryLocalStore() };
  const bridge = createSyncBridge({
    storage,
    encryptionKeys: keys,
    connectors: [quickbooks({ ...APP, environment: 'sandbox' })],
    local,
    now: () => setup.fake.clock.now(),
    ...setup.options,
  });
  return { bridge, storage, keys, local };
}

/**
 * The real consent flow: the bridge's authorize URL, Intuit's redirect back (followed by hand,
 * as a browser would), and the bridge's callback with that URL.
 */
export async function connectThroughOAuth(
  bridge: SyncBridge,
  organizationId = 'org_1',
): Promise<Integration> {
  const { url } = await bridge.oauth.authorizeUrl({
    organizationId,
    provider: 'quickbooks',
    userId: 'user_1',
  });
  const consent = await fetch(url, { redirect: 'manual' });
  const location = consent.headers.get('location');
  if (consent.status !== 302 || location === null)
    throw new Error(`the fake's consent screen answered ${consent.status}: ${await consent.text()}`);
  return bridge.oauth.callback({ provider: 'quickbooks', url: location });
}
