import { invalidRequest, resourceMissing } from './errors.js';
import type { FormParams, FormValue } from './form.js';
import { compareNewestFirst, isPlainObject, KeyedCollection, render, type StripeObject } from './state.js';

/** Params every list endpoint takes. */
export const LIST_PARAMS = ['limit', 'starting_after', 'ending_before', 'created', 'expand'];

export interface StripeList {
  object: 'list';
  data: StripeObject[];
  has_more: boolean;
  url: string;
}

function toInt(value: FormValue | undefined, param: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) {
    throw invalidRequest(`Invalid integer: ${typeof value === 'string' ? value : JSON.stringify(value)}`, {
      param,
      code: 'parameter_invalid_integer',
    });
  }
  return Number(value);
}

/** Applies `created` (an exact timestamp or `created[gt|gte|lt|lte]`) to `value`. */
export function matchesRange(value: number, range: FormValue | undefined, param = 'created'): boolean {
  if (range === undefined) return true;
  if (typeof range === 'string') return value === toInt(range, param);
  if (!isPlainObject(range)) throw invalidRequest(`Invalid ${param}`, { param });
  for (const [op, raw] of Object.entries(range)) {
    const bound = toInt(raw, `${param}[${op}]`) as number;
    if (op === 'gt' && !(value > bound)) return false;
    if (op === 'gte' && !(value >= bound)) return false;
    if (op === 'lt' && !(value < bound)) return false;
    if (op === 'lte' && !(value <= bound)) return false;
    if (!['gt', 'gte', 'lt', 'lte'].includes(op)) throw invalidRequest(`Invalid ${param}[${op}]`, { param });
  }
  return true;
}

interface SortedView {
  readonly size: number;
  readonly lastKey: string | undefined;
  readonly keyVersion: number | undefined;
  readonly sorted: StripeObject[];
  readonly position: Map<string, number>;
}

const views = new WeakMap<Map<string, StripeObject>, SortedView>();

/**
 * A collection newest first, cached until a key is added or removed: `id` and `created` never
 * change, so updates keep the order, and since a deleted id is never added again, the size and
 * the last-added key tell whether the key set changed. Keeps a 100,000-object list from being
 * re-sorted for every page.
 */
export function sortedView(items: Map<string, StripeObject>): SortedView {
  const cached = views.get(items);
  // The fake's own collections count key changes; any other Map is checked by its size and last key.
  const keyVersion = items instanceof KeyedCollection ? items.keyVersion : undefined;
  if (cached && keyVersion !== undefined && cached.keyVersion === keyVersion) return cached;
  let lastKey: string | undefined;
  if (keyVersion === undefined) for (const key of items.keys()) lastKey = key;
  if (cached && keyVersion === undefined && cached.size === items.size && cached.lastKey === lastKey)
    return cached;
  const sorted = [...items.values()].sort(compareNewestFirst);
  const position = new Map(sorted.map((o, i) => [o.id, i]));
  const view = { size: items.size, lastKey, keyVersion, sorted, position };
  views.set(items, view);
  return view;
}

/**
 * The common list request (no filters, no `created`, at most a live `starting_after`) served from
 * `sortedView` by position; undefined when the request needs the general path. The objects are
 * looked up in `items`, so updates made since the view was built are seen.
 */
export function fastPage(
  items: Map<string, StripeObject>,
  params: FormParams,
  url: string,
): StripeList | undefined {
  const keys = Object.keys(params).filter((k) => k !== 'limit' && k !== 'starting_after');
  if (keys.length > 0) return undefined;
  const limit = toInt(params.limit, 'limit') ?? 10;
  if (limit < 1 || limit > 100) return undefined;
  const view = sortedView(items);
  let start = 0;
  const after = params.starting_after;
  if (after !== undefined) {
    if (typeof after !== 'string' || after === '') return undefined;
    const at = view.position.get(after);
    if (at === undefined) return undefined; // a deleted or unknown cursor: the general path answers
    start = at + 1;
  }
  const page = view.sorted.slice(start, start + limit).map((o) => items.get(o.id) ?? o);
  return { object: 'list', data: page.map(render), has_more: view.sorted.length > start + limit, url };
}

/**
 * One page of a Stripe list: newest first, `limit` 1–100 (default 10), `starting_after` or
 * `ending_before` (an object id, not both). The cursor object is located among `all` (its
 * position), even when the filters would exclude it; `locate` finds deleted or filtered ones.
 */
export function paginate(
  items: readonly StripeObject[],
  params: FormParams,
  url: string,
  locate: (id: string) => StripeObject | undefined,
  objectName: string,
): StripeList {
  const limit = toInt(params.limit, 'limit') ?? 10;
  if (limit < 1 || limit > 100) {
    throw invalidRequest(`Invalid limit: must be between 1 and 100`, { param: 'limit' });
  }
  const after = params.starting_after;
  const before = params.ending_before;
  if (after !== undefined && before !== undefined) {
    throw invalidRequest('You may only specify one of these parameters: ending_before, starting_after.', {
      param: 'ending_before',
    });
  }
  const sorted = [...items].filter((o) => matchesRange(o.created, params.created)).sort(compareNewestFirst);
  let page: StripeObject[];
  let hasMore: boolean;
  if (typeof before === 'string' && before !== '') {
    const cursor = locate(before);
    if (!cursor) throw resourceMissing(objectName, before, 'ending_before');
    const newer = sorted.filter((o) => compareNewestFirst(o, cursor) < 0);
    page = newer.slice(Math.max(0, newer.length - limit));
    hasMore = newer.length > limit;
  } else {
    let older = sorted;
    if (typeof after === 'string' && after !== '') {
      const cursor = locate(after);
      if (!cursor) throw resourceMissing(objectName, after, 'starting_after');
      older = sorted.filter((o) => compareNewestFirst(o, cursor) > 0);
    }
    page = older.slice(0, limit);
    hasMore = older.length > limit;
  }
  return { object: 'list', data: page.map(render), has_more: hasMore, url };
}
