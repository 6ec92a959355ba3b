export { createFakeConnector, type FakeConnectorOptions, signFakeWebhook } from './fake-connector.js';
export { type FakeFailure, type FakeOperation, type FakeRecord, FakeRemote } from './fake-remote.js';
