import { createSyncBridge, localIdFor, memoryLocalStore, memoryStorage } from '@syncbridge/core';
import { serveFetchHandler } from '@syncbridge/testing/fakes';
import { createAcmeApi } from './acme-api.js';
import { acme } from './acme-connector.js';

const API_KEY = 'acme_live_example_key';
const WEBHOOK_SECRET = 'acme_whsec_example';

/**
 * Syncs the Acme connector both ways with the host's "person" records: a full sync, a host
 * create and edit pushed with `changes.notify`, an Acme edit arriving by webhook, and an
 * incremental run that finds nothing left to do. Returns what happened, for printing or asserting.
 */
export async function runExample(say: (line: string) => void = () => {}) {
  const api = createAcmeApi({ apiKey: API_KEY });
  api.seed(['Ada Lovelace', 'Grace Hopper', 'Alan Turing']);
  const server = await serveFetchHandler(api.handle);
  const people = memoryLocalStore();
  const bridge = createSyncBridge({
    storage: memoryStorage(),
    encryptionKeys: [{ kid: 'example', key: Buffer.alloc(32, 3) }],
    connectors: [acme({ baseUrl: server.url })],
    local: { person: people },
  });
  try {
    const integration = await bridge.integrations.connect({
      organizationId: 'org_acme',
      provider: 'acme',
      credentials: { apiKey: API_KEY },
    });
    await bridge.integrations.test(integration.id);
    const config = await bridge.sync.configure(integration.id, {
      localEntity: 'person',
      remoteEntity: 'contact',
      direction: 'bidirectional',
      conflict: { strategy: 'merge_fields', fallback: 'last_write_wins' },
      mappings: [
        { local: 'fullName', remote: '$.name', required: true },
        { local: 'email', remote: '$.email', transform: { type: 'format', format: 'lower' } },
        { local: 'employer', remote: '$.company' },
      ],
    });
    await bridge.webhooks.register({ integrationId: integration.id, secret: WEBHOOK_SECRET });

    const full = await bridge.sync.run(integration.id, { type: 'full' });
    say(`full sync: ${full.recordsCreated} Acme contacts became people in the app`);

    // The host creates a person and edits another, then tells SyncBridge.
    const ada = localIdFor(config.id, '1');
    const [current] = await people.get([ada]);
    await people.upsert([
      { id: ada, data: { ...current!.data, employer: 'Analytical Engines Ltd' } },
      { id: 'p_new', data: { fullName: 'Edsger Dijkstra', email: 'EWD@example.com', employer: null } },
    ]);
    const pushed = await bridge.changes.notify('person', [ada, 'p_new']);
    say(
      `host changes pushed: ${pushed[0]?.recordsCreated} created, ${pushed[0]?.recordsUpdated} updated at Acme`,
    );

    // Someone edits a contact in Acme's UI; Acme sends a signed webhook.
    api.edit('2', { email: 'grace@navy.example' });
    const delivery = api.webhook('2', WEBHOOK_SECRET);
    const reply = await bridge.webhooks.receive({ provider: 'acme', ...delivery });
    await bridge.webhooks.process();
    const [grace] = await people.get([localIdFor(config.id, '2')]);
    say(`webhook answered ${reply.status}; the app now has Grace's email as ${String(grace?.data.email)}`);

    const incremental = await bridge.sync.run(integration.id, { type: 'incremental' });
    say(`incremental sync: ${incremental.recordsCreated} created, ${incremental.recordsUpdated} updated`);
    return { full, pushed: pushed[0]!, reply, grace: grace?.data, incremental, acme: api.all() };
  } finally {
    await bridge.close();
    await server.close();
  }
}
