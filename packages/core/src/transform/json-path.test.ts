import { describe, expect, it } from 'vitest';
import { parseRemotePath } from './json-path.js';

describe('parseRemotePath', () => {
  it('classifies keys and indexes as a definite path', () => {
    expect(parseRemotePath('$.BillAddr.Line1')).toEqual({ kind: 'definite', steps: ['BillAddr', 'Line1'] });
    expect(parseRemotePath("$.Line[0]['Amount']")).toEqual({
      kind: 'definite',
      steps: ['Line', 0, 'Amount'],
    });
    expect(parseRemotePath('$.metadata["crm-id"]')).toEqual({
      kind: 'definite',
      steps: ['metadata', 'crm-id'],
    });
    expect(parseRemotePath('$')).toEqual({ kind: 'definite', steps: [] });
  });

  it('recognises an equality filter on keys followed by a definite rest as a keyed path', () => {
    expect(
      parseRemotePath("$.CustomField[?(@.DefinitionId=='1' && @['Name'] === \"Region\")].StringValue"),
    ).toEqual({
      kind: 'keyed',
      array: ['CustomField'],
      match: [
        ['DefinitionId', '1'],
        ['Name', 'Region'],
      ],
      rest: ['StringValue'],
    });
    expect(parseRemotePath('$.Line[?(@.LineNum==2)].Amount')).toMatchObject({
      kind: 'keyed',
      match: [['LineNum', 2]],
    });
  });

  it('classifies wildcards, recursive descent, unions, slices and other filters as read-only queries', () => {
    for (const [path, why] of [
      ['$.Line[*].Amount', 'wildcard'],
      ['$.Line.*', 'wildcard'],
      ['$..Amount', 'recursive descent'],
      ["$.a['x','y']", 'union'],
      ['$.Line[0,1]', 'union'],
      ['$.Line[-1:]', 'slice'],
      ['$.Line[?(@.Amount > 10)].Amount', 'not a plain equality'],
      ["$.CustomField[?(@.Name=='A' || @.Name=='B')].StringValue", 'not a plain equality'],
    ] as const) {
      const parsed = parseRemotePath(path);
      expect(parsed, path).toMatchObject({ kind: 'query' });
      expect((parsed as { why: string }).why, path).toContain(why);
    }
  });

  it('rejects malformed paths with the position of the problem', () => {
    expect(parseRemotePath('$.Bill[')).toEqual({
      problem: '"$.Bill[" is not a valid JSONPath: "[" at position 6 is never closed',
    });
    expect(parseRemotePath('DisplayName')).toEqual({
      problem:
        '"DisplayName" is not a valid JSONPath: it must start with "$" (did you mean "$.DisplayName"?)',
    });
    expect(parseRemotePath('$.a.')).toMatchObject({ problem: expect.stringContaining('ends with "."') });
    expect(parseRemotePath("$.a['x]")).toMatchObject({ problem: expect.stringContaining('never closed') });
    expect(parseRemotePath('$.a[-1]')).toMatchObject({ problem: expect.stringContaining('negative index') });
    expect(parseRemotePath('$.a b')).toMatchObject({ problem: expect.stringContaining('unexpected " "') });
  });

  it('rejects keys that reach the object prototype', () => {
    expect(parseRemotePath('$.__proto__.x')).toMatchObject({ problem: expect.stringContaining('__proto__') });
    expect(parseRemotePath("$.a['constructor']")).toMatchObject({
      problem: expect.stringContaining('constructor'),
    });
  });
});
