import { ConfigError, type Connector, defineConnector, oauth2 } from '@syncbridge/core';
import { z } from 'zod';
import { voidInvoiceAction } from './actions.js';
import { quickBooksChanges, quickBooksInitialCursor } from './changes.js';
import { qboEntity } from './entities/entity.js';
import { DEFAULT_MINOR_VERSION, qboRequest, realmOf } from './entities/request.js';
import {
  accountSchema,
  customerSchema,
  invoiceSchema,
  itemSchema,
  paymentSchema,
  taxCodeSchema,
} from './entities/schemas.js';
import { mapQuickBooksError } from './map-error.js';
import { QUICKBOOKS_LIMITS, quickBooksRateLimit } from './rate-limit.js';
import { quickBooksWebhooks } from './webhooks.js';

/** The company API's hosts per environment. */
export const QUICKBOOKS_API_BASE = {
  production: 'https://quickbooks.api.intuit.com',
  sandbox: 'https://sandbox-quickbooks.api.intuit.com',
} as const;

/** Intuit's OAuth 2.0 endpoints (authorize, token, revoke). */
export const INTUIT_OAUTH = {
  authorize: 'https://appcenter.intuit.com/connect/oauth2',
  token: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
  revoke: 'https://developer.api.intuit.com/v2/oauth2/tokens/revoke',
} as const;

const optionsSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  redirectUri: z.url(),
  environment: z.enum(['sandbox', 'production']),
  minorVersion: z.number().int().min(75).default(DEFAULT_MINOR_VERSION),
  baseUrl: z.url().optional(),
  /**
   * Origins to use instead of Intuit's OAuth hosts (a fake on loopback); paths stay Intuit's.
   * One string applies to all three.
   */
  /**
   * Intuit's limits for this app (500 requests per minute and 10 at once, per company). Change
   * them only if Intuit gave your app other limits, or to leave room for other apps' traffic.
   */
  rateLimit: z
    .object({
      requests: z.number().int().positive().default(QUICKBOOKS_LIMITS.requests),
      windowMs: z.number().int().positive().default(QUICKBOOKS_LIMITS.windowMs),
      concurrency: z.number().int().positive().default(QUICKBOOKS_LIMITS.concurrency),
    })
    .prefault({}),
  authBaseUrls: z
    .union([
      z.url(),
      z.object({ authorize: z.url().optional(), token: z.url().optional(), revoke: z.url().optional() }),
    ])
    .optional(),
});

export type QuickBooksOptions = z.input<typeof optionsSchema>;

function authOrigin(
  value: string | { authorize?: string; token?: string; revoke?: string } | undefined,
  kind: 'authorize' | 'token' | 'revoke',
): string | undefined {
  return typeof value === 'string' ? value : value?.[kind];
}

function rebase(url: string, origin: string | undefined): string {
  if (origin === undefined) return url;
  const u = new URL(url);
  return new URL(u.pathname, origin).toString();
}

/** Entities the change feed can serve (CDC supports these; TaxCode it does not). */
const CDC_ENTITIES = new Set(['Customer', 'Invoice', 'Payment', 'Item', 'Account']);

/**
 * The QuickBooks Online connector.
 *
 * ```ts
 * const connector = quickbooks({ clientId, clientSecret, redirectUri, environment: 'sandbox' });
 * ```
 *
 * OAuth 2.0 with rotating refresh tokens; realm (company) id from the callback's `realmId`;
 * `minorversion=75` on every request and `requestid` on every write (idempotent retries); CDC
 * as the change feed; Intuit webhooks in both payload formats.
 */
export function quickbooks(options: QuickBooksOptions): Connector {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`quickbooks(): invalid options. ${problems.join('; ')}`, { problems });
  }
  const o = Object.freeze(parsed.data);
  const minorVersion = o.minorVersion;
  const entity = qboEntity;
  return defineConnector({
    provider: 'quickbooks',
    displayName: 'QuickBooks Online',
    category: 'accounting',
    auth: oauth2({
      authorizeUrl: rebase(INTUIT_OAUTH.authorize, authOrigin(o.authBaseUrls, 'authorize')),
      tokenUrl: rebase(INTUIT_OAUTH.token, authOrigin(o.authBaseUrls, 'token')),
      revokeUrl: rebase(INTUIT_OAUTH.revoke, authOrigin(o.authBaseUrls, 'revoke')),
      revokeBody: 'json',
      clientId: o.clientId,
      clientSecret: o.clientSecret,
      redirectUri: o.redirectUri,
      scopes: ['com.intuit.quickbooks.accounting'],
      clientAuth: 'basic',
      tokenHeaders: { 'x-include-refresh-token-hard-expires-in': 'true' },
      callbackParams: ['realmId'],
    }),
    baseUrl: o.baseUrl ?? QUICKBOOKS_API_BASE[o.environment],
    defaultHeaders: { accept: 'application/json' },
    rateLimit: (integration) =>
      quickBooksRateLimit(o.rateLimit, `quickbooks:${String(integration.config.realmId ?? integration.id)}`),
    entities: {
      Customer: entity({ name: 'Customer', schema: customerSchema, nameList: true, minorVersion }),
      Invoice: entity({ name: 'Invoice', schema: invoiceSchema, nameList: false, minorVersion }),
      Payment: entity({ name: 'Payment', schema: paymentSchema, nameList: false, minorVersion }),
      Item: entity({ name: 'Item', schema: itemSchema, nameList: true, minorVersion }),
      Account: entity({
        name: 'Account',
        schema: accountSchema,
        nameList: true,
        readOnly: true,
        minorVersion,
      }),
      TaxCode: entity({
        name: 'TaxCode',
        schema: taxCodeSchema,
        nameList: true,
        readOnly: true,
        minorVersion,
      }),
    },
    changes: (ctx, params) =>
      quickBooksChanges(ctx, minorVersion, {
        ...params,
        entities: params.entities.filter((e) => CDC_ENTITIES.has(e)),
      }),
    initialChangeCursor: (ctx) => quickBooksInitialCursor(ctx, minorVersion),
    webhooks: quickBooksWebhooks,
    actions: { voidInvoice: voidInvoiceAction(minorVersion) },
    mapError: mapQuickBooksError,
    test: async (ctx) => {
      await qboRequest(ctx, minorVersion, { method: 'GET', resource: `companyinfo/${realmOf(ctx)}` });
    },
    capabilities: {
      entities: {
        Customer: { delete: 'deactivate' },
        Item: { delete: 'deactivate' },
        Account: { outbound: false, incremental: true },
        TaxCode: { outbound: false, incremental: false },
      },
    },
  });
}
