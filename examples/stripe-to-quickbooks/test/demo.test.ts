import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SEED } from '../src/fake-world.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = mkdtempSync(join(tmpdir(), 'syncbridge-demo-'));

/** Runs the demo as a user does (a fresh process, the same data folder), without any provider credentials. */
function demo() {
  const env: NodeJS.ProcessEnv = { ...process.env, SYNCBRIDGE_DATA_DIR: dataDir, CI: '1' };
  for (const name of ['STRIPE_API_KEY', 'QBO_CLIENT_ID', 'QBO_CLIENT_SECRET', 'SYNCBRIDGE_ENCRYPTION_KEY'])
    delete env[name];
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=dev-source', 'src/main.ts'], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

function fakeCounts() {
  const snapshot = JSON.parse(readFileSync(join(dataDir, 'fakes.json'), 'utf8'));
  const qbo = snapshot.qbo.records as Record<string, unknown[]>;
  return { Customer: qbo.Customer!.length, Invoice: qbo.Invoice!.length, Payment: qbo.Payment!.length };
}

const expected = {
  Customer: SEED.customers + SEED.qboOnlyCustomers,
  Invoice: SEED.invoices,
  Payment: SEED.payments,
};

describe('the stripe-to-quickbooks demo', () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('copies every seeded record to QuickBooks once, merges one conflict and resolves another', () => {
    const first = demo();
    expect(first.out).toContain('Full sync');
    expect(first.status, first.out).toBe(0);
    expect(fakeCounts()).toEqual(expected);
    expect(first.out).toMatch(/2 conflicts detected/);
    expect(first.out).toContain("resolved with { take: 'local' }");
    expect(first.out).toMatch(/total\s+785\s+\d+\s+\d+\s+0\s+2/);
  }, 120_000);

  it('resumes on the second run without creating or duplicating anything', () => {
    const second = demo();
    expect(second.status, second.out).toBe(0);
    expect(second.out).toContain('Incremental sync');
    expect(second.out).toMatch(/total\s+0\s+\d+\s+\d+\s+0\s+2/);
    expect(fakeCounts()).toEqual(expected);
  }, 120_000);

  it('never prints a secret', () => {
    const key = readFileSync(join(dataDir, 'encryption-key'), 'utf8').trim();
    const third = demo();
    expect(third.status, third.out).toBe(0);
    for (const secret of [key, 'demo-client-secret', 'sk_test_SyncBridgeDemo0000', 'demo-verifier-token'])
      expect(third.out).not.toContain(secret);
  }, 120_000);
});
