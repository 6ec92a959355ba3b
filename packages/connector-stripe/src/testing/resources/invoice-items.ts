import type { ResourceSpec } from '../context.js';
import { parameterMissing } from '../errors.js';
import { assignDefined, checkAllowed, currency, int, mergeMetadata, requireStr, str } from '../params.js';
import { clone, isPlainObject, type StripeObject } from '../state.js';
import { addLine } from './invoices.js';

/** `/v1/invoiceitems`: a pending item for a customer, or a line of the draft invoice given as `invoice`. */
export const invoiceItems: ResourceSpec = {
  path: 'invoiceitems',
  object: 'invoiceitem',
  prefix: 'ii',
  listFilters: ['customer', 'invoice'],
  create(ctx, params) {
    checkAllowed(params, [
      'amount',
      'currency',
      'customer',
      'description',
      'invoice',
      'metadata',
      'price',
      'pricing',
      'quantity',
    ]);
    const customer = requireStr(params, 'customer');
    ctx.require('customers', 'customer', customer, 'customer');
    const priceId =
      str(params, 'price') ??
      (isPlainObject(params.pricing) && typeof params.pricing.price === 'string'
        ? params.pricing.price
        : undefined);
    const quantity = int(params, 'quantity') ?? 1;
    let amount: number;
    let cur: string;
    let pricing: unknown = null;
    if (priceId) {
      const price = ctx.require('prices', 'price', priceId, 'price');
      amount = (price.unit_amount as number) * quantity;
      cur = price.currency as string;
      pricing = {
        price_details: { price: price.id, product: price.product },
        type: 'price_details',
        unit_amount_decimal: price.unit_amount_decimal,
      };
    } else {
      const a = int(params, 'amount');
      if (a === undefined) throw parameterMissing('amount');
      const c = currency(params);
      if (!c) throw parameterMissing('currency');
      amount = a;
      cur = c;
    }
    const invoice = str(params, 'invoice') ?? null;
    const item: StripeObject = {
      id: ctx.newId('ii'),
      object: 'invoiceitem',
      amount,
      currency: cur,
      customer,
      date: ctx.now(),
      created: ctx.now(),
      description: str(params, 'description') ?? null,
      discountable: true,
      invoice,
      livemode: ctx.livemode,
      metadata: mergeMetadata({}, params.metadata),
      pricing,
      quantity,
    };
    if (invoice) addLine(ctx, invoice, item);
    return item;
  },
  update(_ctx, current, params) {
    checkAllowed(params, ['description', 'metadata']);
    const next = clone(current);
    assignDefined(next, { description: str(params, 'description') });
    next.metadata = mergeMetadata(next.metadata as Record<string, string>, params.metadata);
    return next;
  },
};
