import { compileMappings, type MapResult } from '@syncbridge/core';
import { describe, expect, it } from 'vitest';
import {
  stripeCustomerMappings,
  stripeInvoiceMappings,
  stripePaymentMappings,
  stripePriceMappings,
} from './mappings.js';
import { createFakeStripe } from './testing/index.js';

const value = (result: MapResult) => {
  if (!result.ok) throw result.error;
  return result.value;
};

describe('stripe mappings on core transformer', () => {
  it('compile with compileMappings for every direction they declare', () => {
    for (const specs of [
      stripeCustomerMappings,
      stripeInvoiceMappings,
      stripePaymentMappings,
      stripePriceMappings,
    ]) {
      for (const direction of ['inbound', 'outbound', 'bidirectional'] as const)
        expect(() => compileMappings(specs, { direction })).not.toThrow();
    }
  });

  it('maps a fake Stripe customer to the host shape and back to Stripe params', () => {
    const fake = createFakeStripe();
    const [customer] = fake.seed.customers(1);
    const mapping = compileMappings(stripeCustomerMappings);
    const local = value(mapping.inbound(customer));
    expect(local).toEqual({
      name: customer!.name,
      email: customer!.email,
      phone: customer!.phone,
      description: customer!.description,
      address: {
        line1: '100 Market Street',
        line2: 'Suite 0',
        city: 'San Francisco',
        state: 'CA',
        postalCode: '94107',
        country: 'US',
      },
      hostId: 'c_0',
    });
    const back = value(mapping.outbound(local));
    expect(back).toEqual({
      name: customer!.name,
      email: customer!.email,
      phone: customer!.phone,
      description: customer!.description,
      address: customer!.address,
      metadata: { host_id: 'c_0' },
    });
  });

  it('maps invoice totals from minor units to decimals in the invoice currency, dates unix ⇄ ISO', () => {
    const fake = createFakeStripe();
    const [invoice] = fake.seed.invoices(1, { lines: 2 }); // 1500 + 1750 cents, open
    const dueDate = 1_767_225_600; // 2026-01-01T00:00:00Z
    const stripeInvoice = { ...invoice!, due_date: dueDate, metadata: { host_id: 'inv_1' } };
    const mapping = compileMappings(stripeInvoiceMappings);
    const local = value(mapping.inbound(stripeInvoice));
    expect(local).toMatchObject({
      customerId: invoice!.customer,
      status: 'sent',
      currency: 'usd',
      total: 32.5,
      amountDue: 32.5,
      amountPaid: 0,
      dueDate: '2026-01-01T00:00:00.000Z',
      hostId: 'inv_1',
    });
    // Outbound carries only what the host may change; Stripe's computed totals never flow back.
    expect(value(mapping.outbound(local))).toEqual({
      customer: invoice!.customer,
      currency: 'usd',
      due_date: dueDate,
      description: invoice!.description,
      metadata: { host_id: 'inv_1' },
    });
  });

  it('keeps zero-decimal (JPY) and three-decimal (KWD) amounts exact', () => {
    const mapping = compileMappings(stripeInvoiceMappings);
    const base = { id: 'in_1', object: 'invoice', customer: 'cus_1', status: 'paid' };
    expect(
      value(mapping.inbound({ ...base, currency: 'jpy', total: 500, amount_due: 500, amount_paid: 500 })),
    ).toMatchObject({ total: 500, amountDue: 500, amountPaid: 500 });
    expect(
      value(mapping.inbound({ ...base, currency: 'kwd', total: 1234, amount_due: 1234, amount_paid: 0 })),
    ).toMatchObject({ total: 1.234, amountPaid: 0 });
  });

  it('round-trips a price amount decimal ⇄ minor units without float drift, and refuses sub-minor amounts', () => {
    const fake = createFakeStripe();
    const [product] = fake.seed.products(1, { unitAmount: 1999 });
    const price = fake.state.get(product!.default_price as string)!;
    const mapping = compileMappings(stripePriceMappings);
    const local = value(mapping.inbound(price));
    expect(local).toMatchObject({
      productId: product!.id,
      currency: 'usd',
      unitAmount: 19.99,
      active: true,
      createdAt: new Date(price.created * 1000).toISOString(),
    });
    expect(value(mapping.outbound(local))).toMatchObject({ unit_amount: 1999, currency: 'usd' });
    const yen = value(mapping.outbound({ ...local, currency: 'jpy', unitAmount: 500 }));
    expect(yen).toMatchObject({ unit_amount: 500, currency: 'jpy' });
    expect(value(mapping.outbound({ ...local, unitAmount: 0.29 }))).toMatchObject({ unit_amount: 29 });
    const tooPrecise = mapping.outbound({ ...local, unitAmount: 19.999 });
    expect(tooPrecise.ok).toBe(false);
    expect(!tooPrecise.ok && tooPrecise.error.message).toMatch(/more decimals than USD allows/);
  });

  it('maps a payment intent amount and its creation time inbound', () => {
    const fake = createFakeStripe();
    const [payment] = fake.seed.payments(1, { amount: 4200, currency: 'eur' });
    const local = value(compileMappings(stripePaymentMappings).inbound(payment));
    expect(local).toEqual({
      amount: 42,
      currency: 'eur',
      status: 'succeeded',
      customerId: null,
      description: 'Seeded payment 0',
      paidAt: new Date(payment!.created * 1000).toISOString(),
    });
  });
});
