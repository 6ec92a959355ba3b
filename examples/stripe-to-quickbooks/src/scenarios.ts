import type { App } from './app.js';
import { type Connections, FAKE_QBO_VERIFIER_TOKEN } from './connect.js';
import type { FakeWorld } from './fake-world.js';
import type { WebhookServer } from './webhook-server.js';

type Say = (line: string) => void;
type Customer = { name: string; email: string | null; phone: string | null; [k: string]: unknown };

/** Picks linked customers deterministically per run, so repeated runs edit different records. */
type Pick = { localId: string; qboId: string };

async function pickCustomers(app: App, c: Connections, slots: number[], run: number): Promise<Pick[]> {
  const qboConfig = c.configs[3]!.id;
  await app.refs.load(qboConfig);
  const page = await app.local.customer.changedSince(null, 500);
  const linked = page.records.filter((r) => {
    try {
      app.refs.qboCustomerOf(r.id);
      return true;
    } catch {
      return false;
    }
  });
  return slots.map((slot) => {
    const record = linked[(slot * 17 + run * 5) % linked.length]!;
    return { localId: record.id, qboId: app.refs.qboCustomerOf(record.id) };
  });
}

/** An edit made in the QuickBooks UI (the fake's company, as a bookkeeper would). */
function editInQuickBooks(world: FakeWorld, qboId: string, fields: Record<string, unknown>) {
  const company = world.qbo.company();
  const current = company.read('Customer', qboId);
  company.update('Customer', { Id: qboId, SyncToken: current.SyncToken, sparse: true, ...fields });
}

async function editInApp(app: App, localId: string, fields: Partial<Customer>) {
  const [current] = await app.local.customer.get([localId]);
  await app.local.customer.upsert([{ id: localId, data: { ...current!.data, ...fields } }]);
}

const localCustomer = async (app: App, id: string) =>
  (await app.local.customer.get([id]))[0]!.data as Customer;
const qboCustomer = (world: FakeWorld, id: string) => world.qbo.company().read('Customer', id);

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * Sends the fake QuickBooks' pending change notifications to the app's webhook endpoint (signed,
 * CloudEvents format, up to 100 events per delivery), then waits until the inbox is processed.
 */
export async function deliverQuickBooksWebhooks(app: App, world: FakeWorld, server: WebhookServer) {
  const since = new Date();
  const deliveries = await world.qbo.deliverWebhooks(`${server.url}/webhooks/quickbooks`, {
    verifierToken: FAKE_QBO_VERIFIER_TOKEN,
    format: 'cloudevents',
  });
  await app.bridge.webhooks.process();
  const events = (await app.bridge.webhooks.events({ provider: 'quickbooks', limit: 1000 })).filter(
    (e) => e.receivedAt.getTime() >= since.getTime(),
  );
  const count = (status: string) => events.filter((e) => e.status === status).length;
  const events_ = deliveries.reduce((n, d) => n + d.eventCount, 0);
  const statuses = [...new Set(deliveries.map((d) => d.status))].join('/');
  if (count('failed') > 0) throw new Error(`${count('failed')} webhook events failed to process`);
  return {
    events: events_,
    summary: `${plural(deliveries.length, 'signed delivery', 'signed deliveries')}, ${plural(events_, 'event')}, answered ${statuses || '-'}; processed ${count('processed')}, ignored ${count('ignored')}`,
  };
}

