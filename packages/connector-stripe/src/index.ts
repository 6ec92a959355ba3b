/**
 * @syncbridge/connector-stripe: `stripe()` for SyncBridge. The fake Stripe for tests lives in
 * `@syncbridge/connector-stripe/testing`.
 */
export {
  decodeEventCursor,
  EVENT_RETENTION_MS,
  type EventCursor,
  encodeEventCursor,
  eventToChanges,
  stripeChanges,
  stripeEventCursorNow,
} from './changes.js';
export {
  BALANCE_SETTLEMENT_WINDOW_MS,
  completeInvoiceLines,
  completeNestedChanges,
  EVENT_TIME_FIELD,
  listPages,
  OBJECT_TO_ENTITY,
  PAGE_SIZE,
  stripeEntities,
} from './entities.js';
export { encodeStripeForm, type StripeParamValue } from './form-encoding.js';
export { mapStripeError, redactKeys } from './map-error.js';
export {
  type StripeFieldMapping,
  stripeCustomerMappings,
  stripeInvoiceMappings,
  stripeMoney,
  stripePaymentMappings,
  stripePriceMappings,
  stripeUnixTime,
} from './mappings.js';
export * from './schemas.js';
export {
  STRIPE_API_VERSION,
  type StripeOptions,
  stripe,
  stripeCredentialsSchema,
  stripeRateLimit,
} from './stripe-connector.js';
export { stripeSignature } from './webhook-signature.js';
export { stripeWebhooks, verifyStripeSignature, WEBHOOK_TOLERANCE_SECONDS } from './webhooks.js';
