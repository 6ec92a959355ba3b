import { describe, expect, it } from 'vitest';
import { ConfigError, isConfigError } from '../errors/index.js';
import { compileMappings } from './compile-mappings.js';
import type { MappingSpec } from './mapping-spec.js';

function problemsOf(
  specs: readonly unknown[],
  options?: Parameters<typeof compileMappings>[1],
): readonly string[] {
  try {
    compileMappings(specs as MappingSpec[], options);
  } catch (error) {
    if (isConfigError(error)) return error.problems;
    throw error;
  }
  throw new Error('expected compileMappings to throw a ConfigError');
}

describe('compileMappings configuration errors', () => {
  it('throws one ConfigError listing every problem with its index and field', () => {
    const specs = [
      { local: 'name', remote: '$.DisplayName' },
      { local: '', remote: '$.A' },
      { local: 'b', remote: 'B' },
      { local: 'bill', remote: '$.Bill[' },
      { local: 'c', remote: '$.C', direction: 'sideways', requried: true },
    ];
    let thrown: unknown;
    try {
      compileMappings(specs as MappingSpec[]);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const error = thrown as ConfigError;
    expect(error.problems).toEqual([
      'mappings[1].local: must be a non-empty dotted path such as "address.line1"',
      'mappings[2].remote: "B" is not a valid JSONPath: it must start with "$" (did you mean "$.B"?)',
      'mappings[3].remote: "$.Bill[" is not a valid JSONPath: "[" at position 6 is never closed',
      'mappings[4].requried: is not a mapping option (known: local, remote, transform, direction, required, default)',
      'mappings[4].direction: must be one of inbound, outbound, bidirectional (got "sideways")',
    ]);
    expect(error.message).toContain('5 problems in the field mappings');
    expect(error.message).toContain('mappings[3].remote: "$.Bill[" is not a valid JSONPath');
  });

  it('rejects a read-only JSONPath used outbound and says how to fix it', () => {
    expect(problemsOf([{ local: 'amounts', remote: '$.Line[*].Amount' }])).toEqual([
      `mappings[0].remote: "$.Line[*].Amount" cannot be written (wildcard "*"); set direction: 'inbound' or use a path to one value such as "$.Line[0].Amount"`,
    ]);
    expect(() =>
      compileMappings([{ local: 'amounts', remote: '$.Line[*].Amount', direction: 'inbound' }]),
    ).not.toThrow();
  });

  it('accepts read-only paths and outbound-only problems when the whole config is inbound', () => {
    const mapping = compileMappings(
      [
        { local: 'amounts', remote: '$.Line[*].Amount' },
        { local: 'tier', remote: '$.Tier', transform: { type: 'lookup', map: { a: 'x', b: 'x' } } },
        { local: 'pushed', remote: '$.Pushed', direction: 'outbound' },
      ],
      { direction: 'inbound' },
    );
    expect(mapping.localFields).toEqual(['amounts', 'tier']);
    expect(mapping.outboundFields).toEqual([]);
  });

  it('rejects a filter whose element cannot be written without a property after it', () => {
    expect(problemsOf([{ local: 'region', remote: "$.CustomField[?(@.Name=='Region')]" }])[0]).toContain(
      'name the property to write after the filter',
    );
  });

  it('rejects two inbound mappings that write the same or an enclosing host field', () => {
    expect(
      problemsOf([
        { local: 'address', remote: '$.BillAddr', direction: 'inbound' },
        { local: 'address.city', remote: '$.ShipAddr.City', direction: 'inbound' },
        { local: 'name', remote: '$.DisplayName', direction: 'inbound' },
        { local: 'name', remote: '$.CompanyName', direction: 'inbound' },
      ]),
    ).toEqual([
      'mappings[1].local: "address.city" overlaps mappings[0].local "address"; two inbound mappings would write the same host field',
      'mappings[3].local: "name" overlaps mappings[2].local "name"; two inbound mappings would write the same host field',
    ]);
  });

  it('rejects two outbound mappings that write the same provider field', () => {
    expect(
      problemsOf([
        { local: 'a', remote: '$.BillAddr', direction: 'outbound' },
        { local: 'b', remote: '$.BillAddr.City', direction: 'outbound' },
      ]),
    ).toEqual([
      'mappings[1].remote: "$.BillAddr.City" overlaps mappings[0].remote; two outbound mappings would write the same provider field',
    ]);
  });

  it('allows one provider field to feed two host fields inbound', () => {
    const mapping = compileMappings([
      { local: 'name', remote: '$.DisplayName' },
      { local: 'label', remote: '$.DisplayName', direction: 'inbound' },
    ]);
    expect(mapping.inbound({ DisplayName: 'Acme' })).toEqual({
      ok: true,
      value: { name: 'Acme', label: 'Acme' },
    });
  });

  it('rejects prototype keys in local paths', () => {
    expect(problemsOf([{ local: 'a.__proto__.b', remote: '$.A' }])).toEqual([
      'mappings[0].local: the key "__proto__" is not allowed (it would reach the object prototype)',
    ]);
  });

  it('rejects a transform of unknown type and a format without a kind', () => {
    expect(
      problemsOf([
        { local: 'a', remote: '$.A', transform: { type: 'eval', code: '1+1' } },
        { local: 'b', remote: '$.B', transform: { type: 'format', format: { kind: 'color' } } },
      ]),
    ).toEqual([
      'mappings[0].transform.type: must be one of direct, format, lookup, compute, constant (got "eval")',
      `mappings[1].transform.format: must be { kind: 'date' | 'money' | 'string', ... } or 'trim' | 'lower' | 'upper' (got "{\\"kind\\":\\"color\\"}")`,
    ]);
  });

  it('fails with a clear message when mappings is not an array', () => {
    expect(() => compileMappings('nope' as unknown as MappingSpec[])).toThrow(/must be an array/);
  });
});
