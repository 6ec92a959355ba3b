export { createHttpClient, type HttpAuth, type HttpClientOptions } from './create-http-client.js';
export type { ErrorResponse, HttpClient, HttpRequest, HttpResponse, QueryValue } from './http-client.js';
export { defaultMapError, type ProviderErrorSummary, summarizeErrorBody } from './map-error.js';
export { createRateLimiterRegistry, type RateLimiterRegistry } from './rate-limiter.js';
export { parseRetryAfter, type RetryOptions } from './retry.js';
