import { errorResponse, invalidRequest, StripeHttpError } from './errors.js';
import type { FormParams } from './form.js';
import type { AccountState, IdempotencyRecord } from './state.js';

/** Stripe may prune keys after 24 hours; the fake forgets them exactly then. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

function fingerprint(params: FormParams): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
          )
        : v;
  return JSON.stringify(sort(params));
}

export function pruneIdempotencyKeys(account: AccountState, nowSeconds: number): void {
  for (const [key, record] of account.idempotency) {
    if (record.createdAt < nowSeconds - IDEMPOTENCY_TTL_SECONDS) account.idempotency.delete(key);
  }
}

async function save(record: IdempotencyRecord, response: Response): Promise<void> {
  const body = await response.clone().text();
  const headers: [string, string][] = [];
  response.headers.forEach((value, name) => {
    headers.push([name, value]);
  });
  record.response = { status: response.status, body, headers };
}

/**
 * Runs a POST under an `Idempotency-Key` as Stripe does: the first response (status and body,
 * a 402 or 500 too) is saved and replayed (`Idempotent-Replayed: true`); the same key on another
 * endpoint or with other params is a 400 `idempotency_error`; while the first request runs, a 409.
 * A request rejected before the endpoint ran (validation) saves nothing, so the key stays free.
 */
export async function runIdempotent(input: {
  account: AccountState;
  key: string;
  method: string;
  path: string;
  params: FormParams;
  requestId: string;
  headers: Headers;
  nowSeconds: number;
  run: () => Response;
}): Promise<Response> {
  const { account, key, method, path, requestId, headers } = input;
  if (key.length > 255) {
    throw invalidRequest('Idempotency keys can be at most 255 characters long.', {
      param: 'Idempotency-Key',
    });
  }
  headers.set('idempotency-key', key);
  const print = fingerprint(input.params);
  const existing = account.idempotency.get(key);
  if (existing) {
    if (!existing.response) {
      throw new StripeHttpError(409, {
        type: 'idempotency_error',
        message: `There is currently another in-progress request using this idempotent key (that probably means you submitted twice, and the other request is still going through): ${key}. Please try again later.`,
      });
    }
    if (existing.method !== method || existing.path !== path) {
      throw new StripeHttpError(400, {
        type: 'idempotency_error',
        message: `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${existing.path}' vs '${path}'). Try using a key other than '${key}' if you meant to execute a different request.`,
      });
    }
    if (existing.fingerprint !== print) {
      throw new StripeHttpError(400, {
        type: 'idempotency_error',
        message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
      });
    }
    const replay = new Headers(existing.response.headers);
    replay.set('request-id', requestId);
    replay.set('idempotent-replayed', 'true');
    replay.set('original-request', existing.requestId);
    return new Response(existing.response.body, { status: existing.response.status, headers: replay });
  }
  const record: IdempotencyRecord = {
    method,
    path,
    fingerprint: print,
    createdAt: input.nowSeconds,
    requestId,
  };
  account.idempotency.set(key, record);
  try {
    const response = input.run();
    await save(record, response);
    return response;
  } catch (error) {
    if (error instanceof StripeHttpError && (error.status === 402 || error.status >= 500)) {
      const response = errorResponse(error, new Headers(headers));
      await save(record, response);
      return response;
    }
    account.idempotency.delete(key);
    throw error;
  }
}
