import { errorGuard, SyncBridgeError, type SyncBridgeErrorOptions } from './syncbridge-error.js';

/** Why a storage operation failed, as far as the adapter can tell. */
export type StorageFailure = 'unique_violation' | 'connection' | 'serialization' | 'timeout' | 'unknown';

/**
 * A storage adapter failed. The message names the operation (`syncRecords.upsert`) and what
 * failed; SQL parameters are never echoed. Codes: `STORAGE_UNIQUE_VIOLATION`,
 * `STORAGE_CONNECTION`, `STORAGE_SERIALIZATION`, `STORAGE_TIMEOUT`, `STORAGE_ERROR`.
 */
export class StorageError extends SyncBridgeError {
  override name = 'StorageError';
  readonly failure: StorageFailure;
  readonly operation: string;

  constructor(
    message: string,
    options: SyncBridgeErrorOptions & { failure?: StorageFailure; operation: string },
  ) {
    const failure = options.failure ?? 'unknown';
    super(message, {
      ...options,
      defaultCode: failure === 'unknown' ? 'STORAGE_ERROR' : `STORAGE_${failure.toUpperCase()}`,
    });
    this.failure = failure;
    this.operation = options.operation;
  }
}

export const isStorageError = errorGuard(StorageError, 'StorageError');
