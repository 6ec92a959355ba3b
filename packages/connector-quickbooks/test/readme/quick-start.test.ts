import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { APP, serveFake, useIntuitHosts } from '../helpers/bridge-harness.js';
import { createApp } from './quick-start.js';

useIntuitHosts();

it('the README quick start is this file, word for word', async () => {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const source = await readFile(new URL('./quick-start.ts', import.meta.url), 'utf8');
  const published = source.replace("'../../src/index.js'", "'@syncbridge/connector-quickbooks'");
  expect(readme).toContain(`\`\`\`ts\n${published}\`\`\``);
});

it('the README quick start connects to a sandbox company and syncs its customers', async () => {
  // The sandbox hosts answer from the fake (msw); the code under test is unchanged.
  const fake = serveFake();
  fake.seed.customers(3);
  const app = createApp({
    SYNCBRIDGE_KEY: randomBytes(32).toString('base64'),
    QBO_CLIENT_ID: APP.clientId,
    QBO_CLIENT_SECRET: APP.clientSecret,
    QBO_REDIRECT_URI: APP.redirectUri,
  });
  const consent = await fetch(await app.connectUrl('org_1'), { redirect: 'manual' });
  const integration = await app.onCallback(consent.headers.get('location') as string);
  expect(integration.config.realmId).toBe(fake.defaultRealmId);
  expect(await app.sync(integration.id, 'full')).toMatchObject({ status: 'completed', recordsCreated: 3 });
  expect(app.customers.all()).toHaveLength(3);
  expect(await app.sync(integration.id, 'incremental')).toMatchObject({
    status: 'completed',
    recordsFailed: 0,
  });
  await app.bridge.close();
});
