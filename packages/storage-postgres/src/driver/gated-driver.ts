import type { SqlDriver } from './sql-client.js';

/**
 * A driver whose first statement waits for `prepare()` (e.g. migrations) to finish. A failed
 * `prepare` is not remembered: the next statement tries again, so a database that was down at
 * start-up does not leave the adapter broken for good.
 */
export function gatedDriver(driver: SqlDriver, prepare: () => Promise<unknown>): SqlDriver {
  let ready: Promise<unknown> | undefined;
  const gate = async () => {
    ready ??= prepare().catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    await ready;
  };
  return {
    kind: driver.kind,
    async query(text, params) {
      await gate();
      return driver.query(text, params);
    },
    async exec(script) {
      await gate();
      return driver.exec(script);
    },
    async transaction(fn) {
      await gate();
      return driver.transaction(fn);
    },
    session: driver.session,
  };
}
