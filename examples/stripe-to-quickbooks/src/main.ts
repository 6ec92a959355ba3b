/**
 * SyncBridge's main example: Stripe → your app → QuickBooks Online, two-way with QuickBooks.
 *
 *   pnpm install && pnpm demo
 *
 * No credentials, no server, no network: Stripe and QuickBooks are faithful fakes on loopback
 * ports and the app's database is PGlite in ./.data. Run it again and it resumes from what it
 * stored. With STRIPE_API_KEY and/or QBO_CLIENT_ID + QBO_CLIENT_SECRET set it talks to the real
 * sandboxes instead (see README.md).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type App, createApp } from './app.js';
import { type Connections, connectAll } from './connect.js';
import { type FakeWorld, startFakeWorld } from './fake-world.js';
import { trackProgress } from './progress.js';
import { concurrentEdits, deliverQuickBooksWebhooks, webhookEdit } from './scenarios.js';
import { DATA_DIR, encryptionKey, readSettings } from './settings.js';
import { renderTable, storedCounts, totalsSince } from './summary.js';
import { startWebhookServer, type WebhookServer } from './webhook-server.js';

const say = (line = '') => process.stdout.write(`${line}\n`);
let interrupted = false;
/** Thrown between steps after Ctrl-C; the demo then closes cleanly and the next run resumes. */
const stopIfInterrupted = () => {
  if (interrupted)
    throw Object.assign(new Error('interrupted; run `pnpm demo` again to resume'), { code: 'INTERRUPTED' });
};
const step = (n: number, title: string) => say(`\n${n}. ${title}`);

async function runNumber(): Promise<number> {
  const file = join(DATA_DIR, 'runs');
  const previous = Number((await readFile(file, 'utf8').catch(() => '0')).trim()) || 0;
  await writeFile(file, String(previous + 1));
  return previous + 1;
}

async function syncEverything(app: App, world: FakeWorld | null, c: Connections, first: boolean) {
  // The bars' totals: the demo knows what it seeded into the fake Stripe (Stripe's lists report no total).
  const expected: Record<string, number | undefined> = world?.stripeSeeded
    ? {
        [c.configs[0]!.id]: world.stripe.state.list('customers').length,
        [c.configs[1]!.id]: world.stripe.state.list('invoices').length,
        [c.configs[2]!.id]: world.stripe.state.list('payment_intents').length,
      }
    : {};
  for (const config of c.configs) {
    // Invoices and payments name their customer by QuickBooks Id: load the customer links first.
    if (config.label.includes('QuickBooks invoices')) await app.refs.load(c.configs[3]!.id);
    const bar = trackProgress(app.bridge, config.id, config.label, first ? expected[config.id] : undefined);
    const log = await app.bridge.sync.run(config.integrationId, {
      type: first ? 'full' : 'incremental',
      syncConfigIds: [config.id],
      triggeredBy: 'demo',
    });
    bar.done(log.recordsProcessed);
    stopIfInterrupted();
    if (log.status !== 'completed')
      say(`    ${log.status}: ${log.errorMessage ?? `${log.recordsFailed} records failed`}`);
    for (const e of log.errors.slice(0, 3)) say(`    failed ${e.localId ?? e.remoteId}: ${e.message}`);
  }
}

