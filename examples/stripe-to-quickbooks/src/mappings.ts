import type { ComputeFunction, MappingSpec } from '@syncbridge/core';
import type { RefIndex } from './refs.js';

/**
 * The app's own record shapes (what `postgresLocalStore` keeps as JSONB here; your tables in a
 * real app), and how each provider's fields map onto them.
 *
 *   customer: { name, email, phone, address: { line1, city, region, postalCode, country }, notes }
 *   invoice:  { number, customerId, currency, total, status, issueDate, description, lines: [{ description, amount }] }
 *   payment:  { customerId, amount, currency, status, paidAt, paidOn, description }
 *
 * Money is a decimal in the app (12.5), minor units at Stripe (1250) and a decimal at QuickBooks.
 */
const stripeMoney: MappingSpec['transform'] = {
  type: 'format',
  format: { kind: 'money', remote: 'minor', local: 'decimal', currency: { remote: '$.currency' } },
};
const unixToIso: MappingSpec['transform'] = {
  type: 'format',
  format: { kind: 'date', remote: 'unix', local: 'iso' },
};
/** Calendar dates (what an accounting system books): Stripe's instant, read as a UTC date. */
const unixToDate: MappingSpec['transform'] = {
  type: 'format',
  format: { kind: 'date', remote: 'unix', local: 'date', timeZone: 'UTC' },
};

export const stripeCustomer: MappingSpec[] = [
  { local: 'name', remote: '$.name', required: true },
  { local: 'email', remote: '$.email', transform: { type: 'format', format: 'lower' } },
  { local: 'phone', remote: '$.phone' },
  { local: 'address.line1', remote: '$.address.line1' },
  { local: 'address.city', remote: '$.address.city' },
  { local: 'address.region', remote: '$.address.state' },
  { local: 'address.postalCode', remote: '$.address.postal_code' },
  { local: 'address.country', remote: '$.address.country' },
];

export const stripeInvoice: MappingSpec[] = [
  { local: 'number', remote: '$.number' },
  {
    local: 'customerId',
    remote: '$.customer',
    required: true,
    transform: { type: 'compute', name: 'stripeCustomer' },
  },
  { local: 'currency', remote: '$.currency', required: true },
  { local: 'total', remote: '$.total', transform: stripeMoney },
  { local: 'status', remote: '$.status' },
  { local: 'issueDate', remote: '$.created', transform: unixToDate },
  { local: 'description', remote: '$.description' },
  { local: 'lines', remote: '$.lines.data', transform: { type: 'compute', name: 'stripeLines' } },
];

export const stripePayment: MappingSpec[] = [
  {
    local: 'customerId',
    remote: '$.customer',
    transform: { type: 'compute', name: 'stripeCustomer' },
  },
  { local: 'amount', remote: '$.amount', required: true, transform: stripeMoney },
  { local: 'currency', remote: '$.currency', required: true },
  { local: 'status', remote: '$.status' },
  { local: 'paidAt', remote: '$.created', transform: unixToIso },
  { local: 'paidOn', remote: '$.created', transform: unixToDate },
  { local: 'description', remote: '$.description' },
];

export const qboCustomer: MappingSpec[] = [
  { local: 'name', remote: '$.DisplayName', required: true },
  { local: 'email', remote: '$.PrimaryEmailAddr.Address', transform: { type: 'format', format: 'lower' } },
  { local: 'phone', remote: '$.PrimaryPhone.FreeFormNumber' },
  { local: 'address.line1', remote: '$.BillAddr.Line1' },
  { local: 'address.city', remote: '$.BillAddr.City' },
  { local: 'address.region', remote: '$.BillAddr.CountrySubDivisionCode' },
  { local: 'address.postalCode', remote: '$.BillAddr.PostalCode' },
  { local: 'address.country', remote: '$.BillAddr.Country' },
];

/**
 * Invoices and payments come from Stripe into the app and are pushed on to QuickBooks; edits made
 * in QuickBooks (a memo, a date) flow back. References to customers are translated by `RefIndex`.
 */
export const qboInvoice: MappingSpec[] = [
  { local: 'number', remote: '$.DocNumber' },
  {
    local: 'customerId',
    remote: '$.CustomerRef.value',
    required: true,
    transform: { type: 'compute', name: 'qboCustomer' },
  },
  { local: 'issueDate', remote: '$.TxnDate' },
  { local: 'description', remote: '$.PrivateNote' },
  { local: 'lines', remote: '$.Line', required: true, transform: { type: 'compute', name: 'qboLines' } },
];

export const qboPayment: MappingSpec[] = [
  {
    local: 'customerId',
    remote: '$.CustomerRef.value',
    required: true,
    transform: { type: 'compute', name: 'qboCustomer' },
  },
  { local: 'amount', remote: '$.TotalAmt', required: true },
  { local: 'paidOn', remote: '$.TxnDate' },
  { local: 'description', remote: '$.PrivateNote' },
];

/** Stripe's zero-decimal currencies (amounts are whole units); the rest used here have 2 decimals. */
const ZERO_DECIMAL = new Set(['JPY', 'KRW', 'VND', 'CLP', 'XAF', 'XOF']);

type Line = { description: string | null; amount: number };
type QboLine = { DetailType?: string; Description?: string; Amount: number };

/** Named functions the mappings above use (`transform: { type: 'compute', name }`). */
export function computes(refs: RefIndex, qboItemId: () => string): Record<string, ComputeFunction> {
  return {
    stripeCustomer: {
      inbound: (value) => (typeof value === 'string' ? refs.localFromStripeCustomer(value) : null),
    },
    stripeLines: {
      inbound: (value, ctx) => {
        const currency = String((ctx.record as { currency?: string }).currency ?? 'usd').toUpperCase();
        const scale = ZERO_DECIMAL.has(currency) ? 1 : 100;
        return (Array.isArray(value) ? value : []).map(
          (l: { description?: string | null; amount: number }): Line => ({
            description: l.description ?? null,
            amount: l.amount / scale,
          }),
        );
      },
    },
    qboCustomer: {
      outbound: (value) => (typeof value === 'string' ? refs.qboCustomerOf(value) : null),
      inbound: (value) => (value === null ? null : refs.localOfQboCustomer(String(value))),
    },
    qboLines: {
      inbound: (value) =>
        (Array.isArray(value) ? (value as QboLine[]) : [])
          .filter((l) => l.DetailType === 'SalesItemLineDetail')
          .map((l): Line => ({ description: l.Description ?? null, amount: l.Amount })),
      outbound: (value) =>
        (Array.isArray(value) ? (value as Line[]) : []).map((l) => ({
          Amount: l.amount,
          Description: l.description ?? undefined,
          DetailType: 'SalesItemLineDetail',
          SalesItemLineDetail: { ItemRef: { value: qboItemId() }, Qty: 1, UnitPrice: l.amount },
        })),
    },
  };
}
