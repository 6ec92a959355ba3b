import { randomBytes } from 'node:crypto';
import { createFakeConnector, signFakeWebhook } from '@syncbridge/testing';
import { describe, expect, it } from 'vitest';
import { isConfigError, isValidationError } from '../errors/index.js';
import { memoryLocalStore } from '../local/memory-local-store.js';
import { memoryStorage } from '../storage/memory/memory-storage.js';
import type { StorageAdapter } from '../storage/storage-adapter.js';
import { createSyncBridge, type SyncBridge } from './create-sync-bridge.js';

const API_KEY = 'fake_live_key_0123456789';
const mappings = [
  { local: 'name', remote: '$.name', required: true },
  { local: 'email', remote: '$.email' },
];

async function bridgeWith(
  options: { storage?: StorageAdapter; strategy?: 'merge_fields' | 'manual_review' | 'last_write_wins' } = {},
) {
  const storage = options.storage ?? memoryStorage();
  const { connector, remote } = createFakeConnector({ entities: ['contact'], pageSize: 20 });
  const customers = memoryLocalStore();
  const bridge: SyncBridge = createSyncBridge({
    storage,
    encryptionKeys: [{ kid: 'k1', key: randomBytes(32) }],
    connectors: [connector],
    local: { customer: customers },
    now: () => new Date(remote.now()),
  });
  const integration = await bridge.integrations.connect({
    organizationId: 'org_1',
    provider: 'fake',
    credentials: { apiKey: API_KEY },
  });
  const config = await bridge.sync.configure(integration.id, {
    localEntity: 'customer',
    remoteEntity: 'contact',
    direction: 'bidirectional',
    conflict: { strategy: options.strategy ?? 'merge_fields', fallback: 'last_write_wins' },
    mappings,
  });
  return { bridge, storage, remote, customers, integration, config };
}

