import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createFakeQuickBooks,
  type FakeQuickBooks,
  type QboRecord,
} from '@syncbridge/connector-quickbooks/testing';
import { createFakeStripe, type FakeStripe, type StripeObject } from '@syncbridge/connector-stripe/testing';
import type { LoopbackServer } from '@syncbridge/testing/fakes';

/**
 * The "SaaS side" of the demo: a fake Stripe and a fake QuickBooks Online, each a real HTTP
 * server on 127.0.0.1, seeded once and saved to `<dataDir>/fakes.json` when the demo ends, so a
 * second run meets the same Stripe account and QuickBooks company it left (a real provider keeps
 * its data too). Nothing here is something your app does: it stands in for stripe.com and intuit.com.
 */
export interface FakeWorld {
  readonly stripe: FakeStripe;
  readonly qbo: FakeQuickBooks;
  readonly stripeServer: LoopbackServer;
  readonly qboServer: LoopbackServer;
  /** True when the fakes were restored from an earlier run. */
  readonly restored: boolean;
  /** The run number the restored state was saved by (null: freshly seeded). */
  readonly restoredRun: number | null;
  /** True when the fake Stripe is the one the demo syncs from (not replaced by real Stripe). */
  readonly stripeSeeded: boolean;
  /** The QuickBooks service item invoice lines are booked against. */
  readonly qboItemId: string;
  save(): Promise<void>;
  close(): Promise<void>;
}

export const FAKE_STRIPE_KEY = 'sk_test_SyncBridgeDemo0000';
export const FAKE_QBO_CLIENT = { clientId: 'demo-client-id', clientSecret: 'demo-client-secret' };
export const SEED = { customers: 120, invoices: 180, payments: 90, qboOnlyCustomers: 5 } as const;

interface Snapshot {
  version: 1;
  /** The demo run that saved it: must match the database's run counter, or the two disagree. */
  run: number;
  stripe: {
    collections: Record<string, StripeObject[]>;
    tombstones: [string, { stub: StripeObject; object: StripeObject }][];
    events: StripeObject[];
  };
  qbo: {
    clock: string;
    records: Record<string, QboRecord[]>;
    tombstones: Record<string, { id: string; at: string }[]>;
  };
}

function seedStripe(stripe: FakeStripe): void {
  const customers = stripe.seed.customers(SEED.customers);
  for (let i = 0; i < SEED.invoices; i++) {
    const customer = customers[(i * 7) % customers.length]!;
    stripe.seed.invoices(1, { customer: customer.id, lines: 1 + (i % 3) });
  }
  for (let i = 0; i < SEED.payments; i++) {
    const customer = customers[(i * 11) % customers.length]!;
    stripe.seed.payments(1, { customer: customer.id, amount: 1500 + i * 25 });
  }
}

function seedQuickBooks(qbo: FakeQuickBooks): void {
  const names = ['Rivera Plumbing', 'Okafor Bakery', 'Lindqvist Design', 'Tanaka Imports', 'Moreau Legal'];
  qbo.seed.customers(SEED.qboOnlyCustomers, (i) => ({
    DisplayName: names[i % names.length],
    GivenName: names[i % names.length]!.split(' ')[0],
    FamilyName: names[i % names.length]!.split(' ')[1],
    PrimaryEmailAddr: { Address: `billing@${names[i % names.length]!.split(' ')[0]!.toLowerCase()}.example` },
  }));
  qbo.seed.items(1, () => ({ Name: 'Stripe sales', Description: 'Sales collected through Stripe' }));
}

function restoreStripe(stripe: FakeStripe, s: Snapshot['stripe']): void {
  const account = stripe.state.account();
  account.collections.clear();
  for (const [resource, objects] of Object.entries(s.collections))
    account.collections.set(resource, new Map(objects.map((o) => [o.id, o])));
  account.tombstones.clear();
  for (const [id, t] of s.tombstones) account.tombstones.set(id, t);
  account.events.splice(0, account.events.length, ...s.events);
}

function restoreQuickBooks(qbo: FakeQuickBooks, s: Snapshot['qbo']): void {
  const company = qbo.company();
  let maxId = 0;
  for (const [entity, rows] of Object.entries(s.records)) {
    const table = company.table(entity);
    table.clear();
    for (const r of rows) {
      table.set(r.Id, r);
      maxId = Math.max(maxId, Number(r.Id));
    }
  }
  for (const [entity, rows] of Object.entries(s.tombstones)) {
    const table = company.tombstones.get(entity)!;
    table.clear();
    for (const t of rows) {
      table.set(t.id, { id: t.id, at: new Date(t.at) });
      maxId = Math.max(maxId, Number(t.id));
    }
  }
  // The fake has no restore API: its id counter is private, so it is set here to continue after
  // the restored records (see the example's README, "How the demo keeps the fakes' state").
  (company as unknown as { nextId: number }).nextId = maxId + 1;
  qbo.clock.set(new Date(Math.max(Date.parse(s.clock), Date.now())));
}

/** Starts both fakes on loopback ports, restored from `<dataDir>/fakes.json` or freshly seeded. */
export async function startFakeWorld(
  dataDir: string,
  use: { stripe: boolean; run: number },
): Promise<FakeWorld> {
  const file = join(dataDir, 'fakes.json');
  // The fake Stripe follows the real clock (webhook signatures are checked against it).
  const stripe = createFakeStripe({ apiKeys: [FAKE_STRIPE_KEY], now: () => new Date() });
  const qbo = createFakeQuickBooks({ now: new Date(), oauth: FAKE_QBO_CLIENT });
  const restored = existsSync(file);
  let restoredRun: number | null = null;
  if (restored) {
    const snapshot = JSON.parse(await readFile(file, 'utf8')) as Snapshot;
    restoredRun = snapshot.run;
    restoreStripe(stripe, snapshot.stripe);
    restoreQuickBooks(qbo, snapshot.qbo);
  } else {
    seedStripe(stripe);
    seedQuickBooks(qbo);
  }
  const item = qbo.records('Item').find((r) => r.Name === 'Stripe sales');
  if (!item) throw new Error(`fake QuickBooks has no "Stripe sales" item; delete ${dataDir} and run again`);
  const [stripeServer, qboServer] = await Promise.all([stripe.listen(), qbo.listen()]);
  return {
    stripe,
    qbo,
    stripeServer,
    qboServer,
    restored,
    restoredRun,
    stripeSeeded: use.stripe,
    qboItemId: item.Id,
    async save() {
      const account = stripe.state.account();
      const company = qbo.company();
      const snapshot: Snapshot = {
        version: 1,
        run: use.run,
        stripe: {
          collections: Object.fromEntries(
            [...account.collections].map(([resource, objects]) => [resource, [...objects.values()]]),
          ),
          tombstones: [...account.tombstones],
          events: account.events,
        },
        qbo: {
          clock: qbo.clock.now().toISOString(),
          records: Object.fromEntries([...company.records].map(([e, t]) => [e, [...t.values()]])),
          tombstones: Object.fromEntries(
            [...company.tombstones].map(([e, t]) => [
              e,
              [...t.values()].map((x) => ({ id: x.id, at: x.at.toISOString() })),
            ]),
          ),
        },
      };
      // Written to a temporary file and renamed, so an interrupted save never leaves half a file.
      await writeFile(`${file}.tmp`, JSON.stringify(snapshot));
      await rename(`${file}.tmp`, file);
    },
    async close() {
      await Promise.all([stripeServer.close(), qboServer.close()]);
    },
  };
}