/** 1. A bookkeeper edits a customer in QuickBooks; Intuit's webhook brings the change into the app. */
export async function webhookEdit(
  app: App,
  world: FakeWorld,
  c: Connections,
  server: WebhookServer,
  say: Say,
  run: number,
) {
  const [{ localId, qboId }] = (await pickCustomers(app, c, [0], run)) as [Pick];
  const phone = `+1 415 555 ${String(1000 + Math.floor(Math.random() * 8999))}`;
  say(
    `  QuickBooks: a bookkeeper changes the phone of "${qboCustomer(world, qboId).DisplayName}" to ${phone}`,
  );
  editInQuickBooks(world, qboId, { PrimaryPhone: { FreeFormNumber: phone } });
  const delivered = await deliverQuickBooksWebhooks(app, world, server);
  say(`  Intuit → POST /webhooks/quickbooks: ${delivered.summary}`);
  const after = await localCustomer(app, localId);
  say(
    `  app: customer ${localId.slice(0, 8)}… phone is now ${after.phone} (re-read from QuickBooks, three-way checked)`,
  );
  if (after.phone !== phone) throw new Error('the webhook change did not reach the app');
}

/** 2 and 3. The app and QuickBooks edit the same customer between two syncs. */
export async function concurrentEdits(app: App, world: FakeWorld, c: Connections, say: Say, run: number) {
  const qbo = c.quickbooks.id;
  const qboConfig = c.configs[3]!.id;
  const detected: string[][] = [];
  const off = app.bridge.on('conflict.detected', (e) => {
    detected.push(e.fields);
  });

  // Different fields: merged field by field.
  // Both picked from one listing, before any edit reorders it, so they are always two different customers.
  const [a, b] = (await pickCustomers(app, c, [1, 2], run)) as [Pick, Pick];
  const before = await localCustomer(app, a.localId);
  const email = `accounts+${Date.now() % 100000}@${(before.email ?? 'x@example.com').split('@')[1]}`;
  const phone = `+1 212 555 ${String(1000 + Math.floor(Math.random() * 8999))}`;
  say(`  "${before.name}": the app changes the email to ${email}; QuickBooks changes the phone to ${phone}`);
  await editInApp(app, a.localId, { email });
  editInQuickBooks(world, a.qboId, { PrimaryPhone: { FreeFormNumber: phone } });

  // Same field: the policy's fallback sends it to manual review.
  const bName = (await localCustomer(app, b.localId)).name.replace(/ \((app|QuickBooks) edit \d+\)$/, '');
  const appName = `${bName} (app edit ${run})`;
  const qboName = `${bName} (QuickBooks edit ${run})`;
  say(`  "${bName}": the app renames it "${appName}"; QuickBooks renames it "${qboName}"`);
  await editInApp(app, b.localId, { name: appName });
  editInQuickBooks(world, b.qboId, { DisplayName: qboName });

  const log = await app.bridge.sync.run(qbo, { type: 'incremental', syncConfigIds: [qboConfig] });
  off();
  const merged = await localCustomer(app, a.localId);
  const remote = qboCustomer(world, a.qboId);
  say(
    `  sync (merge_fields, fallback manual_review): ${detected.length} conflicts detected, log ${log.status}`,
  );
  say(
    `  merged → app: email ${merged.email}, phone ${merged.phone}; QuickBooks: email ${(remote.PrimaryEmailAddr as { Address?: string })?.Address}, phone ${(remote.PrimaryPhone as { FreeFormNumber?: string })?.FreeFormNumber}`,
  );
  if (merged.email !== email || merged.phone !== phone)
    throw new Error('the field merge did not keep both edits');

  const open = await app.bridge.conflicts.list({ integrationId: qbo });
  const held = open.find((x) => x.localId === b.localId);
  if (!held) throw new Error('the same-field edit did not go to manual review');
  say(
    `  manual review: ${open.length} held; fields ${held.fields.join(', ')}: app "${held.local?.name}" vs QuickBooks "${held.remote?.name}"`,
  );
  await app.bridge.conflicts.resolve(held.id, { take: 'local' });
  const settled = qboCustomer(world, b.qboId).DisplayName;
  say(`  resolved with { take: 'local' }: QuickBooks now says "${settled}"`);
  if (settled !== appName) throw new Error('resolving the conflict did not reach QuickBooks');
  return { log, conflicts: detected.length };
}
