import fc from 'fast-check';
import { JSONPath } from 'jsonpath-plus';
import { describe, expect, it } from 'vitest';
import { hashRecord } from '../hash/index.js';
import { compileMappings, type MapResult } from './compile-mappings.js';
import type { MappingSpec } from './mapping-spec.js';

function value(result: MapResult): Record<string, unknown> {
  if (!result.ok) throw result.error;
  return result.value;
}

/** An independent reader (jsonpath-plus), so a bug in the transformer's own reader cannot hide. */
function read(record: unknown, path: string): unknown {
  const found = JSONPath({ path, json: record as object, wrap: true, eval: 'safe' }) as unknown[];
  return found.length === 0 || found[0] === undefined ? null : found[0];
}

const specs: MappingSpec[] = [
  { local: 'docNumber', remote: '$.DocNumber' },
  { local: 'customer.id', remote: '$.CustomerRef.value' },
  { local: 'customer.name', remote: '$.CustomerRef.name' },
  { local: 'billing.line1', remote: '$.BillAddr.Line1' },
  { local: 'billing.city', remote: "$.BillAddr['City']" },
  { local: 'firstLine.amount', remote: '$.Line[0].Amount' },
  { local: 'firstLine.description', remote: '$.Line[0].Description' },
  { local: 'secondLine.amount', remote: '$.Line[1].Amount' },
  {
    local: 'region',
    remote: "$.CustomField[?(@.DefinitionId=='1' && @.Name=='Region' && @.Type=='StringType')].StringValue",
  },
  {
    local: 'po',
    remote: "$.CustomField[?(@.DefinitionId=='2' && @.Name=='PO' && @.Type=='StringType')].StringValue",
  },
  {
    local: 'status',
    remote: '$.Active',
    transform: { type: 'lookup', map: { true: 'active', false: 'archived' } },
  },
  {
    local: 'total',
    remote: '$.TotalAmt',
    transform: {
      type: 'format',
      format: { kind: 'money', remote: 'decimal', local: 'minor', currency: 'USD' },
    },
  },
  {
    local: 'dueOn',
    remote: '$.DueDate',
    transform: {
      type: 'format',
      format: { kind: 'date', remote: 'date', local: 'Date', timeZone: 'Europe/Berlin' },
    },
  },
  {
    local: 'createdAt',
    remote: '$.created',
    transform: { type: 'format', format: { kind: 'date', remote: 'unix', local: 'iso' } },
  },
  { local: 'crmId', remote: '$.metadata.crm_id' },
];
const mapping = compileMappings(specs);
const interpreted = compileMappings(specs, { jit: false });

