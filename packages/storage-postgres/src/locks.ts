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

  const holdAdvisory = async <T>(key: string, wait: boolean, fn: () => Promise<T>) => {
    if (!session) return { value: await fn() };
    const operation = wait ? 'withLock' : 'tryWithLock';
    // Errors of `fn` pass through untouched; connecting, locking and unlocking become typed.
    let thrownByFn = false;
    try {
      return await session(async (client) => {
        const { rows } = await client.query<{ ok: boolean }>(
          wait
            ? 'SELECT pg_advisory_lock(hashtextextended($1, 0)) IS NOT NULL AS ok'
            : 'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok',
          [lockId(key)],
        );
        if (rows[0]?.ok !== true) return undefined;
        let value: T;
        try {
          value = await fn();
        } catch (error) {
          thrownByFn = true;
          // Unlock before rethrowing; if that fails too, the driver discards the session
          // (ending it releases the lock), and the caller still sees its own error.
          await client.query(UNLOCK, [lockId(key)]).catch(() => undefined);
          throw error;
        }
        // A failed unlock throws: the driver then discards the session, which releases the lock.
        await client.query(UNLOCK, [lockId(key)]);
        return { value };
      });
    } catch (error) {
      throw thrownByFn ? error : toStorageError(error, { operation });
    }
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
