/** SyncBridge connector for QuickBooks Online. Fake for tests: `@syncbridge/connector-quickbooks/testing`. */
export { CDC_MAX_AGE_MS, CDC_RESPONSE_LIMIT, quickBooksChanges, quickBooksInitialCursor } from './changes.js';
export { GET_MANY_BATCH, PAGE_SIZE } from './entities/entity.js';
export { DEFAULT_MINOR_VERSION, requestIdFor } from './entities/request.js';
export {
  accountSchema,
  customerSchema,
  invoiceSchema,
  itemSchema,
  paymentSchema,
  type QboAccount,
  type QboCustomer,
  type QboInvoice,
  type QboItem,
  type QboPayment,
  type QboTaxCode,
  taxCodeSchema,
} from './entities/schemas.js';
export { mapQuickBooksError, parseFault, THROTTLE_WAIT_MS } from './map-error.js';
export {
  customerMappings,
  customFieldMapping,
  invoiceMappings,
  itemMappings,
  paymentMappings,
  type QuickBooksCustomField,
  type QuickBooksFieldMapping,
} from './mappings.js';
export { qboDateTime, qboLiteral, selectQuery } from './query.js';
export { INTUIT_OAUTH, QUICKBOOKS_API_BASE, type QuickBooksOptions, quickbooks } from './quickbooks.js';
export { QUICKBOOKS_LIMITS, quickBooksRateLimit, RATE_LIMIT_SLICES } from './rate-limit.js';
export { parseQuickBooksWebhook, quickBooksWebhooks, verifyIntuitSignature } from './webhooks.js';
