import { describe, expect, it } from 'vitest';
import { newFieldMappingSchema } from '../domain/field-mapping.js';
import { isConfigError } from '../errors/index.js';
import { compileMappings } from './compile-mappings.js';
import { fieldMappingsToSpecs, mappingSpecsToFieldMappings } from './field-mapping-rows.js';
import type { MappingSpec } from './mapping-spec.js';

const specs: MappingSpec[] = [
  { local: 'name', remote: '$.DisplayName', required: true },
  {
    local: 'email',
    remote: '$.PrimaryEmailAddr.Address',
    direction: 'inbound',
    default: 'none@example.test',
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
    local: 'source',
    remote: '$.Source',
    direction: 'outbound',
    transform: { type: 'constant', value: 'app' },
  },
];

describe('field-mapping rows', () => {
  it('stores specs as rows the storage schema accepts, transform options without the type', () => {
    const rows = mappingSpecsToFieldMappings(specs);
    for (const row of rows) expect(newFieldMappingSchema.safeParse(row).success).toBe(true);
    expect(rows[0]).toEqual({
      localField: 'name',
      remoteField: '$.DisplayName',
      transformType: 'direct',
      transformConfig: null,
      direction: 'bidirectional',
      isRequired: true,
      defaultValue: null,
    });
    expect(rows[2]).toMatchObject({
      transformType: 'lookup',
      transformConfig: { map: { true: 'active', false: 'archived' } },
    });
  });

  it('reads rows back into the same specs', () => {
    const rows = mappingSpecsToFieldMappings(specs).map((row) => newFieldMappingSchema.parse(row));
    expect(fieldMappingsToSpecs(rows)).toEqual(specs);
    expect(() => compileMappings(fieldMappingsToSpecs(rows))).not.toThrow();
  });

  it('names the stored rows whose transform options are missing', () => {
    let problems: readonly string[] = [];
    try {
      fieldMappingsToSpecs([
        {
          localField: 'a',
          remoteField: '$.A',
          transformType: 'lookup',
          transformConfig: null,
          direction: 'bidirectional',
          isRequired: false,
          defaultValue: null,
        },
      ]);
    } catch (error) {
      if (isConfigError(error)) problems = error.problems;
    }
    expect(problems).toEqual([
      'fieldMappings[0].transformConfig: a lookup transform needs its options, found null',
    ]);
  });
});
