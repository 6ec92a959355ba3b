import { errorGuard, SyncBridgeError, type SyncBridgeErrorOptions } from './syncbridge-error.js';

/** One problem with a value, in the shape of zod's issues (path, message, code). */
export interface ValidationIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code?: string;
}

/**
 * A value did not fit its schema: input to a SyncBridge method, a record that misses required
 * fields, or a provider payload that does not have the documented shape (the request succeeded;
 * the data did not fit). `issues` carries every problem, zod-style.
 */
export class ValidationError extends SyncBridgeError {
  override name = 'ValidationError';
  readonly issues: readonly ValidationIssue[];

  constructor(
    message: string,
    options: SyncBridgeErrorOptions & { issues?: readonly ValidationIssue[] } = {},
  ) {
    super(message, { ...options, defaultCode: 'VALIDATION_FAILED' });
    this.issues = options.issues ?? [];
  }
}

export const isValidationError = errorGuard(ValidationError, 'ValidationError');
