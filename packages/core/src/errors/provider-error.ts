import { errorGuard, SyncBridgeError, type SyncBridgeErrorOptions } from './syncbridge-error.js';

/** What a provider error says about the request, with no headers, body or secrets. */
export interface ProviderErrorDetails {
  readonly provider: string;
  /** HTTP status, or undefined for a failure before a response (network, timeout). */
  readonly status?: number;
  /** The provider's own code, e.g. QuickBooks `6240`, Stripe `resource_missing`. */
  readonly providerCode?: string;
  /** The provider's own message, as it gave it. */
  readonly providerMessage?: string;
  /** The field the provider blamed (Stripe `param`, QuickBooks `element`). */
  readonly field?: string;
  readonly method?: string;
  /** The request path, without query string values that could carry secrets. */
  readonly path?: string;
  /** True when a retry may succeed (5xx, network, provider said so). */
  readonly retryable?: boolean;
}

/**
 * A provider answered with an error (or did not answer). The message names provider, method,
 * path and status; the provider's code and text are kept as fields.
 */
export class ProviderError extends SyncBridgeError {
  override name = 'ProviderError';
  readonly provider: string;
  readonly status: number | undefined;
  readonly providerCode: string | undefined;
  readonly providerMessage: string | undefined;
  readonly field: string | undefined;
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly retryable: boolean;

  constructor(message: string, details: ProviderErrorDetails, options: SyncBridgeErrorOptions = {}) {
    super(message, { ...options, defaultCode: 'PROVIDER_ERROR' });
    this.provider = details.provider;
    this.status = details.status;
    this.providerCode = details.providerCode;
    this.providerMessage = details.providerMessage;
    this.field = details.field;
    this.method = details.method;
    this.path = details.path;
    this.retryable = details.retryable ?? false;
  }
}

export const isProviderError = errorGuard(ProviderError, 'ProviderError');
