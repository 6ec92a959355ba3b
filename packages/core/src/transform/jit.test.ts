import { describe, expect, it } from 'vitest';
import { compileMappings } from './compile-mappings.js';

describe('generated mapping functions', () => {
  it('treat hostile property names as data, never as code', () => {
    const name = `a"]; globalThis.__syncbridgePwned = 1; //`;
    const local = `x'\\"\u2028y`;
    const mapping = compileMappings([
      { local, remote: `$[${JSON.stringify(name)}]` },
      { local: 'tag', remote: `$.tags[?(@.k=="\\"); globalThis.__syncbridgePwned = 2; //")].v` },
    ]);
    const remote = { [name]: 'value', tags: [{ k: '"); globalThis.__syncbridgePwned = 2; //', v: 'T' }] };
    expect(mapping.inbound(remote)).toEqual({ ok: true, value: { [local]: 'value', tag: 'T' } });
    expect(mapping.outbound({ [local]: 'value', tag: 'T' })).toEqual({ ok: true, value: remote });
    expect((globalThis as Record<string, unknown>).__syncbridgePwned).toBeUndefined();
  });

  it('fall back to the interpreter for payload shapes they do not build', () => {
    const mapping = compileMappings([
      { local: 'first', remote: '$.CustomField[0].StringValue' },
      { local: 'region', remote: "$.CustomField[?(@.Name=='Region')].StringValue" },
    ]);
    expect(mapping.outbound({ first: 'A', region: 'West' })).toEqual({
      ok: true,
      value: { CustomField: [{ StringValue: 'A' }, { Name: 'Region', StringValue: 'West' }] },
    });
  });
});
