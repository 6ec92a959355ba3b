import type { SyncDirection } from '../domain/common.js';
import type { DateFormat } from './format-date.js';
import type { MoneyFormat } from './format-money.js';

/**
 * String normalisation, applied the same way in both directions (trim first, then case).
 * `'trim' | 'lower' | 'upper'` are shorthands for `{ kind: 'string', trim: true }` and so on.
 *
 * ```ts
 * { local: 'email', remote: '$.email', transform: { type: 'format', format: { kind: 'string', trim: true, case: 'lower' } } }
 * ```
 */
export interface StringFormat {
  kind: 'string';
  trim?: boolean;
  case?: 'lower' | 'upper';
}

/**
 * The options of a `format` transform: dates ({@link DateFormat}), money ({@link MoneyFormat}) or
 * strings ({@link StringFormat}, or the shorthands `'trim' | 'lower' | 'upper'`).
 *
 * ```ts
 * const format: FormatSpec = { kind: 'money', remote: 'minor', local: 'decimal', currency: 'usd' };
 * ```
 */
export type FormatSpec = DateFormat | MoneyFormat | StringFormat | 'trim' | 'lower' | 'upper';

/**
 * How a value is converted between the provider and the host.
 * - `direct`: as is (objects and arrays are copied, never shared).
 * - `format`: dates, money and strings, see {@link FormatSpec}.
 * - `lookup`: a table from provider values (keys, compared as text: `true`, `1`, `"gold"`) to
 *   host values. Outbound uses the inverted table and restores the key's type (keys that are all
 *   `true`/`false` become booleans, all numeric become numbers; override with `keyType`). A table
 *   that maps two keys to one value cannot be inverted: a `ConfigError` at compile time when the
 *   mapping is used outbound. `default` answers an unknown provider value; `inverseDefault`
 *   an unknown host value (both otherwise fail that record).
 * - `compute`: a named function registered in code (`compileMappings(specs, { computes })`); the
 *   name is looked up, never evaluated.
 * - `constant`: `value` is written to the target side whatever the source holds.
 *
 * ```ts
 * { type: 'lookup', map: { true: 'active', false: 'archived' } }
 * ```
 */
export type TransformSpec =
  | { type: 'direct' }
  | { type: 'format'; format: FormatSpec }
  | {
      type: 'lookup';
      map: Record<string, unknown>;
      default?: unknown;
      inverseDefault?: unknown;
      keyType?: 'string' | 'number' | 'boolean';
    }
  | { type: 'compute'; name: string; options?: unknown }
  | { type: 'constant'; value: unknown };

/**
 * One field of a mapping between a host record and a provider record.
 *
 * - `local`: a dotted path in the host record (`address.line1` builds `{ address: { line1 } }`).
 * - `remote`: a JSONPath into the provider record: `$.DisplayName`, `$.Line[0].Amount`,
 *   `$.metadata.crm_id`, `$.metadata['crm-id']`, or a keyed array element such as QuickBooks
 *   custom fields `$.CustomField[?(@.Name=='Region')].StringValue`. Keyed elements are written
 *   too: the element whose keys equal the filter's literals is updated, or appended holding
 *   them (list every key the provider needs on create in the filter, joined with `&&`). Other
 *   JSONPath forms (`*`, `..`, unions, slices, other filters) read the array of every match and
 *   can only be used with `direction: 'inbound'`. Outbound, arrays written by index get `null`
 *   at positions no mapping writes (`$.Line[1].Amount` alone writes `Line: [null, { Amount }]`).
 * - `direction`: default `bidirectional`.
 * - Missing values: a provider value that is absent or `null` becomes `default` if given, else
 *   `null`; the host side is read the same way. So a mapped field is always present (possibly
 *   `null`) in `inbound()` and `pickLocal()`, and equal data hashes equal on both sides.
 *   `default` is a host-side value: outbound, it stands in for a missing host value before the
 *   transform runs.
 * - `required`: still missing after the default → that record fails with a `ValidationError`
 *   naming the field (the run goes on).
 *
 * ```ts
 * const specs: MappingSpec[] = [
 *   { local: 'name', remote: '$.DisplayName', required: true },
 *   { local: 'status', remote: '$.Active', transform: { type: 'lookup', map: { true: 'active', false: 'archived' } } },
 *   { local: 'region', remote: "$.CustomField[?(@.DefinitionId=='1' && @.Name=='Region' && @.Type=='StringType')].StringValue" },
 * ];
 * ```
 */
export interface MappingSpec {
  local: string;
  remote: string;
  transform?: TransformSpec;
  direction?: SyncDirection;
  required?: boolean;
  default?: unknown;
}
