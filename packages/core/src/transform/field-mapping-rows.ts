import type { FieldMapping, NewFieldMapping, TransformType } from '../domain/field-mapping.js';
import { ConfigError } from '../errors/config-error.js';
import type { MappingSpec, TransformSpec } from './mapping-spec.js';

/**
 * The columns of a stored field mapping that describe it (ids, order and timestamps aside).
 *
 * ```ts
 * const row: FieldMappingRow = { localField: 'name', remoteField: '$.DisplayName', transformType: 'direct',
 *   transformConfig: null, direction: 'bidirectional', isRequired: true, defaultValue: null };
 * ```
 */
export type FieldMappingRow = Pick<
  FieldMapping,
  | 'localField'
  | 'remoteField'
  | 'transformType'
  | 'transformConfig'
  | 'direction'
  | 'isRequired'
  | 'defaultValue'
>;

const TYPES: readonly TransformType[] = ['direct', 'format', 'lookup', 'compute', 'constant'];

/**
 * Turns mapping specs into field-mapping rows for storage, in order (store `position` as the
 * array index). The transform's options go to `transformConfig` without `type`; `null` there
 * means a direct mapping. A missing `default` is stored as `null`, which the transformer treats
 * the same way (a `null` default is no default). Only the shape is checked here;
 * `compileMappings` checks the meaning.
 *
 * ```ts
 * const rows = mappingSpecsToFieldMappings([{ local: 'name', remote: '$.DisplayName', required: true }]);
 * // [{ localField: 'name', remoteField: '$.DisplayName', transformType: 'direct', transformConfig: null,
 * //    direction: 'bidirectional', isRequired: true, defaultValue: null }]
 * ```
 */
export function mappingSpecsToFieldMappings(specs: readonly MappingSpec[]): NewFieldMapping[] {
  const problems: string[] = [];
  const rows = specs.map((spec, index): NewFieldMapping => {
    const transform = spec.transform ?? { type: 'direct' };
    if (!TYPES.includes(transform.type))
      problems.push(`mappings[${index}].transform.type: must be one of ${TYPES.join(', ')}`);
    const { type, ...config } = transform as TransformSpec & Record<string, unknown>;
    return {
      localField: spec.local,
      remoteField: spec.remote,
      transformType: type,
      transformConfig: type === 'direct' ? null : structuredClone(config),
      direction: spec.direction ?? 'bidirectional',
      isRequired: spec.required ?? false,
      defaultValue: spec.default === undefined ? null : structuredClone(spec.default),
    };
  });
  if (problems.length)
    throw new ConfigError(`mappingSpecsToFieldMappings: ${problems.join('; ')}`, { problems });
  return rows;
}

/**
 * Turns stored field-mapping rows (in `position` order) back into mapping specs: the inverse of
 * {@link mappingSpecsToFieldMappings}. Throws a `ConfigError` naming the rows whose transform
 * config is not an object where one is needed.
 *
 * ```ts
 * const specs = fieldMappingsToSpecs(await storage.fieldMappings.list(configId));
 * const mapping = compileMappings(specs, { computes });
 * ```
 */
export function fieldMappingsToSpecs(rows: readonly FieldMappingRow[]): MappingSpec[] {
  const problems: string[] = [];
  const specs = rows.map((row, index): MappingSpec => {
    const spec: MappingSpec = { local: row.localField, remote: row.remoteField };
    if (row.transformType !== 'direct') {
      const config = row.transformConfig;
      if (typeof config !== 'object' || config === null) {
        problems.push(
          `fieldMappings[${index}].transformConfig: a ${row.transformType} transform needs its options, found ${config === null ? 'null' : typeof config}`,
        );
      } else {
        spec.transform = { ...structuredClone(config), type: row.transformType } as TransformSpec;
      }
    }
    if (row.direction !== 'bidirectional') spec.direction = row.direction;
    if (row.isRequired) spec.required = true;
    if (row.defaultValue !== null && row.defaultValue !== undefined)
      spec.default = structuredClone(row.defaultValue);
    return spec;
  });
  if (problems.length)
    throw new ConfigError(`fieldMappingsToSpecs: ${problems.join('; ')}. Fix the stored field mappings.`, {
      problems,
    });
  return specs;
}
