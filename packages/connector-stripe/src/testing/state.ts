/** A Stripe API object as the fake stores it: plain JSON with `id`, `object` and `created` (unix seconds). */
export type StripeObject = { id: string; object: string; created: number; [field: string]: unknown };

/** Everything one Stripe account holds (the platform, or a Connect account via `Stripe-Account`). */
export interface AccountState {
  /** Live objects by resource path (`customers`, `invoices`, …), then by id. */
  readonly collections: Map<string, Map<string, StripeObject>>;
  /** Deleted objects: the stub a retrieve answers, and the object as it was (its position in lists). */
  readonly tombstones: Map<string, { stub: StripeObject; object: StripeObject }>;
  /** Every event, oldest first; pruned after 30 days. */
  readonly events: StripeObject[];
  /** Idempotency-Key → the first response. */
  readonly idempotency: Map<string, IdempotencyRecord>;
}

export interface IdempotencyRecord {
  readonly method: string;
  readonly path: string;
  readonly fingerprint: string;
  readonly createdAt: number;
  readonly requestId: string;
  /** Undefined while the first request is still running. */
  response?: { status: number; body: string; headers: [string, string][] };
}

export function createAccountState(): AccountState {
  return { collections: new Map(), tombstones: new Map(), events: [], idempotency: new Map() };
}

/** A collection that counts changes to its key set (adds and deletes; updates keep the key set), so list order can be cached. */
export class KeyedCollection extends Map<string, StripeObject> {
  keyVersion = 0;
  override set(key: string, value: StripeObject): this {
    if (!this.has(key)) this.keyVersion++;
    return super.set(key, value);
  }
  override delete(key: string): boolean {
    const deleted = super.delete(key);
    if (deleted) this.keyVersion++;
    return deleted;
  }
  override clear(): void {
    this.keyVersion++;
    super.clear();
  }
}

export function collection(account: AccountState, resource: string): Map<string, StripeObject> {
  let c = account.collections.get(resource);
  if (!c) {
    c = new KeyedCollection();
    account.collections.set(resource, c);
  }
  return c;
}

/** Deep copy of JSON data, so callers never hold the fake's own objects. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Newest first: `created` descending, then id descending (ids carry a counter). */
export function compareNewestFirst(a: StripeObject, b: StripeObject): number {
  if (a.created !== b.created) return b.created - a.created;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Stripe's `previous_attributes`: the old values of what changed, nested objects diffed key by key. */
export function previousAttributes(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = before[key];
    const b = after[key];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    out[key] = isPlainObject(a) && isPlainObject(b) ? previousAttributes(a, b) : (a ?? null);
  }
  return out;
}

/** How many invoice lines Stripe embeds in an invoice; the rest are read from `/v1/invoices/:id/lines`. */
export const EMBEDDED_LINES = 10;

/**
 * A stored object as Stripe renders it: a copy, with an invoice's embedded `lines` cut to the
 * first 10 (`has_more` set), as Stripe does in responses and event payloads.
 */
export function render(object: StripeObject): StripeObject {
  const copy = clone(object);
  const lines = copy.lines as { object?: string; data?: unknown[]; has_more?: boolean } | undefined;
  if (copy.object === 'invoice' && lines?.object === 'list' && Array.isArray(lines.data)) {
    lines.has_more = lines.data.length > EMBEDDED_LINES;
    lines.data = lines.data.slice(0, EMBEDDED_LINES);
  }
  return copy;
}
