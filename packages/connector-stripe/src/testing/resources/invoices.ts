import type { FakeContext, ResourceSpec } from '../context.js';
import { invalidRequest } from '../errors.js';
import type { FormParams } from '../form.js';
import {
  assignDefined,
  bool,
  checkAllowed,
  currency,
  int,
  mergeMetadata,
  requireStr,
  str,
} from '../params.js';
import { clone, type StripeObject } from '../state.js';
import { paymentIntents, succeedPaymentIntent } from './payments.js';

const DRAFT_WRITABLE = [
  'auto_advance',
  'collection_method',
  'days_until_due',
  'description',
  'due_date',
  'footer',
  'metadata',
];
const OPEN_WRITABLE = ['auto_advance', 'description', 'due_date', 'footer', 'metadata'];

function lines(invoice: StripeObject): StripeObject[] {
  return (invoice.lines as { data: StripeObject[] }).data;
}

/** Recomputes subtotal, total and amounts from the lines. */
function recompute(invoice: StripeObject): void {
  const total = lines(invoice).reduce((sum, l) => sum + (l.amount as number), 0);
  invoice.subtotal = total;
  invoice.subtotal_excluding_tax = total;
  invoice.total = total;
  invoice.total_excluding_tax = total;
  invoice.amount_due = total;
  invoice.amount_remaining = total - (invoice.amount_paid as number);
  (invoice.lines as { total_count: number }).total_count = lines(invoice).length;
}

function applyWritable(ctx: FakeContext, target: StripeObject, params: FormParams): void {
  assignDefined(target, {
    auto_advance: bool(params, 'auto_advance'),
    collection_method: str(params, 'collection_method') ?? undefined,
    description: str(params, 'description'),
    footer: str(params, 'footer'),
  });
  const days = int(params, 'days_until_due');
  const due = int(params, 'due_date');
  if (days !== undefined) target.due_date = ctx.now() + days * 86400;
  if (due !== undefined) target.due_date = due;
  if (target.collection_method === 'send_invoice' && target.due_date === null) {
    throw invalidRequest(
      'Invoices with `collection_method=send_invoice` must have a `days_until_due` or `due_date`.',
      {
        param: 'days_until_due',
      },
    );
  }
  target.metadata = mergeMetadata(target.metadata as Record<string, string>, params.metadata);
}

/** Adds a line to a draft invoice (what `POST /v1/invoiceitems` with `invoice=` does). */
export function addLine(ctx: FakeContext, invoiceId: string, item: StripeObject): void {
  const invoice = ctx.require('invoices', 'invoice', invoiceId, 'invoice');
  if (invoice.status !== 'draft') {
    throw invalidRequest(
      `You can only add invoice items to draft invoices. This invoice is ${invoice.status as string}.`,
      {
        param: 'invoice',
      },
    );
  }
  const next = clone(invoice);
  lines(next).push({
    id: ctx.newId('il'),
    object: 'line_item',
    amount: item.amount,
    currency: item.currency,
    description: item.description,
    discount_amounts: [],
    discountable: true,
    discounts: [],
    invoice: invoiceId,
    livemode: ctx.livemode,
    metadata: clone(item.metadata),
    parent: {
      type: 'invoice_item_details',
      invoice_item_details: {
        invoice: invoiceId,
        invoice_item: item.id,
        proration: false,
        subscription: null,
      },
    },
    period: { end: ctx.now(), start: ctx.now() },
    pricing: item.pricing,
    quantity: item.quantity,
  } as unknown as StripeObject);
  recompute(next);
  ctx.put('invoices', next);
  ctx.emit('invoice.updated', next, {
    amount_due: invoice.amount_due,
    total: invoice.total,
    subtotal: invoice.subtotal,
  });
}

