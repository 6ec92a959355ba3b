import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isConfigError } from '../errors/index.js';
import { compileMappings, type MapResult } from './compile-mappings.js';
import type { MappingSpec } from './mapping-spec.js';

function value(result: MapResult): Record<string, unknown> {
  if (!result.ok) throw result.error;
  return result.value;
}

function problemsOf(specs: MappingSpec[]): readonly string[] {
  try {
    compileMappings(specs);
  } catch (error) {
    if (isConfigError(error)) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('date format', () => {
  it('converts Stripe unix seconds to ISO UTC and back', () => {
    const m = compileMappings([
      {
        local: 'createdAt',
        remote: '$.created',
        transform: { type: 'format', format: { kind: 'date', remote: 'unix' } },
      },
    ]);
    expect(value(m.inbound({ created: 1700000000 }))).toEqual({ createdAt: '2023-11-14T22:13:20.000Z' });
    expect(value(m.outbound({ createdAt: '2023-11-14T22:13:20.000Z' }))).toEqual({ created: 1700000000 });
    expect(value(m.outbound({ createdAt: new Date('2023-11-14T22:13:20.999Z') }))).toEqual({
      created: 1700000000,
    });
  });

  it('reads ISO strings with any offset and writes them as UTC', () => {
    const m = compileMappings([
      {
        local: 'updatedAt',
        remote: '$.MetaData.LastUpdatedTime',
        transform: { type: 'format', format: { kind: 'date', remote: 'iso', local: 'Date' } },
      },
    ]);
    const mapped = value(m.inbound({ MetaData: { LastUpdatedTime: '2015-07-24T10:35:08-07:00' } }));
    expect(mapped.updatedAt).toEqual(new Date('2015-07-24T17:35:08.000Z'));
    expect(value(m.outbound(mapped))).toEqual({ MetaData: { LastUpdatedTime: '2015-07-24T17:35:08.000Z' } });
  });

  it('turns a calendar date into midnight in the stated time zone and back', () => {
    const m = compileMappings([
      {
        local: 'txnAt',
        remote: '$.TxnDate',
        transform: {
          type: 'format',
          format: { kind: 'date', remote: 'date', local: 'iso', timeZone: 'America/Los_Angeles' },
        },
      },
    ]);
    expect(value(m.inbound({ TxnDate: '2026-01-15' }))).toEqual({ txnAt: '2026-01-15T08:00:00.000Z' });
    expect(value(m.inbound({ TxnDate: '2026-07-15' }))).toEqual({ txnAt: '2026-07-15T07:00:00.000Z' });
    expect(value(m.outbound({ txnAt: '2026-01-16T07:59:59.000Z' }))).toEqual({ TxnDate: '2026-01-15' });
  });

  it('keeps a calendar date on its day in every time zone, also when its midnight does not exist', () => {
    const zones = [
      'America/Santiago',
      'America/Los_Angeles',
      'Asia/Beirut',
      'Australia/Lord_Howe',
      'Asia/Kolkata',
    ];
    const mappings = zones.map((timeZone) =>
      compileMappings([
        {
          local: 'at',
          remote: '$.d',
          transform: { type: 'format', format: { kind: 'date', remote: 'date', timeZone } },
        },
      ]),
    );
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2005-01-01T00:00:00Z'),
          max: new Date('2035-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: 0, max: zones.length - 1 }),
        (day, zone) => {
          const d = day.toISOString().slice(0, 10);
          const m = mappings[zone]!;
          expect(value(m.outbound(value(m.inbound({ d }))))).toEqual({ d });
        },
      ),
      { numRuns: 1000 },
    );
    // Santiago skipped 00:00-01:00 on 2020-09-06: that day starts at 01:00 -03:00.
    expect(value(mappings[0]!.inbound({ d: '2020-09-06' }))).toEqual({ at: '2020-09-06T04:00:00.000Z' });
  });

  it('requires a time zone to convert between a calendar date and an instant, and checks it', () => {
    expect(
      problemsOf([
        {
          local: 'a',
          remote: '$.A',
          transform: { type: 'format', format: { kind: 'date', remote: 'date' } },
        },
        {
          local: 'b',
          remote: '$.B',
          transform: {
            type: 'format',
            format: { kind: 'date', remote: 'date', local: 'iso', timeZone: 'Mars/Base' },
          },
        },
      ]),
    ).toEqual([
      'mappings[0].transform.format: timeZone is required to convert between a calendar date and an instant (e.g. timeZone: "UTC")',
      'mappings[1].transform.format: timeZone "Mars/Base" is not an IANA time zone (e.g. "UTC", "Europe/Berlin")',
    ]);
  });

  it('fails only the record whose date cannot be read, saying why', () => {
    const m = compileMappings([
      {
        local: 'd',
        remote: '$.D',
        transform: { type: 'format', format: { kind: 'date', remote: 'date', local: 'date' } },
      },
      { local: 'i', remote: '$.I', transform: { type: 'format', format: { kind: 'date', remote: 'iso' } } },
    ]);
    const result = m.inbound({ D: '2026-02-30', I: '2026-01-01T10:00:00' });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error.issues.map((i) => i.message)).toEqual([
        '$.D: "2026-02-30" is not a real calendar date',
        '$.I: "2026-01-01T10:00:00" has no UTC offset and the mapping states no timeZone',
      ]);
    expect(value(m.inbound({ D: '2026-02-28', I: '2026-01-01T10:00:00Z' }))).toEqual({
      d: '2026-02-28',
      i: '2026-01-01T10:00:00.000Z',
    });
  });
});

