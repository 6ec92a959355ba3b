const BRAND = Symbol.for('@syncbridge/error');

/** Options every SyncBridge error accepts. */
export interface SyncBridgeErrorOptions {
  /** The error that caused this one; kept as the standard `cause`, never flattened into the message. */
  cause?: unknown;
  /** A more specific stable code than the class default, e.g. `STORAGE_UNIQUE_VIOLATION`. */
  code?: string;
}

/**
 * Base class of every error SyncBridge throws. `code` is stable and safe to branch on; `message`
 * names the operation, the target and how to fix it, and never contains a token, key or secret.
 *
 * ```ts
 * try { await bridge.sync.run(id) } catch (e) {
 *   if (isSyncBridgeError(e)) console.error(e.code, e.message)
 * }
 * ```
 */
export class SyncBridgeError extends Error {
  override name = 'SyncBridgeError';
  readonly code: string;
  readonly [BRAND] = true;

  constructor(message: string, options: SyncBridgeErrorOptions & { defaultCode?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code ?? options.defaultCode ?? 'SYNCBRIDGE_ERROR';
  }
}

/**
 * True for any SyncBridge error, also one thrown by a second copy of `@syncbridge/core`
 * (a duplicated install), where `instanceof` would fail.
 */
export function isSyncBridgeError(error: unknown): error is SyncBridgeError {
  return (
    error instanceof SyncBridgeError ||
    (typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true)
  );
}

/** Builds a type guard for one subclass that checks `instanceof` or, across copies, the `name`. */
export function errorGuard<T extends SyncBridgeError>(
  ctor: abstract new (...args: never[]) => T,
  name: string,
): (error: unknown) => error is T {
  return (error: unknown): error is T =>
    error instanceof ctor || (isSyncBridgeError(error) && (error as Error).name === name);
}
