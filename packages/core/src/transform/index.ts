export {
  type CompiledMappings,
  type CompileMappingsOptions,
  compileMappings,
  type MapResult,
} from './compile-mappings.js';
export type { ComputeContext, ComputeFunction } from './compile-transform.js';
export {
  type FieldMappingRow,
  fieldMappingsToSpecs,
  mappingSpecsToFieldMappings,
} from './field-mapping-rows.js';
export type { DateFormat, DateRepresentation } from './format-date.js';
export type { MoneyFormat, MoneyRepresentation } from './format-money.js';
export type { FormatSpec, MappingSpec, StringFormat, TransformSpec } from './mapping-spec.js';
