import { errorGuard, SyncBridgeError, type SyncBridgeErrorOptions } from './syncbridge-error.js';

/** The provider throttled us and retries ran out; `retryAfterMs` says when it will accept again. */
export class RateLimitError extends SyncBridgeError {
  override name = 'RateLimitError';
  readonly retryAfterMs: number | undefined;
  readonly provider: string | undefined;

  constructor(
    message: string,
    options: SyncBridgeErrorOptions & { retryAfterMs?: number; provider?: string } = {},
  ) {
    super(message, { ...options, defaultCode: 'RATE_LIMITED' });
    this.retryAfterMs = options.retryAfterMs;
    this.provider = options.provider;
  }
}

export const isRateLimitError = errorGuard(RateLimitError, 'RateLimitError');
