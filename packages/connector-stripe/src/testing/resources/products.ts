import type { ResourceSpec } from '../context.js';
import { invalidRequest } from '../errors.js';
import type { FormParams } from '../form.js';
import { assignDefined, bool, checkAllowed, mergeMetadata, requireStr, str } from '../params.js';
import { clone, collection, type StripeObject } from '../state.js';

const WRITABLE = [
  'active',
  'description',
  'metadata',
  'name',
  'shippable',
  'statement_descriptor',
  'tax_code',
  'unit_label',
  'url',
];

function apply(target: StripeObject, params: FormParams): void {
  assignDefined(target, {
    active: bool(params, 'active'),
    description: str(params, 'description'),
    shippable: bool(params, 'shippable'),
    statement_descriptor: str(params, 'statement_descriptor'),
    tax_code: str(params, 'tax_code'),
    unit_label: str(params, 'unit_label'),
    url: str(params, 'url'),
  });
  if (params.name !== undefined) target.name = requireStr(params, 'name');
  target.metadata = mergeMetadata(target.metadata as Record<string, string>, params.metadata);
}

/** Builds a product object; shared with prices' `product_data`. */
export function newProduct(id: string, created: number, livemode: boolean, params: FormParams): StripeObject {
  const product: StripeObject = {
    id,
    object: 'product',
    active: true,
    created,
    default_price: null,
    description: null,
    images: [],
    livemode,
    marketing_features: [],
    metadata: {},
    name: requireStr(params, 'name'),
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    type: 'service',
    unit_label: null,
    updated: created,
    url: null,
  };
  apply(product, params);
  return product;
}

/** `/v1/products`: a product with prices cannot be deleted (Stripe answers 400), only archived (`active=false`). */
export const products: ResourceSpec = {
  path: 'products',
  object: 'product',
  prefix: 'prod',
  listFilters: ['active'],
  create(ctx, params) {
    checkAllowed(params, [...WRITABLE, 'id']);
    return newProduct(str(params, 'id') ?? ctx.newId('prod'), ctx.now(), ctx.livemode, params);
  },
  update(ctx, current, params) {
    checkAllowed(params, [...WRITABLE, 'default_price']);
    const next = clone(current);
    apply(next, params);
    const defaultPrice = str(params, 'default_price');
    if (defaultPrice !== undefined) {
      if (defaultPrice !== null) ctx.require('prices', 'price', defaultPrice, 'default_price');
      next.default_price = defaultPrice;
    }
    next.updated = ctx.now();
    return next;
  },
  remove(ctx, current) {
    const hasPrices = [...collection(ctx.account, 'prices').values()].some((p) => p.product === current.id);
    if (hasPrices) {
      throw invalidRequest('This product cannot be deleted because it has one or more user-created prices.');
    }
  },
};
