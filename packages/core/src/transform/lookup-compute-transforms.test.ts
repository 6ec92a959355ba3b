import { describe, expect, it, vi } from 'vitest';
import { isConfigError } from '../errors/index.js';
import { compileMappings, type MapResult } from './compile-mappings.js';
import type { ComputeFunction } from './compile-transform.js';
import type { MappingSpec } from './mapping-spec.js';

function value(result: MapResult): Record<string, unknown> {
  if (!result.ok) throw result.error;
  return result.value;
}

function problemsOf(specs: MappingSpec[], computes?: Record<string, ComputeFunction>): readonly string[] {
  try {
    compileMappings(specs, computes ? { computes } : {});
  } catch (error) {
    if (isConfigError(error)) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('lookup transform', () => {
  const status = compileMappings([
    {
      local: 'status',
      remote: '$.Active',
      transform: { type: 'lookup', map: { true: 'active', false: 'archived' } },
    },
    { local: 'tier', remote: '$.Tier', transform: { type: 'lookup', map: { 1: 'gold', 2: 'silver' } } },
    {
      local: 'kind',
      remote: '$.Kind',
      transform: { type: 'lookup', map: { '1': 'one' }, keyType: 'string' },
    },
  ]);

  it('maps provider values to host values and back, restoring the key type', () => {
    const local = value(status.inbound({ Active: false, Tier: 2, Kind: '1' }));
    expect(local).toEqual({ status: 'archived', tier: 'silver', kind: 'one' });
    expect(value(status.outbound(local))).toEqual({ Active: false, Tier: 2, Kind: '1' });
  });

  it('fails a record with a value outside the table unless a default is given', () => {
    const result = status.inbound({ Active: 'maybe' });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error.issues[0]?.message).toBe(
        '$.Active: "maybe" is not in the lookup map (keys: "true", "false") and there is no default',
      );
    const withDefault = compileMappings([
      {
        local: 'tier',
        remote: '$.Tier',
        transform: { type: 'lookup', map: { 1: 'gold' }, default: 'other', inverseDefault: 0 },
      },
    ]);
    expect(value(withDefault.inbound({ Tier: 7 }))).toEqual({ tier: 'other' });
    expect(value(withDefault.outbound({ tier: 'other' }))).toEqual({ Tier: 0 });
  });

  it('does not treat inherited names as table keys', () => {
    expect(status.inbound({ Active: 'constructor' }).ok).toBe(false);
  });

  it('rejects a table that cannot be inverted when the mapping is used outbound', () => {
    expect(
      problemsOf([
        { local: 's', remote: '$.S', transform: { type: 'lookup', map: { a: 'x', b: 'x', c: 'y' } } },
        { local: 't', remote: '$.T', transform: { type: 'lookup', map: { a: 'x' }, default: 'z' } },
      ]),
    ).toEqual([
      `mappings[0].transform.map: is not invertible ("a" and "b" both map to "x") but the mapping is used outbound; make the values unique or set direction: 'inbound'`,
      `mappings[1].transform.default: "z" is not one of the map's values, so it cannot be written back; add it to the map, set inverseDefault, or set direction: 'inbound'`,
    ]);
    expect(() =>
      compileMappings([
        {
          local: 's',
          remote: '$.S',
          direction: 'inbound',
          transform: { type: 'lookup', map: { a: 'x', b: 'x' } },
        },
      ]),
    ).not.toThrow();
  });
});

describe('compute transform', () => {
  const computes: Record<string, ComputeFunction> = {
    fullName: {
      inbound: (_value, ctx) => {
        const r = ctx.record as { GivenName?: string; FamilyName?: string };
        return [r.GivenName, r.FamilyName].filter(Boolean).join(' ') || null;
      },
    },
    cents: {
      inbound: (v, ctx) => Number(v) / ((ctx.options as { divisor: number }).divisor ?? 100),
      outbound: (v) => Math.round(Number(v) * 100),
      checkOptions: (options) =>
        typeof (options as { divisor?: unknown })?.divisor === 'number' ? [] : ['divisor must be a number'],
    },
    explode: {
      inbound: () => {
        throw new Error('boom');
      },
    },
  };

  it('calls the registered function with the value and the whole source record', () => {
    const spy = vi.fn(computes.fullName!.inbound!);
    const m = compileMappings(
      [
        {
          local: 'name',
          remote: '$.GivenName',
          direction: 'inbound',
          transform: { type: 'compute', name: 'fullName' },
        },
        {
          local: 'price',
          remote: '$.price',
          transform: { type: 'compute', name: 'cents', options: { divisor: 100 } },
        },
      ],
      { computes: { ...computes, fullName: { inbound: spy } } },
    );
    const remote = { GivenName: 'Ada', FamilyName: 'Lovelace', price: 1999 };
    expect(value(m.inbound(remote))).toEqual({ name: 'Ada Lovelace', price: 19.99 });
    expect(spy).toHaveBeenCalledWith('Ada', {
      record: remote,
      direction: 'inbound',
      local: 'name',
      remote: '$.GivenName',
      options: undefined,
    });
    expect(value(m.outbound({ price: 19.99 }))).toEqual({ price: 1999 });
  });

  it('looks names up in the registry only, never as code or inherited properties', () => {
    expect(
      problemsOf([
        { local: 'a', remote: '$.A', direction: 'inbound', transform: { type: 'compute', name: 'toString' } },
        {
          local: 'b',
          remote: '$.B',
          direction: 'inbound',
          transform: { type: 'compute', name: '(() => 1)()' },
        },
      ]),
    ).toEqual([
      'mappings[0].transform.name: compute "toString" is not registered (registered: none); pass it in compileMappings(specs, { computes })',
      'mappings[1].transform.name: compute "(() => 1)()" is not registered (registered: none); pass it in compileMappings(specs, { computes })',
    ]);
  });

  it('rejects a compute without the function for a direction it is used in, and bad options', () => {
    expect(
      problemsOf(
        [
          { local: 'name', remote: '$.GivenName', transform: { type: 'compute', name: 'fullName' } },
          { local: 'p', remote: '$.p', transform: { type: 'compute', name: 'cents', options: {} } },
        ],
        computes,
      ),
    ).toEqual([
      `mappings[0].transform.name: compute "fullName" has no outbound function but the mapping is used outbound; add one or set direction: 'inbound'`,
      'mappings[1].transform.options: divisor must be a number',
    ]);
    expect(
      problemsOf(
        [{ local: 'x', remote: '$.x', direction: 'inbound', transform: { type: 'compute', name: 'strict' } }],
        {
          strict: {
            inbound: (v) => v,
            checkOptions: () => {
              throw new Error('options must be set');
            },
          },
        },
      ),
    ).toEqual(['mappings[0].transform.options: compute "strict" rejected its options: options must be set']);
  });

  it('turns a throwing compute into a failure of that record, keeping the error as cause', () => {
    const m = compileMappings(
      [{ local: 'x', remote: '$.x', direction: 'inbound', transform: { type: 'compute', name: 'explode' } }],
      { computes },
    );
    const result = m.inbound({ x: 1 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.issues[0]?.message).toBe('$.x: compute "explode" threw: boom');
    expect((result.error.cause as Error).message).toBe('boom');
  });
});

describe('constant transform', () => {
  it('writes the constant to the target side whatever the source holds', () => {
    const m = compileMappings([
      {
        local: 'source',
        remote: '$.Source',
        direction: 'inbound',
        transform: { type: 'constant', value: 'quickbooks' },
      },
      {
        local: 'taxable',
        remote: '$.Taxable',
        direction: 'outbound',
        transform: { type: 'constant', value: true },
      },
    ]);
    expect(value(m.inbound({ Source: 'other' }))).toEqual({ source: 'quickbooks' });
    expect(value(m.outbound({}))).toEqual({ Taxable: true });
    expect(value(m.outbound({}, { fields: ['name'] }))).toEqual({});
  });
});
