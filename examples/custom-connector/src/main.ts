/**
 * A connector for a made-up REST API ("Acme CRM"), synced with createSyncBridge:
 *
 *   pnpm --dir examples/custom-connector start
 *
 * src/acme-connector.ts is the connector, src/acme-api.ts the fake API it talks to over loopback
 * HTTP, test/acme-connector.test.ts runs SyncBridge's connector contract suite against it.
 */
import { runExample } from './sync-example.js';

runExample((line) => process.stdout.write(`${line}\n`))
  .then(({ acme }) => {
    process.stdout.write(`\nAcme now holds:\n`);
    for (const c of acme) process.stdout.write(`  #${c.id} ${c.name} <${c.email}> ${c.company ?? ''}\n`);
  })
  .catch((error: unknown) => {
    process.stderr.write(`custom-connector example failed: ${(error as Error).message}\n`);
    process.exitCode = 1;
  });
