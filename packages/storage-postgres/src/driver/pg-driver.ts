import type { PgPoolClientLike, PgPoolLike, SqlClient, SqlDriver, SqlResult } from './sql-client.js';

const clientOf = (c: PgPoolLike | PgPoolClientLike): SqlClient => ({
  async query<R>(text: string, params: readonly unknown[] = []): Promise<SqlResult<R>> {
    const result = await c.query(text, params as unknown[]);
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  },
  async exec(script) {
    // Without parameters pg uses the simple protocol, which runs several statements.
    await c.query(script);
  },
});

/** A checked-out client; `discard()` makes it be destroyed instead of going back to the pool. */
interface Lease {
  readonly client: PgPoolClientLike;
  discard(reason: unknown): void;
}

/**
 * A driver over a `pg.Pool`: statements go to the pool, transactions and sessions check out one
 * client and return it, or destroy it when it may be in a bad state (a failed ROLLBACK, a
 * failed advisory unlock), so neither an open transaction nor a session lock leaks into the pool.
 */
export function pgDriver(pool: PgPoolLike): SqlDriver {
  const lease = async <T>(fn: (lease: Lease) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      return await fn({
        client,
        discard: (reason) => {
          broken = reason instanceof Error ? reason : new Error('connection discarded');
        },
      });
    } finally {
      client.release(broken);
    }
  };
  return {
    kind: 'pg',
    ...clientOf(pool),
    transaction: (fn) =>
      lease(async ({ client, discard }) => {
        try {
          await client.query('BEGIN');
        } catch (error) {
          discard(error);
          throw error;
        }
        try {
          const value = await fn(clientOf(client));
          await client.query('COMMIT');
          return value;
        } catch (error) {
          // When ROLLBACK fails the connection is unusable; the server rolls back when it closes.
          await client.query('ROLLBACK').catch(discard);
          throw error;
        }
      }),
    session: (fn) =>
      lease(async ({ client, discard }) => {
        try {
          return await fn(clientOf(client));
        } catch (error) {
          // Whatever failed, the session may still hold a lock: ending it makes the server release it.
          discard(error);
          throw error;
        }
      }),
  };
}
