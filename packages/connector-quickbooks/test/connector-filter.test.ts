import { isConfigError } from '@syncbridge/core';
import { describe, expect, it } from 'vitest';
import { filterConditions } from '../src/entities/entity.js';

describe('sync filter → query conditions', () => {
  it('escapes values, ANDs fields and turns arrays into IN', () => {
    expect(filterConditions('Customer', { CompanyName: "O'Brien", Active: true, Id: ['1', '2'] })).toEqual([
      "CompanyName = 'O\\'Brien'",
      'Active = true',
      "Id IN ('1', '2')",
    ]);
    expect(filterConditions('Customer', null)).toEqual([]);
  });

  it('refuses field names that are not plain paths and values that are not scalars, naming each', () => {
    let error: unknown;
    try {
      filterConditions('Customer', { 'Name = 1 OR x': 'a', BillAddr: { City: 'X' }, Id: [] });
    } catch (e) {
      error = e;
    }
    expect(isConfigError(error)).toBe(true);
    expect((error as { problems: string[] }).problems).toHaveLength(3);
  });
});
