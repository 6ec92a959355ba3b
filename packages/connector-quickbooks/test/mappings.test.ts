import { compileMappings } from '@syncbridge/core';
import { describe, expect, it } from 'vitest';
import {
  customerMappings,
  customerSchema,
  customFieldMapping,
  invoiceMappings,
  invoiceSchema,
  itemMappings,
  paymentMappings,
} from '../src/index.js';
import { createFakeQuickBooks } from '../src/testing/index.js';

const ok = <T>(result: { ok: true; value: T } | { ok: false; error: Error }): T => {
  if (!result.ok) throw result.error;
  return result.value;
};

describe('ready-made mappings', () => {
  it('all compile with core transformer, in both directions', () => {
    for (const specs of [customerMappings, invoiceMappings, paymentMappings, itemMappings]) {
      const compiled = compileMappings([...specs]);
      expect(compiled.inboundFields.length).toBe(specs.length);
      expect(compiled.outboundFields.length).toBe(specs.filter((s) => s.direction !== 'inbound').length);
    }
  });

  it('are frozen, so a host copying them cannot change them for everyone', () => {
    expect(Object.isFrozen(customerMappings)).toBe(true);
    expect(Object.isFrozen(customerMappings[0])).toBe(true);
  });

  it('map a fake Customer inbound and build a QuickBooks payload the fake accepts', () => {
    const qbo = createFakeQuickBooks();
    const [created] = qbo.seed.customers(1, () => ({
      DisplayName: "O'Brien & Sons",
      CompanyName: "O'Brien & Sons Ltd",
      PrimaryPhone: { FreeFormNumber: '(555) 010-2000' },
      BillAddr: {
        Line1: '1 Main St',
        City: 'Mountain View',
        CountrySubDivisionCode: 'CA',
        PostalCode: '94043',
      },
    }));
    const record = customerSchema.parse(created);
    const mapper = compileMappings([...customerMappings]);
    const host = ok(mapper.inbound(record));
    expect(host).toMatchObject({
      name: "O'Brien & Sons",
      company: "O'Brien & Sons Ltd",
      email: expect.stringMatching(/@example\.com$/),
      phone: '(555) 010-2000',
      address: {
        line1: '1 Main St',
        city: 'Mountain View',
        region: 'CA',
        postalCode: '94043',
        country: null,
      },
      balance: 0,
      status: 'active',
    });

    const payload = ok(mapper.outbound({ ...host, name: 'Brand New', status: 'archived' }));
    expect(payload).toMatchObject({ DisplayName: 'Brand New', Active: false });
    expect(payload).not.toHaveProperty('Balance');
    const stored = qbo.company().create('Customer', payload);
    expect(stored).toMatchObject({
      DisplayName: 'Brand New',
      Active: false,
      BillAddr: { City: 'Mountain View' },
    });

    // A sparse update carries only the changed fields.
    expect(ok(mapper.outbound({ ...host, email: 'new@example.com' }, { fields: ['email'] }))).toEqual({
      PrimaryEmailAddr: { Address: 'new@example.com' },
    });
  });

  it('map an Invoice with a custom field both ways, adding the CustomField element QuickBooks needs', () => {
    const qbo = createFakeQuickBooks();
    const [invoice] = qbo.seed.invoices(1);
    const region = customFieldMapping('region', { definitionId: '1', name: 'Region' });
    const mapper = compileMappings([...invoiceMappings, region]);
    const withField = qbo.company().update('Invoice', {
      Id: invoice?.Id,
      SyncToken: invoice?.SyncToken,
      sparse: true,
      CustomField: [{ DefinitionId: '1', Name: 'Region', Type: 'StringType', StringValue: 'West' }],
    });
    const host = ok(mapper.inbound(invoiceSchema.parse(withField)));
    expect(host).toMatchObject({
      customerId: (invoice?.CustomerRef as { value: string } | undefined)?.value,
      region: 'West',
    });
    expect(host.lines).toEqual(withField.Line);

    // Without the element, inbound reads null; outbound appends it with every key.
    expect(ok(mapper.inbound(invoiceSchema.parse(invoice))).region).toBeNull();
    const patch = ok(mapper.outbound({ ...host, region: 'East' }, { fields: ['region'] }));
    expect(patch).toEqual({
      CustomField: [{ DefinitionId: '1', Name: 'Region', Type: 'StringType', StringValue: 'East' }],
    });
    const updated = qbo.company().update('Invoice', {
      ...patch,
      Id: withField.Id,
      SyncToken: withField.SyncToken,
      sparse: true,
    });
    expect(ok(mapper.inbound(invoiceSchema.parse(updated))).region).toBe('East');
  });

  it('refuses a custom field key that would break the JSONPath', () => {
    expect(() => customFieldMapping('x', { definitionId: "1'", name: 'Region' })).toThrow(RangeError);
  });

  it('fail a record that lacks a required field with a ValidationError naming it', () => {
    const mapper = compileMappings([...invoiceMappings]);
    const result = mapper.outbound({ number: '1001', lines: [] });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/customerId/);
  });
});
