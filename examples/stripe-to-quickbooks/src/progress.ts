import type { SyncBridge } from '@syncbridge/core';

const WIDTH = 28;
const tty = Boolean(process.stdout.isTTY) && !process.env.CI;

/**
 * A one-line progress bar per sync config, fed by `bridge.on('sync.progress')`. The total is the
 * connector's when it reports one, else the caller's estimate (the demo knows what it seeded),
 * else the bar just counts. Without a terminal (CI, pipes) only the final line is printed.
 */
export function trackProgress(bridge: SyncBridge, syncConfigId: string, label: string, expected?: number) {
  let processed = 0;
  let total = expected;
  const started = Date.now();
  const render = (final: boolean) => {
    const t = total && total >= processed ? total : undefined;
    const filled = t ? Math.round((processed / t) * WIDTH) : final ? WIDTH : processed % (WIDTH + 1);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}`;
    const count = t ? `${processed}/${t}` : `${processed}`;
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    return `  ${label.padEnd(28)} ${bar} ${count.padStart(9)} records  ${secs}s`;
  };
  const off = bridge.on('sync.progress', (e) => {
    if (e.syncConfigId !== syncConfigId) return;
    processed = e.processed;
    if (e.total !== undefined) total = e.total;
    if (tty) process.stdout.write(`\r${render(false)}`);
  });
  if (tty) process.stdout.write(render(false));
  return {
    /** Draws the final state with the run's own count of processed records. */
    done(finalProcessed: number) {
      off?.();
      processed = finalProcessed;
      if (total !== undefined && processed > total) total = processed;
      if (total === undefined || processed < total) total = processed;
      process.stdout.write(`${tty ? '\r' : ''}${render(true)}\n`);
    },
  };
}
