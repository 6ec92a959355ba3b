/**
 * The small structural interfaces SyncBridge talks to Postgres through. The host hands in its
 * own client (`pg.Pool` or a PGlite instance); nothing here names the vendors' types, so any
 * client with these methods works (and a duplicated install of `pg` cannot break the types).
 */

/** What one statement returns. `rowCount` is the number of rows the statement touched or returned. */
export interface SqlResult<R> {
  readonly rows: R[];
  readonly rowCount: number;
}

/** One place statements can be sent: the pool, a dedicated connection or an open transaction. */
export interface SqlClient {
  /** Runs one statement with `$1…$n` parameters (never interpolated into the text). */
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<SqlResult<R>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

/**
 * A database as the adapter needs it: statements, transactions on one connection, and (when
 * the database is shared between processes) dedicated sessions for advisory locks.
 */
export interface SqlDriver extends SqlClient {
  /** `pg` or `pglite`, for messages. */
  readonly kind: 'pg' | 'pglite';
  /**
   * Runs `fn` inside BEGIN … COMMIT on one connection; rolls back and rethrows when `fn` throws.
   * Nothing from outside `fn` runs inside the transaction.
   */
  transaction<T>(fn: (client: SqlClient) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` on one dedicated connection outside any transaction (session-level advisory
   * locks live there). Undefined for a single-connection database (PGlite), where locks are
   * taken in process only.
   */
  readonly session: (<T>(fn: (client: SqlClient) => Promise<T>) => Promise<T>) | undefined;
}

/**
 * Structural type of a `pg.Pool` (or anything shaped like it): what `postgresStorage({ pool })` needs.
 *
 * ```ts
 * import pg from 'pg';
 * const pool: PgPoolLike = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * ```
 */
export interface PgPoolLike {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
  connect(): Promise<PgPoolClientLike>;
}

/**
 * Structural type of a `pg.PoolClient`, as returned by `pool.connect()`.
 *
 * ```ts
 * const client: PgPoolClientLike = await pool.connect();
 * client.release();
 * ```
 */
export interface PgPoolClientLike {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
  /** `release(true)` or `release(error)` destroys the connection instead of returning it. */
  release(destroy?: boolean | Error): void;
}

/**
 * What PGlite returns from `query`.
 *
 * ```ts
 * const { rows, affectedRows }: PGliteResultLike = await pglite.query('SELECT 1');
 * ```
 */
export interface PGliteResultLike {
  rows: unknown[];
  affectedRows?: number;
}

/**
 * The part of a PGlite transaction object the adapter uses.
 *
 * ```ts
 * await pglite.transaction(async (tx: PGliteTransactionLike) => tx.query('SELECT 1'));
 * ```
 */
export interface PGliteTransactionLike {
  query(text: string, params?: unknown[]): Promise<PGliteResultLike>;
  exec(script: string): Promise<unknown>;
}

/**
 * Structural type of an `@electric-sql/pglite` instance: what `postgresStorage({ pglite })` needs.
 *
 * ```ts
 * import { PGlite } from '@electric-sql/pglite';
 * const pglite: PGliteLike = await PGlite.create();
 * ```
 */
export interface PGliteLike extends PGliteTransactionLike {
  transaction<T>(fn: (tx: PGliteTransactionLike) => Promise<T>): Promise<T>;
}
