import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function start(env: Record<string, string | undefined>) {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete merged[k];
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=dev-source', 'src/main.ts'], {
    cwd: root,
    env: merged,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

describe('the postgres-server example', () => {
  it('says how to fix a missing DATABASE_URL and exits 1', () => {
    const run = start({ DATABASE_URL: undefined });
    expect(run.status).toBe(1);
    expect(run.out).toContain('DATABASE_URL is not set');
  });

  it('names an unreachable server without printing its password', () => {
    const run = start({ DATABASE_URL: 'postgres://postgres:hunter2@127.0.0.1:1/nowhere' });
    expect(run.status).toBe(1);
    expect(run.out).toContain('cannot reach PostgreSQL at postgres://postgres:***@127.0.0.1:1/nowhere');
    expect(run.out).not.toContain('hunter2');
  });

  // Needs a server: CI sets DATABASE_URL (see .ci/run).
  it.skipIf(!process.env.DATABASE_URL)(
    'syncs with two workers on one database without writing anything twice',
    () => {
      const schema = `sb_example_${process.pid}`;
      const run = start({ SYNCBRIDGE_SCHEMA: schema });
      expect(run.status, run.out).toBe(0);
      expect(run.out).toMatch(/local_records\s+301/);
      expect(run.out).toContain('nowhere (encrypted at rest)');
      spawnSync('psql', [process.env.DATABASE_URL!, '-qc', `DROP SCHEMA IF EXISTS ${schema} CASCADE`]);
    },
    60_000,
  );
});
