import { setupServer } from 'msw/node';
import { afterEach } from 'vitest';
import {
  createFakeQuickBooks,
  type FakeQuickBooks,
  type FakeQuickBooksOptions,
} from '../../src/testing/index.js';

export type Transport = 'msw' | 'loopback';

/** Where a test talks to the fake: the real Intuit hosts through msw, or one loopback URL for everything. */
export interface Harness {
  readonly fake: FakeQuickBooks;
  readonly apiBase: string;
  readonly tokenUrl: string;
  readonly authorizeUrl: string;
  readonly revokeUrl: string;
  /** GET/POST against the company API with a valid token of the default realm. */
  api(
    path: string,
    init?: { method?: string; query?: Record<string, string>; json?: unknown; token?: string },
  ): Promise<Response>;
}

const server = setupServer();
let started = false;
const closers: (() => Promise<void>)[] = [];

/** Registers the hooks a transport needs; call once at the top of a test file. */
export function useTransports(): void {
  afterEach(async () => {
    if (started) {
      server.resetHandlers();
      server.close();
      started = false;
    }
    while (closers.length) await closers.pop()?.();
  });
}

export async function harness(transport: Transport, options: FakeQuickBooksOptions = {}): Promise<Harness> {
  const fake = createFakeQuickBooks(options);
  let apiBase: string;
  let oauthBase: { token: string; authorize: string; revoke: string };
  if (transport === 'msw') {
    if (!started) server.listen({ onUnhandledFrame: 'error' });
    started = true;
    server.use(...fake.handlers());
    apiBase = 'https://sandbox-quickbooks.api.intuit.com';
    oauthBase = {
      token: 'https://oauth.platform.intuit.com',
      authorize: 'https://appcenter.intuit.com',
      revoke: 'https://developer.api.intuit.com',
    };
  } else {
    const loopback = await fake.listen();
    closers.push(() => loopback.close());
    apiBase = loopback.url;
    oauthBase = { token: loopback.url, authorize: loopback.url, revoke: loopback.url };
  }
  const { accessToken } = fake.issueTokens();
  return {
    fake,
    apiBase,
    tokenUrl: `${oauthBase.token}/oauth2/v1/tokens/bearer`,
    authorizeUrl: `${oauthBase.authorize}/connect/oauth2`,
    revokeUrl: `${oauthBase.revoke}/v2/oauth2/tokens/revoke`,
    api: (path, init = {}) => {
      const url = new URL(`${apiBase}/v3/company/${fake.defaultRealmId}/${path}`);
      url.searchParams.set('minorversion', '75');
      for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, v);
      return fetch(url, {
        method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
        headers: {
          authorization: `Bearer ${init.token ?? accessToken}`,
          accept: 'application/json',
          ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
      });
    },
  };
}

export const TRANSPORTS: readonly Transport[] = ['msw', 'loopback'];
