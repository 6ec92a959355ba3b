import { errorGuard, SyncBridgeError, type SyncBridgeErrorOptions } from './syncbridge-error.js';

/**
 * Authentication or authorisation failed: a rejected key, a refresh token the provider no longer
 * accepts (`invalid_grant`), an unknown or reused OAuth `state`. The message says whether to
 * reconnect. Codes include `AUTH_FAILED`, `AUTH_EXPIRED`, `AUTH_STATE_INVALID`, `AUTH_DENIED`.
 */
export class AuthError extends SyncBridgeError {
  override name = 'AuthError';
  /** The provider, when the error came from one. */
  readonly provider: string | undefined;

  constructor(message: string, options: SyncBridgeErrorOptions & { provider?: string } = {}) {
    super(message, { ...options, defaultCode: 'AUTH_FAILED' });
    this.provider = options.provider;
  }
}

export const isAuthError = errorGuard(AuthError, 'AuthError');