describe('createSyncBridge', () => {
  it('refuses bad options at construction with one ConfigError listing every problem', () => {
    let error: unknown;
    try {
      createSyncBridge({
        storage: {} as never,
        encryptionKeys: [],
        connectors: [],
        local: { customer: {} as never },
      });
    } catch (e) {
      error = e;
    }
    expect(isConfigError(error)).toBe(true);
    const problems = (error as { problems: string[] }).problems.join('\n');
    expect(problems).toMatch(/storage/);
    expect(problems).toMatch(/encryptionKeys/);
    expect(problems).toMatch(/local\.customer/);
  });

  it('connects, configures, syncs, and reports status and history', async () => {
    const { bridge, remote, customers, integration } = await bridgeWith();
    remote.seed('contact', [
      { name: 'Ada', email: 'ada@example.com' },
      { name: 'Grace', email: 'grace@example.com' },
    ]);
    const events: string[] = [];
    bridge.on('sync.started', () => {
      events.push('started');
    });
    bridge.on('sync.completed', () => {
      events.push('completed');
    });
    const log = await bridge.sync.run(integration.id, { type: 'full' });
    expect(log).toMatchObject({ status: 'completed', recordsCreated: 2 });
    expect(
      customers
        .all()
        .map((c) => c.data.name)
        .sort(),
    ).toEqual(['Ada', 'Grace']);
    expect(events).toEqual(['started', 'completed']);
    const status = await bridge.sync.status(integration.id);
    expect(status.configs[0]).toMatchObject({ links: 2, conflicts: 0, errors: 0 });
    expect(await bridge.sync.history(integration.id)).toHaveLength(1);
    expect((await bridge.sync.configs(integration.id))[0]!.mappings).toEqual(mappings);
    await bridge.close();
  });

  it('keeps API keys encrypted at rest', async () => {
    const { storage, integration } = await bridgeWith();
    const stored = await storage.integrations.get(integration.id);
    expect(stored!.credentials).not.toBeNull();
    expect(JSON.stringify(stored)).not.toContain(API_KEY);
    expect(stored!.credentials!.split('.')).toHaveLength(5);
  });

  it('rejects a mapping config with every problem named, and unknown entities and stores', async () => {
    const { bridge, integration } = await bridgeWith();
    const bad = await bridge.sync
      .configure(integration.id, {
        localEntity: 'customer',
        remoteEntity: 'contact',
        mappings: [
          { local: 'name', remote: '$.name[' },
          { local: 'x', remote: '$.a', transform: { type: 'compute', name: 'nope' } },
        ],
      })
      .catch((e) => e);
    expect(isConfigError(bad)).toBe(true);
    expect(bad.message).toMatch(/mappings\[0\]/);
    expect(bad.message).toMatch(/mappings\[1\]/);
    const unknown = await bridge.sync
      .configure(integration.id, { localEntity: 'invoice', remoteEntity: 'bill', mappings })
      .catch((e) => e);
    expect(unknown.problems).toHaveLength(2);
    expect(
      isValidationError(
        await bridge.sync.configure(integration.id, { localEntity: 'customer' } as never).catch((e) => e),
      ),
    ).toBe(true);
  });

  it('coalesces a burst of notifications for one record into one provider write', async () => {
    const { bridge, remote, customers } = await bridgeWith();
    await customers.upsert([{ id: 'c1', data: { name: 'Ada', email: 'a@example.com' } }]);
    await Promise.all(Array.from({ length: 5 }, () => bridge.changes.notify('customer', ['c1'])));
    expect(remote.writes.create).toBe(1);
    await customers.upsert([{ id: 'c1', data: { name: 'Ada L.', email: 'a@example.com' } }]);
    await Promise.all([bridge.changes.notify('customer', ['c1']), bridge.changes.notify('customer', ['c1'])]);
    expect(remote.writes.update).toBe(1);
    expect(remote.all('contact')[0]).toMatchObject({ name: 'Ada L.' });
  });

  it('settles a notification that names no records at once', async () => {
    const { bridge } = await bridgeWith();
    expect(await bridge.changes.notify('customer', [])).toEqual([]);
  });

  it('merges a record edited on both sides field by field', async () => {
    const { bridge, remote, customers, integration } = await bridgeWith({ strategy: 'merge_fields' });
    const [r] = remote.seed('contact', [{ name: 'Ada', email: 'ada@example.com' }]);
    await bridge.sync.run(integration.id, { type: 'full' });
    const [c] = customers.all();
    await customers.upsert([{ id: c!.id, data: { ...c!.data, email: 'ada@host.example' } }]);
    remote.put('contact', { id: r!.id, name: 'Ada Lovelace' });
    await bridge.sync.run(integration.id, { type: 'incremental' });
    expect(customers.all()[0]!.data).toMatchObject({ name: 'Ada Lovelace', email: 'ada@host.example' });
    expect(remote.get('contact', r!.id)).toMatchObject({ name: 'Ada Lovelace', email: 'ada@host.example' });
  });

  it('lists a manual-review conflict and resolves it by taking one side', async () => {
    const { bridge, remote, customers, integration } = await bridgeWith({ strategy: 'manual_review' });
    const [r] = remote.seed('contact', [{ name: 'Ada', email: 'ada@example.com' }]);
    await bridge.sync.run(integration.id, { type: 'full' });
    const [c] = customers.all();
    await customers.upsert([{ id: c!.id, data: { ...c!.data, name: 'Host Ada' } }]);
    remote.put('contact', { id: r!.id, name: 'Remote Ada' });
    await bridge.sync.run(integration.id, { type: 'incremental' });
    const open = await bridge.conflicts.list({ integrationId: integration.id });
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      fields: ['name'],
      local: { name: 'Host Ada' },
      remote: { name: 'Remote Ada' },
    });
    await bridge.conflicts.resolve(open[0]!.id, { take: 'local' });
    expect(remote.get('contact', r!.id)?.name).toBe('Host Ada');
    expect(await bridge.conflicts.list({ integrationId: integration.id })).toEqual([]);
    await expect(bridge.conflicts.resolve(open[0]!.id, { take: 'remote' })).rejects.toThrow(
      /not held for review/,
    );
  });

  it('runs due integrations from the scheduler', async () => {
    const { bridge, remote, customers, integration } = await bridgeWith();
    remote.seed('contact', [{ name: 'Scheduled', email: 's@example.com' }]);
    await bridge.integrations.update(integration.id, { syncFrequencyMinutes: 15 });
    await bridge.internals.scheduler.runDue();
    expect(customers.size).toBe(1);
    const after = await bridge.integrations.get(integration.id);
    expect(after.nextSyncAt!.getTime()).toBeGreaterThan(remote.now());
    await bridge.internals.scheduler.runDue();
    expect(await bridge.sync.history(integration.id)).toHaveLength(1);
  });

  it('registers a webhook secret encrypted, receives a delivery, processes it, and shows it in the inbox', async () => {
    const { bridge, storage, remote, customers, integration } = await bridgeWith();
    const hook = await bridge.webhooks.register({
      integrationId: integration.id,
      secret: 'whsec_bridge_secret',
    });
    expect(hook).toMatchObject({ hasSecret: true });
    expect(JSON.stringify(await storage.webhooks.get(hook.id))).not.toContain('whsec_bridge_secret');
    const created = remote.put('contact', { name: 'From webhook', email: 'w@example.com' });
    const body = JSON.stringify({
      events: [{ id: 'evt_1', entity: 'contact', objectId: created.id, type: 'upsert' }],
    });
    const reply = await bridge.webhooks.receive({
      provider: 'fake',
      headers: signFakeWebhook(body, 'whsec_bridge_secret'),
      body,
    });
    expect(reply.status).toBe(200);
    await bridge.webhooks.process();
    expect(customers.all().map((c) => c.data.name)).toEqual(['From webhook']);
    expect(await bridge.webhooks.events({ status: 'processed' })).toHaveLength(1);
    const replayed = await bridge.webhooks.replay((await bridge.webhooks.events())[0]!.id);
    expect(replayed?.status).toBe('processed');
  });

  it('registers an endpoint through the provider API when no secret is given, and removes it on delete', async () => {
    const { bridge, remote, customers, integration } = await bridgeWith();
    const hook = await bridge.webhooks.register({
      integrationId: integration.id,
      url: 'https://host.example/webhooks/fake',
      events: ['contact.*'],
    });
    expect(hook).toMatchObject({ hasSecret: true, remoteId: expect.stringMatching(/^we_/) });
    const endpoint = remote.endpoints.get(hook.remoteId!);
    expect(endpoint).toMatchObject({ url: 'https://host.example/webhooks/fake', events: ['contact.*'] });
    const created = remote.put('contact', { name: 'Via registered endpoint', email: 'r@example.com' });
    const body = JSON.stringify({
      events: [{ id: 'evt_r', entity: 'contact', objectId: created.id, type: 'upsert' }],
    });
    expect(
      (
        await bridge.webhooks.receive({
          provider: 'fake',
          headers: signFakeWebhook(body, endpoint!.secret),
          body,
        })
      ).status,
    ).toBe(200);
    await bridge.webhooks.process();
    expect(customers.all().map((c) => c.data.name)).toEqual(['Via registered endpoint']);
    expect(await bridge.webhooks.delete(hook.id)).toBe(true);
    expect(remote.endpoints.size).toBe(0);
    const noUrl = await bridge.webhooks.register({ integrationId: integration.id }).catch((e) => e);
    expect(isConfigError(noUrl)).toBe(true);
  });

  it('sends outbound-only fields, brings provider-owned fields back after a write, and makes no echo', async () => {
    const { bridge, remote, customers, integration } = await bridgeWith();
    await bridge.sync.configure(integration.id, {
      localEntity: 'customer',
      remoteEntity: 'contact',
      direction: 'bidirectional',
      mappings: [
        { local: 'name', remote: '$.name', required: true },
        { local: 'appRef', remote: '$.ref', direction: 'outbound' },
        { local: 'remoteVersion', remote: '$.version', direction: 'inbound' },
      ],
    });
    await customers.upsert([{ id: 'c1', data: { name: 'Ada', appRef: 'r1' } }]);
    await bridge.changes.notify('customer', ['c1']);
    expect(remote.all('contact')[0]).toMatchObject({ name: 'Ada', ref: 'r1', version: 1 });
    expect(customers.all()[0]!.data).toMatchObject({ name: 'Ada', appRef: 'r1', remoteVersion: 1 });
    await bridge.changes.notify('customer', ['c1']);
    expect(remote.writes).toEqual({ create: 1, update: 0, delete: 0 });
    await customers.upsert([{ id: 'c1', data: { ...customers.all()[0]!.data, appRef: 'r2' } }]);
    await bridge.changes.notify('customer', ['c1']);
    expect(remote.all('contact')[0]).toMatchObject({ ref: 'r2', version: 2 });
    expect(customers.all()[0]!.data).toMatchObject({ appRef: 'r2', remoteVersion: 2 });
    await bridge.sync.run(integration.id, { type: 'incremental' });
    await bridge.changes.notify('customer', ['c1']);
    expect(remote.writes).toEqual({ create: 1, update: 1, delete: 0 });
  });

  it('pushes every mapped field on an outbound-only config', async () => {
    const { bridge, remote, customers, integration } = await bridgeWith();
    await bridge.sync.configure(integration.id, {
      localEntity: 'customer',
      remoteEntity: 'contact',
      direction: 'outbound',
      mappings,
    });
    await customers.upsert([{ id: 'c1', data: { name: 'Grace', email: 'g@example.com' } }]);
    const [log] = await bridge.changes.notify('customer', ['c1']);
    expect(log).toMatchObject({ status: 'completed', recordsCreated: 1 });
    expect(remote.all('contact')[0]).toMatchObject({ name: 'Grace', email: 'g@example.com' });
  });
});
