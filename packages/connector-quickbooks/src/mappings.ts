import type { MappingSpec } from '@syncbridge/core';

/**
 * Ready-made field mappings for `bridge.sync.configure(..., { mappings })`, in core's
 * transformer syntax ({@link MappingSpec}): the usual host fields against QuickBooks' JSON paths.
 * Copy and adjust; they are plain, frozen data.
 *
 * ```ts
 * await bridge.sync.configure(id, { localEntity: 'customer', remoteEntity: 'Customer', mappings: customerMappings });
 * ```
 */
export type QuickBooksFieldMapping = Readonly<MappingSpec>;

const frozen = (mappings: MappingSpec[]): readonly QuickBooksFieldMapping[] =>
  Object.freeze(mappings.map((m) => Object.freeze(m)));

/** `Active` ↔ `'active' | 'archived'`; outbound the table is inverted back to booleans. */
const activeStatus: MappingSpec['transform'] = {
  type: 'lookup',
  map: { true: 'active', false: 'archived' },
};

/** Customer ↔ a host customer: names, contact, billing address, notes; balance is read-only. */
export const customerMappings: readonly QuickBooksFieldMapping[] = frozen([
  { local: 'name', remote: '$.DisplayName', required: true },
  { local: 'firstName', remote: '$.GivenName' },
  { local: 'lastName', remote: '$.FamilyName' },
  { local: 'company', remote: '$.CompanyName' },
  { local: 'email', remote: '$.PrimaryEmailAddr.Address' },
  { local: 'phone', remote: '$.PrimaryPhone.FreeFormNumber' },
  { local: 'address.line1', remote: '$.BillAddr.Line1' },
  { local: 'address.city', remote: '$.BillAddr.City' },
  { local: 'address.region', remote: '$.BillAddr.CountrySubDivisionCode' },
  { local: 'address.postalCode', remote: '$.BillAddr.PostalCode' },
  { local: 'address.country', remote: '$.BillAddr.Country' },
  { local: 'notes', remote: '$.Notes' },
  { local: 'balance', remote: '$.Balance', direction: 'inbound' },
  { local: 'status', remote: '$.Active', transform: activeStatus },
]);

/**
 * Invoice ↔ a host invoice. `lines` is QuickBooks' `Line` array as is; totals are read-only
 * (QuickBooks computes them). Add custom fields with {@link customFieldMapping}.
 */
export const invoiceMappings: readonly QuickBooksFieldMapping[] = frozen([
  { local: 'number', remote: '$.DocNumber' },
  { local: 'customerId', remote: '$.CustomerRef.value', required: true },
  { local: 'issueDate', remote: '$.TxnDate' },
  { local: 'dueDate', remote: '$.DueDate' },
  { local: 'lines', remote: '$.Line', required: true },
  { local: 'total', remote: '$.TotalAmt', direction: 'inbound' },
  { local: 'balance', remote: '$.Balance', direction: 'inbound' },
]);

/** Payment ↔ a host payment; `appliedTo` is the `Line` array with its `LinkedTxn`s. */
export const paymentMappings: readonly QuickBooksFieldMapping[] = frozen([
  { local: 'customerId', remote: '$.CustomerRef.value', required: true },
  { local: 'amount', remote: '$.TotalAmt', required: true },
  { local: 'date', remote: '$.TxnDate' },
  { local: 'appliedTo', remote: '$.Line' },
]);

/** Item (product or service) ↔ a host product; quantity on hand is read-only. */
export const itemMappings: readonly QuickBooksFieldMapping[] = frozen([
  { local: 'name', remote: '$.Name', required: true },
  {
    local: 'type',
    remote: '$.Type',
    transform: {
      type: 'lookup',
      map: { Service: 'service', Inventory: 'inventory', NonInventory: 'non_inventory' },
    },
  },
  { local: 'sku', remote: '$.Sku' },
  { local: 'description', remote: '$.Description' },
  { local: 'price', remote: '$.UnitPrice' },
  { local: 'incomeAccountId', remote: '$.IncomeAccountRef.value' },
  { local: 'quantityOnHand', remote: '$.QtyOnHand', direction: 'inbound' },
  { local: 'status', remote: '$.Active', transform: activeStatus },
]);

/** A QuickBooks custom field definition (Settings → Custom fields), as transactions carry it. */
export interface QuickBooksCustomField {
  /** The definition id QuickBooks gives the field in this company (`"1"`, `"2"`, …). */
  readonly definitionId: string;
  readonly name: string;
  /** Only string custom fields exist on QuickBooks Online transactions today. Default `StringType`. */
  readonly type?: 'StringType';
}

const literal = (value: string): string => {
  if (/['\\]/.test(value)) throw new RangeError(`custom field key contains a quote or backslash: ${value}`);
  return `'${value}'`;
};

/**
 * A mapping for one QuickBooks custom field (Invoice, SalesReceipt, Estimate, …): reads the
 * element of `CustomField` with that definition and writes it back, adding the element (with
 * `DefinitionId`, `Name` and `Type`, which QuickBooks needs) when the record has none.
 *
 * ```ts
 * const mappings = [...invoiceMappings, customFieldMapping('region', { definitionId: '1', name: 'Region' })];
 * ```
 */
export function customFieldMapping(
  local: string,
  field: QuickBooksCustomField,
  options: Pick<MappingSpec, 'direction' | 'required' | 'default'> = {},
): QuickBooksFieldMapping {
  const type = field.type ?? 'StringType';
  const filter = [
    `@.DefinitionId==${literal(field.definitionId)}`,
    `@.Name==${literal(field.name)}`,
    `@.Type==${literal(type)}`,
  ].join(' && ');
  return Object.freeze({ local, remote: `$.CustomField[?(${filter})].StringValue`, ...options });
}
