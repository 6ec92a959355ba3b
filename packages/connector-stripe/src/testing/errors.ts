/** Stripe's error types, as they appear in `error.type`. */
export type StripeErrorType = 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';

/** The body of a Stripe error: `{"error": {type, code, decline_code, message, param, doc_url}}`. */
export interface StripeErrorBody {
  type: StripeErrorType;
  message: string;
  code?: string;
  decline_code?: string;
  param?: string;
  doc_url?: string;
}

/** Thrown inside the fake to answer with Stripe's error envelope. */
export class StripeHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
  }
}

function docUrl(code: string): string {
  return `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}`;
}

/** 400 `invalid_request_error`, optionally with a `code` (and its doc_url) and the blamed `param`. */
export function invalidRequest(
  message: string,
  options: { code?: string; param?: string; status?: number } = {},
) {
  return new StripeHttpError(options.status ?? 400, {
    type: 'invalid_request_error',
    message,
    ...(options.code ? { code: options.code, doc_url: docUrl(options.code) } : {}),
    ...(options.param ? { param: options.param } : {}),
  });
}

/** `No such customer: 'cus_x'`: 404 for the object in the path, 400 for an id given as a parameter. */
export function resourceMissing(objectName: string, id: string, param = 'id'): StripeHttpError {
  return invalidRequest(`No such ${objectName.replace(/_/g, '')}: '${id}'`, {
    code: 'resource_missing',
    param,
    status: param === 'id' ? 404 : 400,
  });
}

export function parameterMissing(param: string): StripeHttpError {
  return invalidRequest(`Missing required param: ${param}.`, { code: 'parameter_missing', param });
}

export function unknownParameter(param: string): StripeHttpError {
  return invalidRequest(`Received unknown parameter: ${param}`, { code: 'parameter_unknown', param });
}

export function invalidParameter(param: string, message: string): StripeHttpError {
  return invalidRequest(message, { code: 'parameter_invalid_empty', param });
}

/** Stripe masks a rejected key to its prefix and last four characters. */
export function maskKey(key: string): string {
  const prefix = /^(sk|rk|pk)_(test|live)_/.exec(key)?.[0] ?? '';
  const tail = key.length > prefix.length + 4 ? key.slice(-4) : '';
  return `${prefix}${'*'.repeat(Math.max(0, key.length - prefix.length - tail.length))}${tail}`;
}

export function errorResponse(error: StripeHttpError, headers: Headers): Response {
  for (const [name, value] of Object.entries(error.headers)) headers.set(name, value);
  return new Response(JSON.stringify({ error: error.body }, null, 2), { status: error.status, headers });
}
