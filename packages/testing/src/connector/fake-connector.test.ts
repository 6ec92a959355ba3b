import { fakeConnectorDriver } from './fake-connector-driver.js';
import { runConnectorSuite } from './run-connector-suite.js';

const fake = fakeConnectorDriver({ entities: ['contact'], pageSize: 25 });
runConnectorSuite({
  name: 'fake (change feed)',
  connector: fake.connector,
  context: fake.context,
  driver: fake.driver,
  entity: 'contact',
  pageCount: 60,
});

const listOnly = fakeConnectorDriver({ entities: ['contact'], pageSize: 25, changeFeed: false });
runConnectorSuite({
  name: 'fake (list since)',
  connector: listOnly.connector,
  context: listOnly.context,
  driver: listOnly.driver,
  entity: 'contact',
  pageCount: 60,
});
