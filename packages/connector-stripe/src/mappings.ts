import type { MappingSpec, TransformSpec } from '@syncbridge/core';

/**
 * Ready-made field mappings between Stripe objects and typical host records, in the shape
 * `bridge.sync.configure` takes. Stripe amounts are integers in the currency's minor unit
 * (`amount: 1250` is 12.50 USD, `amount: 500` is ¥500: JPY has no minor unit); the host gets
 * decimals. Stripe times are unix seconds; the host gets ISO 8601 strings in UTC.
 */
export type StripeFieldMapping = MappingSpec;

/**
 * Minor units (Stripe) ⇄ a decimal number (host), the currency read from the record's own
 * `currency` on each side, so zero-decimal (JPY) and three-decimal (KWD) currencies convert right.
 */
export const stripeMoney: TransformSpec = {
  type: 'format',
  format: {
    kind: 'money',
    remote: 'minor',
    local: 'decimal',
    currency: { remote: '$.currency', local: 'currency' },
  },
};

/** Unix seconds (Stripe `created`, `due_date`) ⇄ ISO 8601 in UTC (`2026-01-02T03:04:05.000Z`). */
export const stripeUnixTime: TransformSpec = {
  type: 'format',
  format: { kind: 'date', remote: 'unix', local: 'iso' },
};

/**
 * Stripe customer ↔ host customer.
 *
 * ```ts
 * await bridge.sync.configure(id, { localEntity: 'customer', remoteEntity: 'customer', direction: 'bidirectional', mappings: stripeCustomerMappings });
 * ```
 */
export const stripeCustomerMappings: readonly StripeFieldMapping[] = [
  { local: 'name', remote: '$.name', required: true },
  { local: 'email', remote: '$.email' },
  { local: 'phone', remote: '$.phone' },
  { local: 'description', remote: '$.description' },
  { local: 'address.line1', remote: '$.address.line1' },
  { local: 'address.line2', remote: '$.address.line2' },
  { local: 'address.city', remote: '$.address.city' },
  { local: 'address.state', remote: '$.address.state' },
  { local: 'address.postalCode', remote: '$.address.postal_code' },
  { local: 'address.country', remote: '$.address.country' },
  { local: 'hostId', remote: '$.metadata.host_id' },
];

/**
 * Stripe invoice ↔ host invoice: status and totals are Stripe's (inbound, decimals in the
 * invoice's currency); the customer, currency, due date, description and host id flow both ways.
 */
export const stripeInvoiceMappings: readonly StripeFieldMapping[] = [
  { local: 'number', remote: '$.number', direction: 'inbound' },
  { local: 'customerId', remote: '$.customer', required: true },
  {
    local: 'status',
    remote: '$.status',
    direction: 'inbound',
    transform: {
      type: 'lookup',
      map: { draft: 'draft', open: 'sent', paid: 'paid', uncollectible: 'overdue', void: 'void' },
    },
  },
  { local: 'currency', remote: '$.currency' },
  { local: 'total', remote: '$.total', direction: 'inbound', transform: stripeMoney },
  { local: 'amountDue', remote: '$.amount_due', direction: 'inbound', transform: stripeMoney },
  { local: 'amountPaid', remote: '$.amount_paid', direction: 'inbound', transform: stripeMoney },
  { local: 'dueDate', remote: '$.due_date', transform: stripeUnixTime },
  { local: 'description', remote: '$.description' },
  { local: 'hostId', remote: '$.metadata.host_id' },
];

/** Stripe payment intent → host payment (inbound only: payments are made at Stripe). */
export const stripePaymentMappings: readonly StripeFieldMapping[] = [
  { local: 'amount', remote: '$.amount', required: true, direction: 'inbound', transform: stripeMoney },
  { local: 'currency', remote: '$.currency', required: true, direction: 'inbound' },
  { local: 'status', remote: '$.status', direction: 'inbound' },
  { local: 'customerId', remote: '$.customer', direction: 'inbound' },
  { local: 'description', remote: '$.description', direction: 'inbound' },
  { local: 'paidAt', remote: '$.created', direction: 'inbound', transform: stripeUnixTime },
];

/**
 * Stripe price ↔ host price: the unit amount as a decimal both ways (Stripe fixes it at
 * creation; changing it means a new price), `active` and the nickname both ways.
 */
export const stripePriceMappings: readonly StripeFieldMapping[] = [
  { local: 'productId', remote: '$.product', required: true },
  { local: 'currency', remote: '$.currency', required: true },
  { local: 'unitAmount', remote: '$.unit_amount', transform: stripeMoney },
  { local: 'active', remote: '$.active' },
  { local: 'nickname', remote: '$.nickname' },
  { local: 'createdAt', remote: '$.created', direction: 'inbound', transform: stripeUnixTime },
  { local: 'hostId', remote: '$.metadata.host_id' },
];
