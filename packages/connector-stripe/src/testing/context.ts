import { resourceMissing } from './errors.js';
import type { FormParams } from './form.js';
import { type AccountState, collection, type StripeObject } from './state.js';

/** What a resource handler gets: the account it works in, the clock, ids and event emission. */
export interface FakeContext {
  readonly account: AccountState;
  /** `acct_…` when the request came with `Stripe-Account`. */
  readonly accountId: string | undefined;
  readonly livemode: boolean;
  /** The request's id and idempotency key, recorded on the events it causes (null for seeds). */
  readonly request: { id: string | null; idempotency_key: string | null };
  /** The fake clock, in unix seconds. */
  now(): number;
  newId(prefix: string): string;
  get(resource: string, id: string): StripeObject | undefined;
  /** The object or a `resource_missing` error for `param` (404 for the path id, 400 otherwise). */
  require(resource: string, objectName: string, id: string, param?: string): StripeObject;
  put(resource: string, object: StripeObject): void;
  emit(type: string, object: StripeObject, previous?: Record<string, unknown>): void;
}

/** One Stripe resource the fake serves under `/v1/<path>`. */
export interface ResourceSpec {
  readonly path: string;
  readonly object: string;
  readonly prefix: string;
  /** List filters besides limit/cursors/created/expand, compared with the field of the same name. */
  readonly listFilters?: readonly string[];
  /** False for objects Stripe sends no events for (balance transactions). */
  readonly events?: boolean;
  create?(ctx: FakeContext, params: FormParams): StripeObject;
  update?(ctx: FakeContext, current: StripeObject, params: FormParams): StripeObject;
  /** Checks a delete is allowed (throws otherwise); absent means no DELETE route. */
  remove?(ctx: FakeContext, current: StripeObject): void;
  /** POST /v1/<path>/:id/<action>: each emits its own events and returns the new object. */
  readonly actions?: Readonly<
    Record<string, (ctx: FakeContext, current: StripeObject, params: FormParams) => StripeObject>
  >;
  /** GET /v1/<path>/:id/<sub>: sub-lists such as invoice lines. */
  readonly subLists?: Readonly<Record<string, (current: StripeObject) => StripeObject[]>>;
}

export function requireIn(
  account: AccountState,
  resource: string,
  objectName: string,
  id: string,
  param = 'id',
): StripeObject {
  const found = collection(account, resource).get(id);
  if (!found) throw resourceMissing(objectName, id, param);
  return found;
}
