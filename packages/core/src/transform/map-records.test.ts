import { describe, expect, it } from 'vitest';
import { isValidationError } from '../errors/index.js';
import { hashRecord } from '../hash/index.js';
import { type CompileMappingsOptions, compileMappings, type MapResult } from './compile-mappings.js';
import type { MappingSpec } from './mapping-spec.js';

function value(result: MapResult): Record<string, unknown> {
  if (!result.ok) throw result.error;
  return result.value;
}

// Every behaviour holds for the generated functions and for the interpreter alike.
describe.each([{ jit: true }, { jit: false }])('mapping records (jit: $jit)', ({ jit }) => {
  const compile = (specs: MappingSpec[], options: CompileMappingsOptions = {}) =>
    compileMappings(specs, { ...options, jit });

  const customer = compile([
    { local: 'name', remote: '$.DisplayName', required: true },
    { local: 'email', remote: '$.PrimaryEmailAddr.Address' },
    { local: 'address.line1', remote: '$.BillAddr.Line1' },
    { local: 'address.city', remote: '$.BillAddr.City', default: 'Unknown' },
    { local: 'firstLine', remote: '$.Line[0].Amount' },
    { local: 'crmId', remote: '$.metadata.crm_id' },
    { local: 'region', remote: "$.CustomField[?(@.DefinitionId=='1' && @.Name=='Region')].StringValue" },
  ]);

  describe('inbound', () => {
    it('reads nested, indexed and keyed paths into nested local fields', () => {
      const remote = {
        DisplayName: 'Acme',
        PrimaryEmailAddr: { Address: 'a@acme.test' },
        BillAddr: { Line1: '1 Main St', City: 'Springfield' },
        Line: [{ Amount: 10 }, { Amount: 20 }],
        metadata: { crm_id: 'crm_1' },
        CustomField: [
          { DefinitionId: '2', Name: 'Tier', StringValue: 'Gold' },
          { DefinitionId: '1', Name: 'Region', StringValue: 'West', Type: 'StringType' },
        ],
        Unmapped: 'ignored',
      };
      expect(value(customer.inbound(remote))).toEqual({
        name: 'Acme',
        email: 'a@acme.test',
        address: { line1: '1 Main St', city: 'Springfield' },
        firstLine: 10,
        crmId: 'crm_1',
        region: 'West',
      });
    });

    it('turns an absent or null provider value into the default, else null', () => {
      expect(value(customer.inbound({ DisplayName: 'Acme', BillAddr: { City: null } }))).toEqual({
        name: 'Acme',
        email: null,
        address: { line1: null, city: 'Unknown' },
        firstLine: null,
        crmId: null,
        region: null,
      });
    });

    it('fails only that record, naming every required field still missing after defaults', () => {
      const mapping = compile([
        { local: 'name', remote: '$.DisplayName', required: true },
        { local: 'email', remote: '$.Email', required: true },
        { local: 'city', remote: '$.City', required: true, default: 'Nowhere' },
      ]);
      const result = mapping.inbound({ DisplayName: null });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(isValidationError(result.error)).toBe(true);
      expect(result.error.issues.map((i) => [i.path.join('.'), i.code])).toEqual([
        ['name', 'required'],
        ['email', 'required'],
      ]);
      expect(result.error.message).toBe(
        'inbound mapping failed for 2 fields: name: is required, but $.DisplayName is missing and there is no default; email: is required, but $.Email is missing and there is no default',
      );
      expect(value(mapping.inbound({ DisplayName: 'A', Email: 'e' }))).toEqual({
        name: 'A',
        email: 'e',
        city: 'Nowhere',
      });
    });

    it('fails a record whose keyed path matches several array elements instead of picking one', () => {
      const result = customer.inbound({
        DisplayName: 'A',
        CustomField: [
          { DefinitionId: '1', Name: 'Region', StringValue: 'West' },
          { DefinitionId: '1', Name: 'Region', StringValue: 'East' },
        ],
      });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.issues[0]).toMatchObject({ path: ['region'], code: 'ambiguous' });
    });

    it('reads general JSONPaths as the array of every match', () => {
      const mapping = compile(
        [
          { local: 'amounts', remote: '$.Line[*].Amount' },
          { local: 'salesAmounts', remote: "$.Line[?(@.DetailType!='SubTotalLineDetail')].Amount" },
        ],
        { direction: 'inbound' },
      );
      const remote = {
        Line: [
          { Amount: 10, DetailType: 'SalesItemLineDetail' },
          { Amount: 30, DetailType: 'SubTotalLineDetail' },
        ],
      };
      expect(value(mapping.inbound(remote))).toEqual({ amounts: [10, 30], salesAmounts: [10] });
      expect(value(mapping.inbound({}))).toEqual({ amounts: [], salesAmounts: [] });
    });

    it('does not read inherited properties or functions as data', () => {
      const mapping = compile([{ local: 'x', remote: '$.toString' }]);
      expect(value(mapping.inbound({}))).toEqual({ x: null });
    });

    it('copies objects so the mapped record shares nothing with the provider record', () => {
      const mapping = compile([{ local: 'address', remote: '$.BillAddr' }]);
      const remote = { BillAddr: { City: 'A' } };
      const mapped = value(mapping.inbound(remote));
      (mapped.address as Record<string, unknown>).City = 'B';
      expect(remote.BillAddr.City).toBe('A');
    });

    it('fails a provider record that is not an object', () => {
      const result = customer.inbound([1, 2]);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.message).toContain('not an object');
    });
  });

  describe('outbound', () => {
    it('builds nested objects, arrays and keyed custom-field elements from the JSONPaths', () => {
      const payload = value(
        customer.outbound({
          name: 'Acme',
          email: 'a@acme.test',
          address: { line1: '1 Main St', city: 'Springfield' },
          firstLine: 10,
          crmId: 'crm_1',
          region: 'West',
        }),
      );
      expect(payload).toEqual({
        DisplayName: 'Acme',
        PrimaryEmailAddr: { Address: 'a@acme.test' },
        BillAddr: { Line1: '1 Main St', City: 'Springfield' },
        Line: [{ Amount: 10 }],
        metadata: { crm_id: 'crm_1' },
        CustomField: [{ DefinitionId: '1', Name: 'Region', StringValue: 'West' }],
      });
    });

    it('writes two keyed elements into one array and fills array holes with null', () => {
      const mapping = compile([
        { local: 'region', remote: "$.CustomField[?(@.Name=='Region')].StringValue" },
        { local: 'tier', remote: "$.CustomField[?(@.Name=='Tier')].StringValue" },
        { local: 'third', remote: '$.Line[2].Amount' },
      ]);
      expect(value(mapping.outbound({ region: 'West', tier: 'Gold', third: 3 }))).toEqual({
        CustomField: [
          { Name: 'Region', StringValue: 'West' },
          { Name: 'Tier', StringValue: 'Gold' },
        ],
        Line: [null, null, { Amount: 3 }],
      });
    });

    it('restricts a sparse update to the given local fields, matching nested paths both ways', () => {
      const local = { name: 'Acme', email: 'e', address: { line1: 'L', city: 'C' }, region: 'West' };
      expect(value(customer.outbound(local, { fields: ['email', 'address.city'] }))).toEqual({
        PrimaryEmailAddr: { Address: 'e' },
        BillAddr: { City: 'C' },
      });
      expect(value(customer.outbound(local, { fields: ['address', 'unmapped'] }))).toEqual({
        BillAddr: { Line1: 'L', City: 'C' },
      });
      expect(value(customer.outbound(local, { fields: [] }))).toEqual({});
    });

    it('writes a missing host value as null (so a sparse update clears it), or its default', () => {
      const mapping = compile([
        { local: 'email', remote: '$.Email' },
        { local: 'country', remote: '$.Country', default: 'US' },
      ]);
      expect(value(mapping.outbound({}))).toEqual({ Email: null, Country: 'US' });
    });

    it('fails a record whose required field is missing outbound, unless the field is not selected', () => {
      const result = customer.outbound({ email: 'e' });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.issues.map((i) => i.path.join('.'))).toEqual(['name']);
      expect(customer.outbound({ email: 'e' }, { fields: ['email'] }).ok).toBe(true);
    });

    it('skips inbound-only mappings and writes outbound-only ones', () => {
      const mapping = compile([
        { local: 'id', remote: '$.metadata.app_id', direction: 'outbound' },
        { local: 'balance', remote: '$.Balance', direction: 'inbound' },
      ]);
      expect(value(mapping.outbound({ id: 'c_1', balance: 5 }))).toEqual({ metadata: { app_id: 'c_1' } });
      expect(value(mapping.inbound({ metadata: { app_id: 'c_1' }, Balance: 5 }))).toEqual({ balance: 5 });
      expect(mapping.inboundFields).toEqual(['balance']);
      expect(mapping.outboundFields).toEqual(['id']);
    });
  });

  describe('pickLocal', () => {
    it('projects a host record onto the inbound fields so equal data hashes equal on both sides', () => {
      const remote = {
        DisplayName: 'Acme',
        BillAddr: { Line1: '1 Main St' },
        CustomField: [{ DefinitionId: '1', Name: 'Region', StringValue: 'West' }],
      };
      const host = {
        id: 'c_42',
        name: 'Acme',
        email: undefined,
        address: { line1: '1 Main St', extra: 'not mapped' },
        region: 'West',
        updatedAt: new Date(),
      };
      const picked = customer.pickLocal(host);
      expect(picked).toEqual({
        name: 'Acme',
        email: null,
        address: { line1: '1 Main St', city: 'Unknown' },
        firstLine: null,
        crmId: null,
        region: 'West',
      });
      expect(hashRecord(picked)).toBe(hashRecord(value(customer.inbound(remote))));
    });

    it('projects onto the outbound fields when asked', () => {
      const mapping = compile([
        { local: 'id', remote: '$.metadata.app_id', direction: 'outbound' },
        { local: 'balance', remote: '$.Balance', direction: 'inbound' },
      ]);
      expect(mapping.pickLocal({ id: 'c_1', balance: 5 })).toEqual({ balance: 5 });
      expect(mapping.pickLocal({ id: 'c_1', balance: 5 }, { direction: 'outbound' })).toEqual({ id: 'c_1' });
    });
  });
});
