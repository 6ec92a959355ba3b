import type { FakeContext, ResourceSpec } from '../context.js';
import { invalidRequest, parameterMissing, StripeHttpError } from '../errors.js';
import type { FormParams } from '../form.js';
import { assignDefined, checkAllowed, currency, int, mergeMetadata, requireInt, str } from '../params.js';
import { clone, type StripeObject } from '../state.js';
import { addBalanceTransaction } from './balance.js';

/** Stripe's test fee: 2.9% + 30 cents, rounded. */
function fee(amount: number): number {
  return Math.round(amount * 0.029) + 30;
}

/** Test payment methods that decline, as in Stripe's test mode. */
const DECLINES: Record<string, { code: string; decline_code: string; message: string }> = {
  pm_card_chargeDeclined: {
    code: 'card_declined',
    decline_code: 'generic_decline',
    message: 'Your card was declined.',
  },
  pm_card_chargeDeclinedInsufficientFunds: {
    code: 'card_declined',
    decline_code: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
};

/** Confirms a payment intent with a test payment method: a charge and its balance transaction, or a 402 card_error. */
export function succeedPaymentIntent(
  ctx: FakeContext,
  current: StripeObject,
  paymentMethod: string,
): StripeObject {
  const decline = DECLINES[paymentMethod];
  if (decline) {
    throw new StripeHttpError(402, {
      type: 'card_error',
      code: decline.code,
      decline_code: decline.decline_code,
      message: decline.message,
      doc_url: 'https://stripe.com/docs/error-codes/card-declined',
    });
  }
  const amount = current.amount as number;
  const cur = current.currency as string;
  const chargeId = ctx.newId('ch');
  const bt = addBalanceTransaction(ctx, {
    amount,
    currency: cur,
    type: 'charge',
    source: chargeId,
    fee: fee(amount),
  });
  const charge: StripeObject = {
    id: chargeId,
    object: 'charge',
    amount,
    amount_captured: amount,
    amount_refunded: 0,
    balance_transaction: bt.id,
    billing_details: { address: null, email: null, name: null, phone: null },
    captured: true,
    created: ctx.now(),
    currency: cur,
    customer: current.customer ?? null,
    description: current.description ?? null,
    disputed: false,
    failure_code: null,
    failure_message: null,
    livemode: ctx.livemode,
    metadata: clone(current.metadata),
    outcome: {
      network_status: 'approved_by_network',
      risk_level: 'normal',
      seller_message: 'Payment complete.',
      type: 'authorized',
    },
    paid: true,
    payment_intent: current.id,
    payment_method: paymentMethod,
    receipt_email: null,
    refunded: false,
    status: 'succeeded',
  };
  ctx.put('charges', charge);
  ctx.emit('charge.succeeded', charge);
  const next = clone(current);
  next.status = 'succeeded';
  next.amount_received = amount;
  next.latest_charge = chargeId;
  next.payment_method = paymentMethod;
  ctx.put('payment_intents', next);
  ctx.emit('payment_intent.succeeded', next);
  return next;
}

const PI_WRITABLE = [
  'amount',
  'currency',
  'customer',
  'description',
  'metadata',
  'payment_method',
  'receipt_email',
  'statement_descriptor',
];

export const paymentIntents: ResourceSpec = {
  path: 'payment_intents',
  object: 'payment_intent',
  prefix: 'pi',
  listFilters: ['customer'],
  create(ctx, params) {
    checkAllowed(params, [...PI_WRITABLE, 'confirm', 'payment_method_types']);
    const amount = requireInt(params, 'amount');
    if (amount < 50)
      throw invalidRequest('Amount must be at least 50 cents', { param: 'amount', code: 'amount_too_small' });
    const cur = currency(params);
    if (!cur) throw parameterMissing('currency');
    const customer = str(params, 'customer') ?? null;
    if (customer) ctx.require('customers', 'customer', customer, 'customer');
    const id = ctx.newId('pi');
    const pi: StripeObject = {
      id,
      object: 'payment_intent',
      amount,
      amount_capturable: 0,
      amount_received: 0,
      automatic_payment_methods: null,
      canceled_at: null,
      cancellation_reason: null,
      capture_method: 'automatic',
      client_secret: `${id}_secret_fake`,
      confirmation_method: 'automatic',
      created: ctx.now(),
      currency: cur,
      customer,
      description: str(params, 'description') ?? null,
      last_payment_error: null,
      latest_charge: null,
      livemode: ctx.livemode,
      metadata: mergeMetadata({}, params.metadata),
      payment_method: str(params, 'payment_method') ?? null,
      payment_method_types: Array.isArray(params.payment_method_types)
        ? params.payment_method_types
        : ['card'],
      receipt_email: str(params, 'receipt_email') ?? null,
      statement_descriptor: str(params, 'statement_descriptor') ?? null,
      status: 'requires_payment_method',
    };
    return pi;
  },
  update(ctx, current, params) {
    checkAllowed(params, PI_WRITABLE);
    if (current.status === 'succeeded' && (params.amount !== undefined || params.currency !== undefined)) {
      throw invalidRequest(
        `This PaymentIntent's amount could not be updated because it has a status of ${current.status as string}.`,
        { param: 'amount', code: 'payment_intent_unexpected_state' },
      );
    }
    const next = clone(current);
    const customer = str(params, 'customer');
    if (customer) ctx.require('customers', 'customer', customer, 'customer');
    assignDefined(next, {
      amount: int(params, 'amount'),
      currency: currency(params),
      customer,
      description: str(params, 'description'),
      payment_method: str(params, 'payment_method'),
      receipt_email: str(params, 'receipt_email'),
    });
    next.metadata = mergeMetadata(next.metadata as Record<string, string>, params.metadata);
    return next;
  },
  actions: {
    confirm(ctx, current, params: FormParams) {
      checkAllowed(params, ['payment_method', 'return_url']);
      if (current.status === 'succeeded' || current.status === 'canceled') {
        throw invalidRequest(
          `You cannot confirm this PaymentIntent because it has a status of ${current.status as string}.`,
          { code: 'payment_intent_unexpected_state' },
        );
      }
      const pm = str(params, 'payment_method') ?? (current.payment_method as string | null);
      if (!pm) throw parameterMissing('payment_method');
      return succeedPaymentIntent(ctx, current, pm);
    },
    cancel(ctx, current) {
      if (current.status === 'succeeded' || current.status === 'canceled') {
        throw invalidRequest(
          `You cannot cancel this PaymentIntent because it has a status of ${current.status as string}.`,
          { code: 'payment_intent_unexpected_state' },
        );
      }
      const next = { ...clone(current), status: 'canceled', canceled_at: ctx.now() };
      ctx.put('payment_intents', next);
      ctx.emit('payment_intent.canceled', next);
      return next;
    },
  },
};

export const charges: ResourceSpec = {
  path: 'charges',
  object: 'charge',
  prefix: 'ch',
  listFilters: ['customer', 'payment_intent'],
  update(_ctx, current, params) {
    checkAllowed(params, ['description', 'metadata', 'receipt_email']);
    const next = clone(current);
    assignDefined(next, {
      description: str(params, 'description'),
      receipt_email: str(params, 'receipt_email'),
    });
    next.metadata = mergeMetadata(next.metadata as Record<string, string>, params.metadata);
    return next;
  },
};
