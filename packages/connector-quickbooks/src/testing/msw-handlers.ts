import { createRequire } from 'node:module';
import type { HttpHandler, http as mswHttp } from 'msw';

/** The hosts QuickBooks Online answers on: API (production, sandbox) and OAuth. */
export const QUICKBOOKS_HOSTS = [
  'https://quickbooks.api.intuit.com',
  'https://sandbox-quickbooks.api.intuit.com',
  'https://oauth.platform.intuit.com',
  'https://appcenter.intuit.com',
  'https://developer.api.intuit.com',
] as const;

/**
 * msw handlers that pass every request to the fake's core. msw is loaded only here, and only
 * when handlers are asked for, so `listen()` works without msw installed.
 */
export function mswHandlers(handle: (request: Request) => Promise<Response>): HttpHandler[] {
  const require = createRequire(import.meta.url);
  const { http } = require('msw') as { http: typeof mswHttp };
  return QUICKBOOKS_HOSTS.map((host) => http.all(`${host}/*`, ({ request }) => handle(request)));
}
