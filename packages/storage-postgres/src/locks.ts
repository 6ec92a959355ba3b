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
  const operation = 'withLock';

  const holdAdvisory = async <T>(key: string, wait: boolean, fn: () => Promise<T>) => {
    if (!session) return { value: await fn() };
    return session(async (client) => {
      let got: boolean;
      try {
        const { rows } = await client.query<{ ok: boolean }>(
          wait
            ? 'SELECT pg_advisory_lock(hashtextextended($1, 0)) IS NOT NULL AS ok'
            : 'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok',
          [lockId(key)],
        );
        got = rows[0]?.ok === true;
      } catch (error) {
        throw toStorageError(error, { operation: wait ? 'withLock' : 'tryWithLock' });
      }
      if (!got) return undefined;
      try {
        return { value: await fn() };
      } finally {
        try {
          await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [lockId(key)]);
        } catch (error) {
          // The session is discarded by the driver, which ends it and so releases the lock.
          // biome-ignore lint/correctness/noUnsafeFinally: a failed unlock must surface.
          throw toStorageError(error, { operation });
        }
      }
    });
  };

  return {
    withLock: (key, fn) =>
      local.run(key, async () => {
        const held = await holdAdvisory(key, true, fn);
        return held!.value;
      }),
    async tryWithLock(key, fn) {
      const outcome = await local.tryRun(key, () => holdAdvisory(key, false, fn));
      const held = outcome?.value;
      return held ? { acquired: true, value: held.value } : { acquired: false };
    },
  };
}
