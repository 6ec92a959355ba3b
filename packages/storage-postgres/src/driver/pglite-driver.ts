import type { PGliteLike, PGliteTransactionLike, SqlClient, SqlDriver, SqlResult } from './sql-client.js';

const clientOf = (c: PGliteTransactionLike): SqlClient => ({
  async query<R>(text: string, params: readonly unknown[] = []): Promise<SqlResult<R>> {
    const result = await c.query(text, params as unknown[]);
    return { rows: result.rows as R[], rowCount: result.affectedRows ?? result.rows.length };
  },
  async exec(script) {
    await c.exec(script);
  },
});

/**
 * A driver over a PGlite instance: a single connection. PGlite's own `transaction()` holds its
 * transaction mutex, so statements from outside (ours or the host's) wait instead of running
 * inside the transaction. There are no sessions: advisory locks would be re-entrant in one
 * session, so locks are taken in process only (PGlite lives in one process anyway).
 */
export function pgliteDriver(db: PGliteLike): SqlDriver {
  return {
    kind: 'pglite',
    ...clientOf(db),
    transaction: (fn) => db.transaction((tx) => fn(clientOf(tx))),
    session: undefined,
  };
}
