import type { FakeContext, ResourceSpec } from '../context.js';
import { invalidRequest, parameterMissing } from '../errors.js';
import { checkAllowed, currency, int, mergeMetadata, requireInt, str } from '../params.js';
import { clone, type StripeObject } from '../state.js';

/** Adds a balance transaction (no events: Stripe sends none for them). */
export function addBalanceTransaction(
  ctx: FakeContext,
  fields: {
    amount: number;
    currency: string;
    type: string;
    source: string;
    fee?: number;
    description?: string | null;
  },
): StripeObject {
  const feeAmount = fields.fee ?? 0;
  const bt: StripeObject = {
    id: ctx.newId('txn'),
    object: 'balance_transaction',
    amount: fields.amount,
    available_on: ctx.now() + 2 * 86400,
    balance_type: 'payments',
    created: ctx.now(),
    currency: fields.currency,
    description: fields.description ?? null,
    exchange_rate: null,
    fee: feeAmount,
    fee_details: feeAmount
      ? [
          {
            amount: feeAmount,
            application: null,
            currency: fields.currency,
            description: 'Stripe processing fees',
            type: 'stripe_fee',
          },
        ]
      : [],
    net: fields.amount - feeAmount,
    reporting_category: fields.type === 'payout' ? 'payout' : fields.type === 'refund' ? 'refund' : 'charge',
    source: fields.source,
    status: 'pending',
    type: fields.type,
  };
  ctx.put('balance_transactions', bt);
  return bt;
}

export const refunds: ResourceSpec = {
  path: 'refunds',
  object: 'refund',
  prefix: 're',
  listFilters: ['charge', 'payment_intent'],
  create(ctx, params) {
    checkAllowed(params, ['amount', 'charge', 'metadata', 'payment_intent', 'reason']);
    let charge: StripeObject;
    const chargeId = str(params, 'charge');
    const piId = str(params, 'payment_intent');
    if (chargeId) {
      charge = ctx.require('charges', 'charge', chargeId, 'charge');
    } else if (piId) {
      const pi = ctx.require('payment_intents', 'payment_intent', piId, 'payment_intent');
      if (!pi.latest_charge)
        throw invalidRequest(`This PaymentIntent (${piId}) does not have a successful charge to refund.`, {
          param: 'payment_intent',
        });
      charge = ctx.require('charges', 'charge', pi.latest_charge as string, 'payment_intent');
    } else {
      throw parameterMissing('charge');
    }
    const refundable = (charge.amount as number) - (charge.amount_refunded as number);
    const amount = int(params, 'amount') ?? refundable;
    if (amount < 1 || amount > refundable) {
      throw invalidRequest(
        `Refund amount (${amount}) is greater than unrefunded amount on charge (${refundable})`,
        { param: 'amount', code: 'amount_too_large' },
      );
    }
    const id = ctx.newId('re');
    const bt = addBalanceTransaction(ctx, {
      amount: -amount,
      currency: charge.currency as string,
      type: 'refund',
      source: id,
    });
    const refund: StripeObject = {
      id,
      object: 'refund',
      amount,
      balance_transaction: bt.id,
      charge: charge.id,
      created: ctx.now(),
      currency: charge.currency,
      metadata: mergeMetadata({}, params.metadata),
      payment_intent: charge.payment_intent ?? null,
      reason: str(params, 'reason') ?? null,
      status: 'succeeded',
    };
    const nextCharge = clone(charge);
    nextCharge.amount_refunded = (charge.amount_refunded as number) + amount;
    nextCharge.refunded = nextCharge.amount_refunded === charge.amount;
    ctx.put('charges', nextCharge);
    ctx.emit('charge.refunded', nextCharge, {
      amount_refunded: charge.amount_refunded,
      refunded: charge.refunded,
    });
    return refund;
  },
  update(_ctx, current, params) {
    checkAllowed(params, ['metadata']);
    const next = clone(current);
    next.metadata = mergeMetadata(next.metadata as Record<string, string>, params.metadata);
    return next;
  },
};

export const balanceTransactions: ResourceSpec = {
  path: 'balance_transactions',
  object: 'balance_transaction',
  prefix: 'txn',
  events: false,
  listFilters: ['currency', 'payout', 'source', 'type'],
};

export const payouts: ResourceSpec = {
  path: 'payouts',
  object: 'payout',
  prefix: 'po',
  listFilters: ['status'],
  create(ctx, params) {
    checkAllowed(params, ['amount', 'currency', 'description', 'metadata', 'statement_descriptor']);
    const amount = requireInt(params, 'amount');
    const cur = currency(params);
    if (!cur) throw parameterMissing('currency');
    const id = ctx.newId('po');
    const bt = addBalanceTransaction(ctx, { amount: -amount, currency: cur, type: 'payout', source: id });
    return {
      id,
      object: 'payout',
      amount,
      arrival_date: ctx.now() + 2 * 86400,
      automatic: false,
      balance_transaction: bt.id,
      created: ctx.now(),
      currency: cur,
      description: str(params, 'description') ?? null,
      destination: 'ba_fake_bank_account',
      failure_code: null,
      failure_message: null,
      livemode: ctx.livemode,
      metadata: mergeMetadata({}, params.metadata),
      method: 'standard',
      source_type: 'card',
      statement_descriptor: str(params, 'statement_descriptor') ?? null,
      status: 'pending',
      type: 'bank_account',
    };
  },
  update(_ctx, current, params) {
    checkAllowed(params, ['metadata']);
    const next = clone(current);
    next.metadata = mergeMetadata(next.metadata as Record<string, string>, params.metadata);
    return next;
  },
};
