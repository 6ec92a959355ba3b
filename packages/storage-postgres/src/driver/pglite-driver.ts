import { AsyncLocalStorage } from 'node:async_hooks';
import { StorageError } from '@syncbridge/core';
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
 *
 * A statement on the instance itself from inside a transaction callback would wait for that
 * transaction to end, which waits for the callback: a deadlock. It is refused with an error
 * that says to use the transaction's stores instead.
 */
export function pgliteDriver(db: PGliteLike): SqlDriver {
  const insideTransaction = new AsyncLocalStorage<true>();
  const outer = clientOf(db);
  const refuseInsideTransaction = () => {
    if (insideTransaction.getStore()) {
      throw new StorageError(
        'transaction failed: a call on the storage itself was made inside storage.transaction(fn). On PGlite (one connection) it would wait for the transaction forever; use the `tx` stores passed to fn.',
        { operation: 'transaction' },
      );
    }
  };
  return {
    kind: 'pglite',
    query(text, params) {
      refuseInsideTransaction();
      return outer.query(text, params);
    },
    exec(script) {
      refuseInsideTransaction();
      return outer.exec(script);
    },
    transaction(fn) {
      refuseInsideTransaction();
      return db.transaction((tx) => insideTransaction.run(true, () => fn(clientOf(tx))));
    },
    session: undefined,
  };
}