const text = fc.string({ maxLength: 12 });
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const cents = fc.integer({ min: -1e9, max: 1e9 }).map((c) => c / 100);
const calendarDate = fc
  .date({ min: new Date('1971-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const customField = (id: string, name: string) =>
  maybe(text).map((v) =>
    v === undefined ? undefined : { DefinitionId: id, Name: name, Type: 'StringType', StringValue: v },
  );

/** QuickBooks-Invoice-shaped records in the canonical form the outbound side writes. */
const invoice = fc
  .record({
    DocNumber: maybe(text),
    CustomerRef: maybe(fc.record({ value: text, name: maybe(text) }, { requiredKeys: ['value'] })),
    BillAddr: maybe(fc.record({ Line1: maybe(text), City: maybe(text) })),
    Line: maybe(
      fc.array(fc.record({ Amount: cents, Description: maybe(text) }), { minLength: 2, maxLength: 2 }),
    ),
    region: customField('1', 'Region'),
    po: customField('2', 'PO'),
    Active: maybe(fc.boolean()),
    TotalAmt: maybe(cents),
    DueDate: maybe(calendarDate),
    created: maybe(fc.integer({ min: 0, max: 4e9 })),
    metadata: maybe(fc.record({ crm_id: maybe(text) })),
  })
  .map(({ region, po, ...rest }) => {
    const record: Record<string, unknown> = { ...rest };
    const fields = [region, po].filter((f) => f !== undefined);
    if (fields.length) record.CustomField = fields;
    return record;
  });

describe('round trip', () => {
  it('restores every mapped provider field: outbound(inbound(r)) reads back as r', () => {
    fc.assert(
      fc.property(invoice, (remote) => {
        const local = value(mapping.inbound(remote));
        const back = value(mapping.outbound(local));
        for (const spec of specs)
          expect(read(back, spec.remote), spec.remote).toEqual(read(remote, spec.remote));
      }),
      { numRuns: 300 },
    );
  });

  it('is stable: inbound of the written payload equals the first inbound, hash for hash', () => {
    fc.assert(
      fc.property(invoice, (remote) => {
        const local = value(mapping.inbound(remote));
        const again = value(mapping.inbound(value(mapping.outbound(local))));
        expect(again).toEqual(local);
        expect(hashRecord(mapping.pickLocal(local))).toBe(hashRecord(local));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps 19.99 exact through decimal, minor units and back', () => {
    const local = value(mapping.inbound({ TotalAmt: 19.99 }));
    expect(local.total).toBe(1999);
    expect(value(mapping.outbound(local)).TotalAmt).toBe(19.99);
  });
});

/** The same invoice with any JSON at any mapped key: wrong types, nulls, duplicated custom fields. */
const messyInvoice = fc
  .tuple(
    invoice,
    fc.dictionary(
      fc.constantFrom(
        'DocNumber',
        'CustomerRef',
        'BillAddr',
        'Line',
        'Active',
        'TotalAmt',
        'DueDate',
        'created',
        'metadata',
        'CustomField',
      ),
      fc.jsonValue({ maxDepth: 3 }),
      { maxKeys: 3 },
    ),
    fc.boolean(),
  )
  .map(([record, noise, duplicate]) => {
    const out: Record<string, unknown> = { ...record, ...noise };
    if (duplicate && Array.isArray(record.CustomField))
      out.CustomField = [...record.CustomField, ...record.CustomField];
    return out;
  });

function comparable(result: MapResult): unknown {
  return result.ok ? result : { ok: false, message: result.error.message, issues: result.error.issues };
}

describe('generated functions and interpreter', () => {
  const strict = compileMappings(
    specs.map((s, i) =>
      i % 3 === 0 ? { ...s, required: true } : i % 3 === 1 ? { ...s, default: 'dflt' } : s,
    ),
  );
  const strictInterpreted = compileMappings(
    specs.map((s, i) =>
      i % 3 === 0 ? { ...s, required: true } : i % 3 === 1 ? { ...s, default: 'dflt' } : s,
    ),
    { jit: false },
  );

  it('map any provider record identically, errors included', () => {
    fc.assert(
      fc.property(messyInvoice, (remote) => {
        expect(comparable(mapping.inbound(remote))).toEqual(comparable(interpreted.inbound(remote)));
        expect(comparable(strict.inbound(remote))).toEqual(comparable(strictInterpreted.inbound(remote)));
      }),
      { numRuns: 400 },
    );
  });

  it('map any host record identically, errors included', () => {
    const hostRecord = fc
      .tuple(
        invoice,
        fc.dictionary(
          fc.constantFrom(...specs.map((s) => s.local.split('.')[0]!)),
          fc.jsonValue({ maxDepth: 2 }),
          { maxKeys: 3 },
        ),
      )
      .map(([remote, noise]) => {
        const local = interpreted.inbound(remote);
        return { ...(local.ok ? local.value : {}), ...noise };
      });
    fc.assert(
      fc.property(hostRecord, (local) => {
        expect(comparable(mapping.outbound(local))).toEqual(comparable(interpreted.outbound(local)));
        expect(comparable(strict.outbound(local))).toEqual(comparable(strictInterpreted.outbound(local)));
      }),
      { numRuns: 400 },
    );
  });
});