describe('money format', () => {
  const stripeAmount = compileMappings([
    { local: 'currency', remote: '$.currency' },
    {
      local: 'total',
      remote: '$.amount_due',
      transform: {
        type: 'format',
        format: {
          kind: 'money',
          remote: 'minor',
          local: 'decimal',
          currency: { remote: '$.currency', local: 'currency' },
        },
      },
    },
  ]);

  it('converts minor units to decimals by the record currency, zero-decimal aware', () => {
    expect(value(stripeAmount.inbound({ amount_due: 1999, currency: 'usd' }))).toEqual({
      currency: 'usd',
      total: 19.99,
    });
    expect(value(stripeAmount.inbound({ amount_due: 500, currency: 'jpy' }))).toEqual({
      currency: 'jpy',
      total: 500,
    });
    expect(value(stripeAmount.inbound({ amount_due: 1234, currency: 'kwd' }))).toEqual({
      currency: 'kwd',
      total: 1.234,
    });
    expect(value(stripeAmount.outbound({ currency: 'usd', total: 19.99 }))).toEqual({
      currency: 'usd',
      amount_due: 1999,
    });
    expect(value(stripeAmount.outbound({ currency: 'JPY', total: 500 }))).toEqual({
      currency: 'JPY',
      amount_due: 500,
    });
  });

  it('round-trips every cent amount without float drift', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.constantFrom('usd', 'jpy', 'bhd', 'eur'),
        (minor, currency) => {
          const local = value(stripeAmount.inbound({ amount_due: minor, currency }));
          expect(value(stripeAmount.outbound(local))).toEqual({ amount_due: minor, currency });
        },
      ),
    );
  });

  it('refuses to round an amount with more decimals than the currency has', () => {
    const result = stripeAmount.outbound({ currency: 'usd', total: 19.999 });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error.issues[0]?.message).toBe(
        '$.amount_due: 19.999 has more decimals than USD allows (2)',
      );
    const yen = stripeAmount.outbound({ currency: 'jpy', total: 5.5 });
    expect(yen.ok).toBe(false);
  });

  it('fails a record whose currency is missing or not a code', () => {
    const result = stripeAmount.inbound({ amount_due: 100 });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error.issues[0]?.message).toBe('$.amount_due: the currency at $.currency is missing');
  });

  it('writes decimal strings with exactly the currency decimals', () => {
    const m = compileMappings([
      {
        local: 'total',
        remote: '$.TotalAmt',
        transform: {
          type: 'format',
          format: { kind: 'money', remote: 'decimal', local: 'decimal_string', currency: 'USD' },
        },
      },
    ]);
    expect(value(m.inbound({ TotalAmt: 19.9 }))).toEqual({ total: '19.90' });
    expect(value(m.inbound({ TotalAmt: 1e21 }))).toEqual({ total: '1000000000000000000000.00' });
    expect(m.inbound({ TotalAmt: 1e-7 }).ok).toBe(false);
  });

  it('requires both currency paths for a bidirectional mapping that reads the currency from the record', () => {
    expect(
      problemsOf([
        {
          local: 't',
          remote: '$.t',
          transform: {
            type: 'format',
            format: { kind: 'money', remote: 'minor', currency: { remote: '$.currency' } },
          },
        },
        {
          local: 'u',
          remote: '$.u',
          transform: { type: 'format', format: { kind: 'money', remote: 'minor', currency: 'dollars' } },
        },
        {
          local: 'w',
          remote: '$.w',
          transform: {
            type: 'format',
            format: {
              kind: 'money',
              remote: 'minor',
              currency: { remote: '$.currency', local: 'a.__proto__' },
            },
          },
        },
      ]),
    ).toEqual([
      'mappings[0].transform.format.currency.local: is required because the mapping is used outbound (where to read the currency in the host record)',
      'mappings[1].transform.format: currency "dollars" is not a 3-letter ISO 4217 code',
      'mappings[2].transform.format.currency.local: must be a dotted path in the host record such as "currency"',
    ]);
  });
});

describe('string format', () => {
  it('normalises with trim and case in both directions', () => {
    const m = compileMappings([
      {
        local: 'email',
        remote: '$.email',
        transform: { type: 'format', format: { kind: 'string', trim: true, case: 'lower' } },
      },
      { local: 'code', remote: '$.code', transform: { type: 'format', format: 'upper' } },
    ]);
    expect(value(m.inbound({ email: '  Ann@Example.COM ', code: 'ab' }))).toEqual({
      email: 'ann@example.com',
      code: 'AB',
    });
    expect(value(m.outbound({ email: ' X@Y.Z', code: 'cd' }))).toEqual({ email: 'x@y.z', code: 'CD' });
    expect(m.inbound({ email: 5 }).ok).toBe(false);
  });
});
