import { NotFoundError } from '../errors/not-found-error.js';
import { StorageError } from '../errors/storage-error.js';

/** The error every adapter throws when a write breaks a uniqueness rule. */
export function uniqueViolation(operation: string, rule: string): StorageError {
  return new StorageError(`${operation} failed: ${rule} already exists.`, {
    operation,
    failure: 'unique_violation',
  });
}

/** The error every adapter throws when an update names a row that does not exist. */
export function missingRow(operation: string, resource: string, id: string): NotFoundError {
  return new NotFoundError(`${operation} failed: no ${resource} with id "${id}".`, { resource, id });
}
