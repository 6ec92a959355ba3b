import type { ResourceSpec } from '../context.js';
import { invalidRequest, parameterMissing } from '../errors.js';
import type { FormParams } from '../form.js';
import { assignDefined, bool, checkAllowed, currency, int, mergeMetadata, str } from '../params.js';
import { clone, isPlainObject, type StripeObject } from '../state.js';
import { newProduct } from './products.js';

const UPDATABLE = ['active', 'lookup_key', 'metadata', 'nickname', 'tax_behavior'];

function recurring(value: FormParams[string] | undefined): unknown {
  if (value === undefined || value === '') return null;
  if (!isPlainObject(value) || typeof value.interval !== 'string')
    throw parameterMissing('recurring[interval]');
  if (!['day', 'week', 'month', 'year'].includes(value.interval)) {
    throw invalidRequest(`Invalid recurring[interval]: ${value.interval}`, { param: 'recurring[interval]' });
  }
  return {
    interval: value.interval,
    interval_count: typeof value.interval_count === 'string' ? Number(value.interval_count) : 1,
    meter: null,
    trial_period_days: null,
    usage_type: 'licensed',
  };
}

/**
 * `/v1/prices`: amounts are immutable once created (an update with `unit_amount` is an unknown
 * parameter), and there is no DELETE: deactivate with `active=false`.
 */
export const prices: ResourceSpec = {
  path: 'prices',
  object: 'price',
  prefix: 'price',
  listFilters: ['active', 'currency', 'product', 'type'],
  create(ctx, params) {
    checkAllowed(params, [...UPDATABLE, 'currency', 'product', 'product_data', 'recurring', 'unit_amount']);
    const cur = currency(params);
    if (cur === undefined) throw parameterMissing('currency');
    let productId = str(params, 'product') ?? undefined;
    if (productId !== undefined) {
      ctx.require('products', 'product', productId, 'product');
    } else if (isPlainObject(params.product_data)) {
      const product = newProduct(ctx.newId('prod'), ctx.now(), ctx.livemode, params.product_data);
      ctx.put('products', product);
      ctx.emit('product.created', product);
      productId = product.id;
    } else {
      throw parameterMissing('product');
    }
    const unitAmount = int(params, 'unit_amount');
    if (unitAmount === undefined) throw parameterMissing('unit_amount');
    if (unitAmount < 0)
      throw invalidRequest('Invalid unit_amount: must be at least 0', { param: 'unit_amount' });
    const rec = recurring(params.recurring);
    const price: StripeObject = {
      id: ctx.newId('price'),
      object: 'price',
      active: bool(params, 'active') ?? true,
      billing_scheme: 'per_unit',
      created: ctx.now(),
      currency: cur,
      custom_unit_amount: null,
      livemode: ctx.livemode,
      lookup_key: str(params, 'lookup_key') ?? null,
      metadata: mergeMetadata({}, params.metadata),
      nickname: str(params, 'nickname') ?? null,
      product: productId,
      recurring: rec,
      tax_behavior: str(params, 'tax_behavior') ?? 'unspecified',
      tiers_mode: null,
      transform_quantity: null,
      type: rec ? 'recurring' : 'one_time',
      unit_amount: unitAmount,
      unit_amount_decimal: String(unitAmount),
    };
    return price;
  },
  update(_ctx, current, params) {
    checkAllowed(params, UPDATABLE);
    const next = clone(current);
    assignDefined(next, {
      active: bool(params, 'active'),
      lookup_key: str(params, 'lookup_key'),
      nickname: str(params, 'nickname'),
      tax_behavior: str(params, 'tax_behavior') ?? undefined,
    });
    next.metadata = mergeMetadata(next.metadata as Record<string, string>, params.metadata);
    return next;
  },
};
