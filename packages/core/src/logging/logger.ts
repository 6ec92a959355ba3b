/** Structured fields of a log line. Never put a token, key or secret in them. */
export type LogFields = Record<string, unknown>;

type LogMethod = (fields: LogFields, message?: string) => void;

/**
 * The logger SyncBridge writes to: the level methods of pino (and of most structured loggers),
 * called as `logger.info({ integrationId }, 'sync started')`. Silent unless you pass one.
 *
 * ```ts
 * import pino from 'pino';
 * createSyncBridge({ logger: pino(), ... });
 * ```
 */
export interface Logger {
  trace: LogMethod;
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
}

const noop = () => {};

/** A logger that drops everything: the default. */
export const silentLogger: Logger = Object.freeze({
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
});
