import type { FakeContext, ResourceSpec } from './context.js';
import { invalidRequest, resourceMissing } from './errors.js';
import { listEvents } from './events.js';
import { applyExpand, expandPaths } from './expand.js';
import type { FormParams } from './form.js';
import { fastPage, LIST_PARAMS, paginate } from './list.js';
import { checkAllowed } from './params.js';
import { balanceTransactions, payouts, refunds } from './resources/balance.js';
import { customers } from './resources/customers.js';
import { invoiceItems } from './resources/invoice-items.js';
import { invoices } from './resources/invoices.js';
import { charges, paymentIntents } from './resources/payments.js';
import { prices } from './resources/prices.js';
import { products } from './resources/products.js';
import {
  type AccountState,
  clone,
  collection,
  previousAttributes,
  render,
  type StripeObject,
} from './state.js';

/** Every resource the fake serves, by URL path. */
export const RESOURCES: ReadonlyMap<string, ResourceSpec> = new Map(
  [
    customers,
    products,
    prices,
    invoices,
    invoiceItems,
    paymentIntents,
    charges,
    refunds,
    balanceTransactions,
    payouts,
  ].map((r) => [r.path, r]),
);

/** Finds any object (or a deleted one) by id across the account's collections. */
export function lookupAny(account: AccountState, id: string): StripeObject | undefined {
  for (const c of account.collections.values()) {
    const found = c.get(id);
    if (found) return found;
  }
  return undefined;
}

export interface RouteResult {
  status: number;
  body: unknown;
}

function notFound(method: string, path: string) {
  return invalidRequest(
    `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
    { status: 404 },
  );
}

function matchesFilter(object: StripeObject, field: string, value: unknown): boolean {
  let actual = object[field];
  if (actual && typeof actual === 'object' && 'id' in actual) actual = (actual as { id: unknown }).id;
  return String(actual) === value;
}

/** Routes one authenticated request to its resource; throws `StripeHttpError` for Stripe's errors. */
export function route(
  ctx: FakeContext,
  method: string,
  path: string,
  params: FormParams,
  undelivered: ReadonlySet<string>,
): RouteResult {
  const segments = path.split('/').filter(Boolean);
  if (segments[0] !== 'v1') throw notFound(method, path);
  const [, name, id, sub] = segments;
  const expand = expandPaths(params);
  const lookup = (x: string) => lookupAny(ctx.account, x);
  const respond = (
    body: StripeObject | { object: 'list'; data: StripeObject[] },
    status = 200,
  ): RouteResult => {
    applyExpand(body, expand, lookup);
    return { status, body };
  };

  if (name === 'balance' && id === undefined && method === 'GET') {
    return { status: 200, body: balance(ctx) };
  }
  if (name === 'events') {
    if (method !== 'GET' || sub !== undefined) throw notFound(method, path);
    if (id === undefined) return respond(listEvents(ctx.account, params, undelivered));
    const event = ctx.account.events.find((e) => e.id === id);
    if (!event) throw resourceMissing('event', id);
    return respond(clone(event));
  }
  const spec = name === undefined ? undefined : RESOURCES.get(name);
  if (!spec) throw notFound(method, path);
  const items = collection(ctx.account, spec.path);

  if (id === undefined) {
    if (method === 'GET') {
      const filters = spec.listFilters ?? [];
      checkAllowed(params, [...LIST_PARAMS, ...filters]);
      const fast = fastPage(items, params, `/v1/${spec.path}`);
      if (fast) return respond(fast);
      let all = [...items.values()];
      for (const f of filters) {
        const v = params[f];
        if (typeof v === 'string') all = all.filter((o) => matchesFilter(o, f, v));
      }
      const locate = (x: string) => items.get(x) ?? ctx.account.tombstones.get(x)?.object;
      return respond(paginate(all, params, `/v1/${spec.path}`, locate, spec.object));
    }
    if (method === 'POST' && spec.create) {
      const created = spec.create(ctx, params);
      ctx.put(spec.path, created);
      ctx.emit(`${spec.object}.created`, created);
      return respond(render(created));
    }
    throw notFound(method, path);
  }

  const current = items.get(id);
  if (sub !== undefined) {
    if (!current) throw resourceMissing(spec.object, id);
    const action = spec.actions?.[sub];
    if (method === 'POST' && action) return respond(render(action(ctx, current, params)));
    const subList = spec.subLists?.[sub];
    if (method === 'GET' && subList) {
      checkAllowed(params, LIST_PARAMS);
      const data = subList(current);
      const byId = new Map(data.map((d) => [d.id, d]));
      // Lines keep the invoice's order (oldest first), as Stripe lists them.
      const list = paginate(
        data.map((d, i) => ({ ...d, created: -i })),
        params,
        `/v1/${spec.path}/${id}/${sub}`,
        (x) => {
          const i = data.findIndex((d) => d.id === x);
          return i < 0 ? undefined : ({ ...byId.get(x), created: -i } as StripeObject);
        },
        'line_item',
      );
      list.data = list.data.map((d) => byId.get(d.id) as StripeObject).map(clone);
      return respond(list);
    }
    throw notFound(method, path);
  }

  if (method === 'GET') {
    checkAllowed(params, []);
    if (current) return respond(render(current));
    const tomb = ctx.account.tombstones.get(id);
    if (tomb && spec.path === 'customers') return respond(clone(tomb.stub));
    throw resourceMissing(spec.object, id);
  }
  if (method === 'POST' && spec.update) {
    if (!current) throw resourceMissing(spec.object, id);
    const next = spec.update(ctx, current, params);
    ctx.put(spec.path, next);
    const previous = previousAttributes(current, next);
    if (Object.keys(previous).length > 0) ctx.emit(`${spec.object}.updated`, next, previous);
    return respond(render(next));
  }
  if (method === 'DELETE' && spec.remove) {
    checkAllowed(params, []);
    if (!current) throw resourceMissing(spec.object, id);
    spec.remove(ctx, current);
    items.delete(id);
    const stub = { id, object: spec.object, deleted: true } as unknown as StripeObject;
    ctx.account.tombstones.set(id, { stub, object: current });
    ctx.emit(`${spec.object}.deleted`, current);
    return { status: 200, body: stub };
  }
  throw notFound(method, path);
}

/** `GET /v1/balance`: available = settled balance transactions, by currency. */
function balance(ctx: FakeContext): unknown {
  const totals = new Map<string, number>();
  for (const bt of collection(ctx.account, 'balance_transactions').values()) {
    const cur = bt.currency as string;
    totals.set(cur, (totals.get(cur) ?? 0) + (bt.net as number));
  }
  if (totals.size === 0) totals.set('usd', 0);
  const entries = [...totals].map(([currency, amount]) => ({
    amount,
    currency,
    source_types: { card: amount },
  }));
  return {
    object: 'balance',
    available: entries,
    livemode: ctx.livemode,
    pending: entries.map((e) => ({ ...e, amount: 0, source_types: { card: 0 } })),
  };
}
