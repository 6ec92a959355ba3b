import type { SyncLog } from '@syncbridge/core';
import type { App } from './app.js';
import type { Connections } from './connect.js';

export interface Totals {
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  conflicts: number;
}

const zero = (): Totals => ({ created: 0, updated: 0, skipped: 0, failed: 0, conflicts: 0 });

/** Sums this process's sync logs (runs and webhook applies) per sync config. */
export async function totalsSince(
  app: App,
  c: Connections,
  since: Date,
  conflicts: ReadonlyMap<string, number>,
): Promise<{ rows: [string, Totals][]; logs: SyncLog[] }> {
  const logs = [
    ...(await app.bridge.sync.history(c.stripe.id, { limit: 200 })),
    ...(await app.bridge.sync.history(c.quickbooks.id, { limit: 200 })),
  ].filter((l) => l.startedAt.getTime() >= since.getTime());
  const rows = c.configs.map(({ label, id }): [string, Totals] => {
    const t = zero();
    for (const l of logs.filter((x) => x.syncConfigId === id)) {
      t.created += l.recordsCreated;
      t.updated += l.recordsUpdated;
      t.skipped += l.recordsSkipped;
      t.failed += l.recordsFailed;
    }
    t.conflicts = conflicts.get(id) ?? 0;
    return [label, t];
  });
  // A webhook delivery that touched several entities is applied under one log with no single config.
  const mixed = logs.filter((l) => l.syncConfigId === null);
  if (mixed.length) {
    const t = zero();
    for (const l of mixed) {
      t.created += l.recordsCreated;
      t.updated += l.recordsUpdated;
      t.skipped += l.recordsSkipped;
      t.failed += l.recordsFailed;
    }
    rows.push(['QuickBooks webhooks (mixed)', t]);
  }
  return { rows, logs };
}

/** The summary table, as plain text. */
export function renderTable(rows: [string, Totals][]): string {
  const head = ['', 'created', 'updated', 'skipped', 'failed', 'conflicts'];
  const body = rows.map(([label, t]) => [label, t.created, t.updated, t.skipped, t.failed, t.conflicts]);
  const sum = rows.reduce((a, [, t]) => {
    for (const k of Object.keys(a) as (keyof Totals)[]) a[k] += t[k];
    return a;
  }, zero());
  body.push(['total', sum.created, sum.updated, sum.skipped, sum.failed, sum.conflicts]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => String(r[i]).length)));
  const line = (cells: (string | number)[]) =>
    `  ${cells.map((v, i) => (i === 0 ? String(v).padEnd(widths[i]!) : String(v).padStart(widths[i]!))).join('  ')}`;
  const rule = `  ${widths.map((w) => '─'.repeat(w)).join('  ')}`;
  return [line(head), rule, ...body.slice(0, -1).map(line), rule, line(body.at(-1)!)].join('\n');
}

/** Row counts of what the demo keeps in PGlite. */
export async function storedCounts(app: App): Promise<string> {
  const local = await app.db.query<{ entity: string; n: number }>(
    'SELECT entity, count(*)::int AS n FROM syncbridge.local_records WHERE NOT deleted GROUP BY entity ORDER BY entity',
  );
  const links = await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM syncbridge.sync_records');
  const logs = await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM syncbridge.sync_logs');
  return `${local.rows.map((r) => `${r.n} ${r.entity}s`).join(', ')}; ${links.rows[0]!.n} links; ${logs.rows[0]!.n} sync logs`;
}