async function main() {
  const started = new Date();
  const settings = readSettings();
  await mkdir(DATA_DIR, { recursive: true });
  const run = await runNumber();
  const usesFakes = settings.stripe.mode === 'fake' || settings.quickbooks.mode === 'fake';
  say('SyncBridge demo: Stripe → your app → QuickBooks Online');
  say(`  Stripe: ${settings.stripe.mode === 'fake' ? 'fake on loopback' : 'REAL (test mode key)'}`);
  say(`  QuickBooks: ${settings.quickbooks.mode === 'fake' ? 'fake on loopback' : 'REAL (Intuit sandbox)'}`);
  say(`  data: ${DATA_DIR} (run #${run}${run > 1 ? ', resuming from stored state' : ', first run'})`);

  let world: FakeWorld | null = null;
  let app: App | null = null;
  let server: WebhookServer | null = null;
  // Ctrl-C: let running syncs finish their page (checkpoints committed), then save and exit.
  // (A terminal's Ctrl-C can arrive twice: directly and relayed by tsx.)
  process.on('SIGINT', () => {
    if (interrupted) return;
    interrupted = true;
    say('\n  interrupted: stopping after the current page, then saving state…');
    void app?.bridge.sync.stop();
  });
  const conflicts = new Map<string, number>();
  try {
    if (usesFakes) {
      world = await startFakeWorld(DATA_DIR, { stripe: settings.stripe.mode === 'fake', run });
      // The database and the fakes' state are saved separately; a run killed before saving leaves them apart.
      if (existsSync(join(DATA_DIR, 'pglite')) && world.restoredRun !== run - 1)
        throw new Error(
          `${DATA_DIR} holds a database from run #${run - 1} but the fakes' state is ${world.restoredRun === null ? 'missing' : `from run #${world.restoredRun}`} (a run was killed before saving it). Start over: rm -rf ${DATA_DIR}`,
        );
      say(
        `  fakes: Stripe ${world.stripeServer.url}, QuickBooks ${world.qboServer.url} (${world.restored ? 'restored' : 'seeded'})`,
      );
    }
    const qboPort =
      settings.quickbooks.mode === 'real' ? Number(new URL(settings.quickbooks.redirectUri).port || 80) : 0;
    app = await createApp({
      dataDir: DATA_DIR,
      settings,
      world,
      encryptionKey: await encryptionKey(),
      qboRedirectUri: 'http://localhost:3000/oauth/quickbooks/callback',
    });
    app.bridge.on(
      'conflict.detected',
      (e) => void conflicts.set(e.syncConfigId, (conflicts.get(e.syncConfigId) ?? 0) + 1),
    );
    server = await startWebhookServer(app.bridge, qboPort || settings.webhookPort);

    stopIfInterrupted();
    step(1, 'Connect (Stripe: API key; QuickBooks: OAuth 2.0 authorize → consent → callback)');
    const c = await connectAll(app, settings, server, say);
    say(
      `  Stripe ${c.stripe.status}; QuickBooks ${c.quickbooks.status}, realm ${c.quickbooks.config.realmId}`,
    );
    say(`  webhook receiver: ${server.url}/webhooks/:provider (signing secrets stored encrypted)`);

    const first = run === 1;
    step(
      2,
      first ? 'Full sync: Stripe → app → QuickBooks' : 'Incremental sync: resume from the stored checkpoints',
    );
    await syncEverything(app, world, c, first);

    if (world && settings.quickbooks.mode === 'fake') {
      const echo = await deliverQuickBooksWebhooks(app, world, server);
      if (echo.events > 0) {
        say(`  QuickBooks sends webhooks for the records written so far: ${echo.summary}`);
        say(
          '  (each record is re-read and matches its stored base, mostly our own writes: nothing to apply)',
        );
      }
      stopIfInterrupted();
      step(3, 'An edit in QuickBooks arrives by webhook');
      await webhookEdit(app, world, c, server, say, run);
      stopIfInterrupted();
      step(4, 'Concurrent edits in the app and in QuickBooks');
      await concurrentEdits(app, world, c, say, run);
    } else say('\n3–4. Edit scenarios skipped: they edit the fake QuickBooks directly.');

    stopIfInterrupted();
    step(5, `Summary of this run (${((Date.now() - started.getTime()) / 1000).toFixed(1)} s)`);
    const { rows, logs } = await totalsSince(app, c, started, conflicts);
    say(renderTable(rows));
    say(`\n  Where the data lives (${DATA_DIR}):`);
    say(
      `    pglite/          PostgreSQL (PGlite): SyncBridge's tables and your app's records, schema "syncbridge"`,
    );
    say(`                     now: ${await storedCounts(app)}`);
    if (world)
      say('    fakes.json       the fake Stripe account and QuickBooks company, restored on the next run');
    say('    encryption-key   the key credentials are encrypted with (use a secret manager in production)');
    say(`\n  Run \`pnpm demo\` again: it resumes incrementally. Start over: rm -rf ${DATA_DIR}`);
    const bad = logs.filter((l) => l.status === 'failed' || l.recordsFailed > 0);
    if (bad.length) {
      say(`\n  ${bad.length} sync logs report failures (see above).`);
      process.exitCode = 1;
    }
  } finally {
    await server?.close();
    await app?.close();
    await world?.save();
    await world?.close();
  }
}

main().catch((error: unknown) => {
  if (interrupted) {
    process.stderr.write('\nstopped; state saved. Run `pnpm demo` again to resume.\n');
    process.exitCode = 130;
    return;
  }
  const e = error as { name?: string; code?: string; message?: string };
  process.stderr.write(
    `\ndemo failed: ${e.name ?? 'Error'}${e.code ? ` [${e.code}]` : ''}: ${e.message ?? String(error)}\n`,
  );
  process.exitCode = 1;
});
