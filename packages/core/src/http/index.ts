export type { ErrorResponse, HttpClient, HttpRequest, HttpResponse, QueryValue } from './http-client.js';
