import { errorGuard, SyncBridgeError, type SyncBridgeErrorOptions } from './syncbridge-error.js';

/** A record that was asked for by id does not exist (in storage or at the provider). */
export class NotFoundError extends SyncBridgeError {
  override name = 'NotFoundError';
  readonly resource: string;
  readonly id: string | undefined;

  constructor(message: string, options: SyncBridgeErrorOptions & { resource: string; id?: string }) {
    super(message, { ...options, defaultCode: 'NOT_FOUND' });
    this.resource = options.resource;
    this.id = options.id;
  }
}

export const isNotFoundError = errorGuard(NotFoundError, 'NotFoundError');
