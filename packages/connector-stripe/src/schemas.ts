import { z } from 'zod';

/**
 * Schemas of the Stripe objects the connector syncs: the fields SyncBridge relies on, the rest
 * passed through untouched (`loose`), so a newer API version never breaks parsing.
 */
const id = (prefix: string) => z.string().startsWith(`${prefix}_`);
const expandable = z.union([z.string(), z.looseObject({ id: z.string() })]);
const metadata = z.record(z.string(), z.string());
const unix = z.number().int();

const address = z
  .looseObject({
    city: z.string().nullable().optional(),
    country: z.string().nullable().optional(),
    line1: z.string().nullable().optional(),
    line2: z.string().nullable().optional(),
    postal_code: z.string().nullable().optional(),
    state: z.string().nullable().optional(),
  })
  .nullable();

/** A customer, or the `{ id, object, deleted: true }` stub Stripe answers for a deleted one. */
export const customerSchema = z.union([
  z.looseObject({
    id: id('cus'),
    object: z.literal('customer'),
    deleted: z.literal(true),
  }),
  z.looseObject({
    id: id('cus'),
    object: z.literal('customer'),
    created: unix,
    name: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable().optional(),
    address: address.optional(),
    metadata,
    deleted: z.undefined().optional(),
  }),
]);
export type StripeCustomer = z.infer<typeof customerSchema>;

export const productSchema = z.looseObject({
  id: z.string(),
  object: z.literal('product'),
  active: z.boolean().optional(),
  created: unix.optional(),
  updated: unix.optional(),
  name: z.string().optional(),
  metadata: metadata.optional(),
  deleted: z.boolean().optional(),
});
export type StripeProduct = z.infer<typeof productSchema>;

export const priceSchema = z.looseObject({
  id: id('price'),
  object: z.literal('price'),
  active: z.boolean(),
  created: unix,
  currency: z.string(),
  product: expandable,
  unit_amount: z.number().int().nullable(),
  type: z.enum(['one_time', 'recurring']),
  metadata,
});
export type StripePrice = z.infer<typeof priceSchema>;

const lineSchema = z.looseObject({
  id: z.string(),
  object: z.literal('line_item'),
  amount: z.number().int(),
  currency: z.string(),
  description: z.string().nullable(),
  quantity: z.number().nullable().optional(),
});

export const invoiceSchema = z.looseObject({
  id: id('in'),
  object: z.literal('invoice'),
  created: unix.optional(),
  customer: expandable.nullable().optional(),
  status: z.enum(['draft', 'open', 'paid', 'uncollectible', 'void']).nullable().optional(),
  number: z.string().nullable().optional(),
  currency: z.string().optional(),
  total: z.number().int().optional(),
  amount_due: z.number().int().optional(),
  amount_paid: z.number().int().optional(),
  due_date: unix.nullable().optional(),
  lines: z
    .looseObject({ object: z.literal('list'), data: z.array(lineSchema), has_more: z.boolean() })
    .optional(),
  metadata: metadata.optional(),
  deleted: z.boolean().optional(),
});
export type StripeInvoice = z.infer<typeof invoiceSchema>;

export const paymentIntentSchema = z.looseObject({
  id: id('pi'),
  object: z.literal('payment_intent'),
  amount: z.number().int(),
  currency: z.string(),
  created: unix,
  customer: expandable.nullable().optional(),
  status: z.string(),
  latest_charge: expandable.nullable().optional(),
  metadata,
});

export const chargeSchema = z.looseObject({
  id: z.string().regex(/^(ch|py)_/),
  object: z.literal('charge'),
  amount: z.number().int(),
  amount_refunded: z.number().int(),
  currency: z.string(),
  created: unix,
  customer: expandable.nullable().optional(),
  payment_intent: expandable.nullable().optional(),
  balance_transaction: expandable.nullable().optional(),
  status: z.string(),
  refunded: z.boolean(),
  metadata,
});

export const refundSchema = z.looseObject({
  id: z.string().regex(/^(re|pyr)_/),
  object: z.literal('refund'),
  amount: z.number().int(),
  currency: z.string(),
  created: unix,
  charge: expandable.nullable().optional(),
  payment_intent: expandable.nullable().optional(),
  status: z.string().nullable(),
});

export const balanceTransactionSchema = z.looseObject({
  id: z.string().regex(/^t?xn_/),
  object: z.literal('balance_transaction'),
  amount: z.number().int(),
  fee: z.number().int(),
  net: z.number().int(),
  currency: z.string(),
  created: unix,
  type: z.string(),
  source: expandable.nullable().optional(),
});

export const payoutSchema = z.looseObject({
  id: id('po'),
  object: z.literal('payout'),
  amount: z.number().int(),
  currency: z.string(),
  created: unix,
  arrival_date: unix,
  status: z.string(),
});

/** A v1 event, as the Events API and webhook deliveries carry it. */
export const eventSchema = z.looseObject({
  id: z.string().startsWith('evt_'),
  object: z.literal('event'),
  type: z.string(),
  created: unix,
  api_version: z.string().nullable().optional(),
  account: z.string().optional(),
  livemode: z.boolean().optional(),
  data: z.looseObject({
    // No id on some objects (the invoice of `invoice.upcoming`, the balance of `balance.available`).
    object: z.looseObject({ id: z.string().optional(), object: z.string() }),
    previous_attributes: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type StripeEvent = z.infer<typeof eventSchema>;

export const listSchema = <T extends z.ZodType>(item: T) =>
  z.looseObject({ object: z.literal('list'), data: z.array(item), has_more: z.boolean() });
