import { type KeyedMutex, keyedMutex } from './driver/keyed-mutex.js';
import type { SqlDriver } from './driver/sql-client.js';
import { toStorageError } from './errors.js';

/** `withLock` and `tryWithLock` of the adapter. */
export interface Locks {
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
  tryWithLock<T>(
    key: string,
    fn: () => Promise<T>,
  ): Promise<{ acquired: true; value: T } | { acquired: false }>;
}

const LOCK = 'SELECT pg_advisory_lock(hashtextextended($1, 0)) IS NOT NULL AS ok';
const TRY_LOCK = 'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok';
const UNLOCK = 'SELECT pg_advisory_unlock(hashtextextended($1, 0))';

/** One in-process mutex per client object, so two adapters over the same pool or PGlite exclude each other. */
const mutexes = new WeakMap<object, KeyedMutex>();
function mutexFor(client: object): KeyedMutex {
  let mutex = mutexes.get(client);
  if (!mutex) {
    mutex = keyedMutex();
    mutexes.set(client, mutex);
  }
  return mutex;
}

/**
 * Locks that exclude across processes on a shared server and within this process everywhere.
 *
 * An in-process mutex is taken first, then (on pg) a session-level advisory lock on a dedicated
 * connection, keyed by `hashtextextended(namespace:key, 0)`. The in-process step matters twice:
 * waiters in this process do not each hold a pool connection (which could starve the holder of
 * connections and deadlock), and on PGlite, a single session where advisory locks are
 * re-entrant, it is the whole lock.
 */
export function createLocks(driver: SqlDriver, client: object, namespace: string): Locks {
  const local = mutexFor(client);
  const session = driver.session;
  const lockId = (key: string) => `${namespace}:${key}`;

  /**
   * Runs `fn` holding the advisory lock; `undefined` when `wait` is false and the lock is taken.
   * `fn`'s own error is carried out of the session as a value, so that the session (and its
   * connection) is discarded only when locking or unlocking failed; discarding ends the session,
   * which makes the server release whatever it held.
   */
  const holdAdvisory = async <T>(
    key: string,
    wait: boolean,
    fn: () => Promise<T>,
  ): Promise<{ value: T } | undefined> => {
    if (!session) return { value: await fn() };
    const id = lockId(key);
    let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
    try {
      outcome = await session(async (client) => {
        const { rows } = await client.query<{ ok: boolean }>(wait ? LOCK : TRY_LOCK, [id]);
        if (rows[0]?.ok !== true) return undefined;
        let result: { ok: true; value: T } | { ok: false; error: unknown };
        try {
          result = { ok: true, value: await fn() };
        } catch (error) {
          result = { ok: false, error };
        }
        await client.query(UNLOCK, [id]);
        return result;
      });
    } catch (error) {
      throw toStorageError(error, { operation: wait ? 'withLock' : 'tryWithLock' });
    }
    if (outcome === undefined) return undefined;
    if (!outcome.ok) throw outcome.error;
    return { value: outcome.value };
  };

  return {
    withLock: (key, fn) => local.run(lockId(key), async () => (await holdAdvisory(key, true, fn))!.value),
    async tryWithLock(key, fn) {
      const outcome = await local.tryRun(lockId(key), () => holdAdvisory(key, false, fn));
      const held = outcome?.value;
      return held ? { acquired: true, value: held.value } : { acquired: false };
    },
  };
}
