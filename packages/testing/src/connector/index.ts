export { createFakeConnector, type FakeConnectorOptions, signFakeWebhook } from './fake-connector.js';
export { fakeConnectorDriver } from './fake-connector-driver.js';
export { type FakeFailure, type FakeOperation, type FakeRecord, FakeRemote } from './fake-remote.js';
export {
  type ConnectorFakeDriver,
  type ConnectorSuiteOptions,
  type InjectedFailure,
  runConnectorSuite,
} from './run-connector-suite.js';
