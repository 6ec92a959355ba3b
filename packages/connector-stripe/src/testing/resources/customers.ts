import type { ResourceSpec } from '../context.js';
import { invalidRequest } from '../errors.js';
import type { FormParams } from '../form.js';
import { address, assignDefined, checkAllowed, int, mergeMetadata, str } from '../params.js';
import { clone, isPlainObject, type StripeObject } from '../state.js';

const WRITABLE = [
  'address',
  'balance',
  'description',
  'email',
  'invoice_prefix',
  'metadata',
  'name',
  'phone',
  'preferred_locales',
  'shipping',
  'tax_exempt',
];

function shipping(value: FormParams[string] | undefined): unknown {
  if (value === undefined) return undefined;
  if (value === '') return null;
  if (!isPlainObject(value)) throw invalidRequest('Invalid hash', { param: 'shipping' });
  if (typeof value.name !== 'string')
    throw invalidRequest('Missing required param: shipping[name].', {
      param: 'shipping[name]',
      code: 'parameter_missing',
    });
  return {
    address: address(value.address, 'shipping[address]') ?? null,
    name: value.name,
    phone: typeof value.phone === 'string' ? value.phone : null,
  };
}

function taxExempt(params: FormParams): string | undefined {
  const v = str(params, 'tax_exempt');
  if (v === undefined) return undefined;
  if (v === null || !['none', 'exempt', 'reverse'].includes(v)) {
    throw invalidRequest('Invalid tax_exempt: must be one of none, exempt, or reverse', {
      param: 'tax_exempt',
    });
  }
  return v;
}

function apply(target: StripeObject, params: FormParams): void {
  const locales = params.preferred_locales;
  assignDefined(target, {
    address: address(params.address, 'address'),
    balance: int(params, 'balance'),
    description: str(params, 'description'),
    email: str(params, 'email'),
    invoice_prefix: str(params, 'invoice_prefix') ?? undefined,
    name: str(params, 'name'),
    phone: str(params, 'phone'),
    preferred_locales: locales === undefined ? undefined : locales === '' ? [] : locales,
    shipping: shipping(params.shipping),
    tax_exempt: taxExempt(params),
  });
  target.metadata = mergeMetadata(target.metadata as Record<string, string>, params.metadata);
}

function invoicePrefix(id: string): string {
  return id
    .slice(-8)
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, 'X');
}

/** `/v1/customers`: create, retrieve, partial update, delete (retrieve then answers the deleted stub), list by email. */
export const customers: ResourceSpec = {
  path: 'customers',
  object: 'customer',
  prefix: 'cus',
  listFilters: ['email'],
  create(ctx, params) {
    checkAllowed(params, WRITABLE);
    const id = ctx.newId('cus');
    const customer: StripeObject = {
      id,
      object: 'customer',
      address: null,
      balance: 0,
      created: ctx.now(),
      currency: null,
      default_source: null,
      delinquent: false,
      description: null,
      discount: null,
      email: null,
      invoice_prefix: invoicePrefix(id),
      invoice_settings: {
        custom_fields: null,
        default_payment_method: null,
        footer: null,
        rendering_options: null,
      },
      livemode: ctx.livemode,
      metadata: {},
      name: null,
      next_invoice_sequence: 1,
      phone: null,
      preferred_locales: [],
      shipping: null,
      tax_exempt: 'none',
      test_clock: null,
    };
    apply(customer, params);
    return customer;
  },
  update(_ctx, current, params) {
    checkAllowed(params, WRITABLE);
    const next = clone(current);
    apply(next, params);
    return next;
  },
  remove() {},
};
