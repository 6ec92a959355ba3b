/**
 * Ready-made field mappings between Stripe objects and typical host records, in the shape
 * `bridge.sync.configure` takes. Money stays in minor units on the wire (Stripe `amount: 1250`
 * is 12.50 USD); the `{ type: 'format', format: { money: … } }` transform is a placeholder shape
 * until core's transformer fixes its format syntax.
 */
export interface StripeFieldMapping {
  readonly local: string;
  readonly remote: string;
  readonly required?: true;
  readonly direction?: 'inbound' | 'outbound' | 'bidirectional';
  readonly transform?: Readonly<Record<string, unknown>>;
}

/** Minor units ⇄ decimal amount, the currency read from the record's `currency`. Placeholder syntax. */
const money = { type: 'format', format: { money: { minorUnits: true, currency: '$.currency' } } } as const;
/** Unix seconds ⇄ ISO date-time. Placeholder syntax. */
const unixTime = { type: 'format', format: { date: 'unix' } } as const;

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

/** Stripe invoice → host invoice (status and totals are Stripe's; only description/metadata flow out). */
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
  { local: 'total', remote: '$.total', direction: 'inbound', transform: money },
  { local: 'amountDue', remote: '$.amount_due', direction: 'inbound', transform: money },
  { local: 'amountPaid', remote: '$.amount_paid', direction: 'inbound', transform: money },
  { local: 'dueDate', remote: '$.due_date', transform: unixTime },
  { local: 'description', remote: '$.description' },
  { local: 'hostId', remote: '$.metadata.host_id' },
];

/** Stripe payment intent → host payment (inbound only: payments are made at Stripe). */
export const stripePaymentMappings: readonly StripeFieldMapping[] = [
  { local: 'amount', remote: '$.amount', required: true, direction: 'inbound', transform: money },
  { local: 'currency', remote: '$.currency', required: true, direction: 'inbound' },
  { local: 'status', remote: '$.status', direction: 'inbound' },
  { local: 'customerId', remote: '$.customer', direction: 'inbound' },
  { local: 'description', remote: '$.description', direction: 'inbound' },
  { local: 'paidAt', remote: '$.created', direction: 'inbound', transform: unixTime },
];
