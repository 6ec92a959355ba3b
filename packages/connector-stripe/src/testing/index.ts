/**
 * `@syncbridge/connector-stripe/testing`: a faithful, stateful fake Stripe for tests and examples.
 * msw is needed only for `handlers()`.
 */
export type { StripeErrorBody, StripeErrorType } from './errors.js';
export {
  createFakeStripe,
  EVENT_RETENTION_SECONDS,
  FAKE_STRIPE_API_VERSION,
  type FakeStripe,
  type FakeStripeOptions,
  type FakeStripeState,
  type InjectedFailure,
  type RecordedRequest,
} from './fake-stripe.js';
export { type FormParams, type FormValue, parseStripeForm } from './form.js';
export type { FakeStripeSeeder, SeedOptions } from './seed.js';
export type { AccountState, StripeObject } from './state.js';
export { type StripeSuiteDriverOptions, stripeSuiteDriver } from './suite-driver.js';
export {
  signStripePayload,
  type WebhookDeliveryOptions,
  type WebhookDeliveryReport,
  type WebhookTarget,
} from './webhook-delivery.js';
