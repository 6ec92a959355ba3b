import { invalidRequest } from './errors.js';
import type { FormParams } from './form.js';
import { clone, isPlainObject, type StripeObject } from './state.js';

/** Fields holding the id of another object the fake knows, which `expand[]` can replace by the object. */
const EXPANDABLE = new Set([
  'customer',
  'charge',
  'payment_intent',
  'latest_charge',
  'invoice',
  'balance_transaction',
  'product',
  'default_price',
  'price',
  'source',
  'payout',
  'refund',
]);

/** `expand[]` / `expand[0]` as a list of dotted paths. */
export function expandPaths(params: FormParams): string[] {
  const raw = params.expand;
  if (raw === undefined) return [];
  if (typeof raw === 'string') return raw === '' ? [] : [raw];
  if (Array.isArray(raw) && raw.every((p) => typeof p === 'string')) return raw as string[];
  throw invalidRequest('Invalid array', { param: 'expand' });
}

function cannotExpand(path: string) {
  return invalidRequest(`This property cannot be expanded (${path}).`, { param: 'expand' });
}

function expandInto(
  target: Record<string, unknown>,
  segments: string[],
  fullPath: string,
  lookup: (id: string) => StripeObject | undefined,
): void {
  const [field, ...rest] = segments;
  if (field === undefined) return;
  const value = target[field];
  if (value === null) return;
  if (typeof value === 'string') {
    const found = EXPANDABLE.has(field) ? lookup(value) : undefined;
    if (!found) throw cannotExpand(fullPath);
    const expanded = clone(found);
    target[field] = expanded;
    expandInto(expanded, rest, fullPath, lookup);
    return;
  }
  if (isPlainObject(value) && value.object === 'list' && rest[0] === 'data' && Array.isArray(value.data)) {
    for (const item of value.data) if (isPlainObject(item)) expandInto(item, rest.slice(1), fullPath, lookup);
    return;
  }
  if (isPlainObject(value) && rest.length > 0) {
    expandInto(value, rest, fullPath, lookup);
    return;
  }
  if (isPlainObject(value) && rest.length === 0 && EXPANDABLE.has(field)) return; // already expanded
  throw cannotExpand(fullPath);
}

/**
 * Applies `expand[]` to a response: dotted paths, `data.` first on lists, at most 4 levels.
 * Unknown or non-expandable paths answer 400 as Stripe does.
 */
export function applyExpand(
  body: StripeObject | { object: 'list'; data: StripeObject[] },
  paths: readonly string[],
  lookup: (id: string) => StripeObject | undefined,
): void {
  for (const path of paths) {
    const segments = path.split('.');
    const levels = segments.filter((s) => s !== 'data').length;
    if (levels > 4) {
      throw invalidRequest(`You cannot expand more than 4 levels of a property. Property: ${path}`, {
        param: 'expand',
      });
    }
    if (body.object === 'list') {
      if (segments[0] !== 'data') throw cannotExpand(path);
      for (const item of (body as { data: StripeObject[] }).data)
        expandInto(item, segments.slice(1), path, lookup);
    } else {
      expandInto(body as StripeObject, segments, path, lookup);
    }
  }
}