/** `/v1/invoices`: drafts are edited, finalized (open), paid or voided; only drafts can be deleted. */
export const invoices: ResourceSpec = {
  path: 'invoices',
  object: 'invoice',
  prefix: 'in',
  listFilters: ['collection_method', 'customer', 'status'],
  create(ctx, params) {
    checkAllowed(params, [...DRAFT_WRITABLE, 'currency', 'customer']);
    const customerId = requireStr(params, 'customer');
    const customer = ctx.require('customers', 'customer', customerId, 'customer');
    const id = ctx.newId('in');
    const invoice: StripeObject = {
      id,
      object: 'invoice',
      account_country: 'US',
      account_name: 'Fake Stripe',
      amount_due: 0,
      amount_paid: 0,
      amount_remaining: 0,
      amount_shipping: 0,
      attempt_count: 0,
      attempted: false,
      auto_advance: false,
      automatic_tax: { enabled: false, liability: null, status: null },
      billing_reason: 'manual',
      collection_method: 'charge_automatically',
      created: ctx.now(),
      currency: currency(params) ?? customer.currency ?? 'usd',
      customer: customerId,
      customer_address: customer.address,
      customer_email: customer.email,
      customer_name: customer.name,
      customer_phone: customer.phone,
      description: null,
      due_date: null,
      ending_balance: null,
      footer: null,
      hosted_invoice_url: null,
      invoice_pdf: null,
      lines: { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/invoices/${id}/lines` },
      livemode: ctx.livemode,
      metadata: {},
      number: null,
      period_end: ctx.now(),
      period_start: ctx.now(),
      status: 'draft',
      status_transitions: {
        finalized_at: null,
        marked_uncollectible_at: null,
        paid_at: null,
        voided_at: null,
      },
      subtotal: 0,
      subtotal_excluding_tax: 0,
      total: 0,
      total_excluding_tax: 0,
      webhooks_delivered_at: null,
    };
    applyWritable(ctx, invoice, params);
    return invoice;
  },
  update(ctx, current, params) {
    const status = current.status as string;
    const allowed = status === 'draft' ? DRAFT_WRITABLE : status === 'open' ? OPEN_WRITABLE : ['metadata'];
    for (const key of Object.keys(params)) {
      if (key !== 'expand' && !allowed.includes(key) && DRAFT_WRITABLE.includes(key)) {
        throw invalidRequest(`You cannot update \`${key}\` on an invoice with status ${status}.`, {
          param: key,
        });
      }
    }
    checkAllowed(params, allowed);
    const next = clone(current);
    applyWritable(ctx, next, params);
    return next;
  },
  remove(_ctx, current) {
    if (current.status !== 'draft') {
      throw invalidRequest(
        `You can only delete draft invoices. This invoice is ${current.status as string}; void it instead.`,
      );
    }
  },
  subLists: { lines },
  actions: {
    finalize(ctx, current, params) {
      checkAllowed(params, ['auto_advance']);
      if (current.status !== 'draft') {
        throw invalidRequest(
          "This invoice is already finalized, you can't re-finalize a non-draft invoice.",
          {
            code: 'invoice_not_editable' as string,
          },
        );
      }
      const customer = ctx.require('customers', 'customer', current.customer as string, 'customer');
      const seq = customer.next_invoice_sequence as number;
      ctx.put('customers', { ...customer, next_invoice_sequence: seq + 1 });
      const next = clone(current);
      next.number = `${customer.invoice_prefix as string}-${String(seq).padStart(4, '0')}`;
      next.status = 'open';
      next.hosted_invoice_url = `https://invoice.stripe.com/i/fake/${current.id}`;
      next.invoice_pdf = `https://pay.stripe.com/invoice/fake/${current.id}/pdf`;
      (next.status_transitions as Record<string, unknown>).finalized_at = ctx.now();
      const previous = { status: 'draft', number: null };
      ctx.put('invoices', next);
      ctx.emit('invoice.finalized', next, previous);
      ctx.emit('invoice.updated', next, previous);
      if (next.amount_due === 0) return markPaid(ctx, next);
      return next;
    },
    pay(ctx, current, params) {
      checkAllowed(params, ['paid_out_of_band', 'payment_method']);
      if (current.status !== 'open') {
        throw invalidRequest(`Invoice is already ${current.status as string}`, {
          code: 'invoice_not_open' as string,
        });
      }
      if (bool(params, 'paid_out_of_band') !== true) {
        const pi = (paymentIntents.create as NonNullable<typeof paymentIntents.create>)(ctx, {
          amount: String(current.amount_due),
          currency: current.currency as string,
          customer: current.customer as string,
          description: `Payment for Invoice ${current.number as string}`,
        });
        ctx.put('payment_intents', pi);
        ctx.emit('payment_intent.created', pi);
        succeedPaymentIntent(ctx, pi, str(params, 'payment_method') ?? 'pm_card_visa');
      }
      return markPaid(ctx, current);
    },
    void(ctx, current, params) {
      checkAllowed(params, []);
      if (current.status !== 'open') {
        throw invalidRequest(`You can only void open invoices. This invoice is ${current.status as string}.`);
      }
      const next = clone(current);
      next.status = 'void';
      (next.status_transitions as Record<string, unknown>).voided_at = ctx.now();
      ctx.put('invoices', next);
      ctx.emit('invoice.voided', next, { status: 'open' });
      ctx.emit('invoice.updated', next, { status: 'open' });
      return next;
    },
  },
};

function markPaid(ctx: FakeContext, current: StripeObject): StripeObject {
  const next = clone(current);
  next.status = 'paid';
  next.amount_paid = current.amount_due;
  next.amount_remaining = 0;
  (next.status_transitions as Record<string, unknown>).paid_at = ctx.now();
  const previous = {
    status: current.status,
    amount_paid: current.amount_paid,
    amount_remaining: current.amount_remaining,
  };
  ctx.put('invoices', next);
  ctx.emit('invoice.paid', next, previous);
  ctx.emit('invoice.payment_succeeded', next, previous);
  ctx.emit('invoice.updated', next, previous);
  return next;
}
