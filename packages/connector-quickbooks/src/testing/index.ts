/** A faithful fake QuickBooks Online for tests and examples: `createFakeQuickBooks()`. */
export { type FakeClock, qboTime } from './clock.js';
export {
  type ChangeLogEntry,
  type ChangeOperation,
  Company,
  ENTITY_NAMES,
  type FakeEntityName,
  NAME_LISTS,
  type QboRecord,
} from './company.js';
export {
  createFakeQuickBooks,
  type FakeQuickBooks,
  type FakeQuickBooksOptions,
  type FakeThrottle,
  type InjectedFailure,
  qboFailures,
  type RecordedRequest,
} from './fake-quickbooks.js';
export { authXml, faultBody, gatewayAuthFault, throttleXml } from './faults.js';
export { QUICKBOOKS_HOSTS } from './msw-handlers.js';
export type { FakeOAuthOptions, OAuthStats } from './oauth-server.js';
export type { Seeder } from './seed.js';
export { quickBooksSuiteDriver, type SuiteEntity } from './suite-driver.js';
export {
  type DeliverWebhooksOptions,
  signIntuitPayload,
  type WebhookDelivery,
  type WebhookFormat,
  type WebhookTarget,
} from './webhooks.js';
