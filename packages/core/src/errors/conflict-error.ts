import { errorGuard, SyncBridgeError, type SyncBridgeErrorOptions } from './syncbridge-error.js';

/**
 * A write lost a race: a stale version (QuickBooks 5010, HTTP 409, a checkpoint written with an
 * old version) or a record held for manual review. Codes: `STALE_VERSION`, `CONFLICT`.
 */
export class ConflictError extends SyncBridgeError {
  override name = 'ConflictError';

  constructor(message: string, options: SyncBridgeErrorOptions = {}) {
    super(message, { ...options, defaultCode: 'CONFLICT' });
  }
}

export const isConflictError = errorGuard(ConflictError, 'ConflictError');
