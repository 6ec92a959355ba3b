import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as core from '@syncbridge/core';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import * as connector from '../src/index.js';
import { createFakeStripe } from '../src/testing/index.js';

// The README's quick start, run as written against the fake Stripe over msw: only its imports are
// swapped for the modules themselves (the block must stay plain JavaScript-compatible TypeScript).
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => {
  server.resetHandlers();
  vi.unstubAllEnvs();
});
afterAll(() => server.close());

const MODULES: Record<string, Record<string, unknown>> = {
  '@syncbridge/core': core,
  '@syncbridge/connector-stripe': connector,
};

function quickStart(): { code: string; bindings: Record<string, unknown> } {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const block = /## Quick start\n\n```ts\n([\s\S]*?)\n```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no quick start block');
  const bindings: Record<string, unknown> = {};
  const code = block.replace(/^import \{([^}]+)\} from '([^']+)';$/gm, (_, names: string, from: string) => {
    const module = MODULES[from];
    if (!module) throw new Error(`README imports ${from}`);
    for (const name of names.split(',').map((n) => n.trim())) {
      if (!(name in module)) throw new Error(`${from} has no export ${name}`);
      bindings[name] = module[name];
    }
    return '';
  });
  return { code, bindings };
}

it('runs the README quick start: backfills Stripe customers and creates a host customer at Stripe once', async () => {
  const fake = createFakeStripe({ apiKeys: ['sk_test_readme'] });
  fake.seed.customers(3);
  server.use(...(await fake.handlers()));
  vi.stubEnv('SYNCBRIDGE_KEY', randomBytes(32).toString('base64'));
  vi.stubEnv('STRIPE_KEY', 'sk_test_readme');
  const { code, bindings } = quickStart();
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...values: unknown[]) => Promise<Record<string, unknown>>;
  const run = new AsyncFunction(...Object.keys(bindings), `${code}\nreturn { bridge, customers, log };`);
  const { bridge, customers, log } = (await run(...Object.values(bindings))) as {
    bridge: core.SyncBridge;
    customers: core.MemoryLocalStore;
    log: core.SyncLog;
  };
  expect(log).toMatchObject({ status: 'completed', recordsCreated: 3 });
  expect(customers.size).toBe(4);
  const atStripe = fake.state.list('customers');
  expect(atStripe).toHaveLength(4);
  expect(atStripe.filter((c) => c.name === 'Ada Lovelace')).toHaveLength(1);
  await bridge.close();
});
