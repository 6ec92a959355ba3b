/** A query string value; arrays repeat the key (`expand[]=a&expand[]=b` when the key ends in `[]`). */
export type QueryValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly (string | number | boolean)[];

/** One request a connector makes through its authenticated client. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Relative to the connector's base URL (`/v1/customers`), or absolute (token endpoints). */
  path: string;
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  /** A JSON body (sets `Content-Type: application/json`). */
  json?: unknown;
  /** A form body (`application/x-www-form-urlencoded`), already encoded or as flat pairs. */
  form?: string | Record<string, string>;
  /**
   * Marks the request as safe to retry even if it is a POST: the connector has put the key
   * where its provider reads it (Stripe `Idempotency-Key` header, QuickBooks `requestid`).
   */
  idempotencyKey?: string;
  /** `json` (default) parses the body; `text` keeps it as a string. */
  responseType?: 'json' | 'text';
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Headers;
  data: T;
}

/**
 * The authenticated, rate-limited, retrying HTTP client a connector gets in its context.
 * Errors are already mapped to SyncBridge's typed errors (through the connector's `mapError`)
 * and never contain credentials.
 */
export interface HttpClient {
  request<T = unknown>(request: HttpRequest): Promise<HttpResponse<T>>;
}

/** What `mapError` sees of a failed (or suspicious 2xx) response. The body is text; `json` is it parsed when it was JSON. */
export interface ErrorResponse {
  readonly provider: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
  readonly json: unknown;
}
