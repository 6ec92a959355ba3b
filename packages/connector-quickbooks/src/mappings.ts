/**
 * Ready-made field mappings for `bridge.sync.configure(..., { mappings })`: the usual host fields
 * against QuickBooks' JSON paths. Copy and adjust; they are plain data.
 *
 * ```ts
 * await bridge.sync.configure(id, { localEntity: 'customer', remoteEntity: 'Customer', mappings: customerMappings });
 * ```
 */
export interface QuickBooksFieldMapping {
  readonly local: string;
  /** JSONPath into the QuickBooks record. */
  readonly remote: string;
  readonly required?: true;
  readonly direction?: 'inbound' | 'outbound' | 'bidirectional';
  readonly transform?: { readonly type: 'lookup'; readonly map: Readonly<Record<string, string>> };
}

const frozen = (mappings: QuickBooksFieldMapping[]): readonly QuickBooksFieldMapping[] =>
  Object.freeze(mappings.map((m) => Object.freeze(m)));

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
  {
    local: 'status',
    remote: '$.Active',
    transform: { type: 'lookup', map: { true: 'active', false: 'archived' } },
  },
]);

export const invoiceMappings: readonly QuickBooksFieldMapping[] = frozen([
  { local: 'number', remote: '$.DocNumber' },
  { local: 'customerId', remote: '$.CustomerRef.value', required: true },
  { local: 'issueDate', remote: '$.TxnDate' },
  { local: 'dueDate', remote: '$.DueDate' },
  { local: 'lines', remote: '$.Line', required: true },
  { local: 'total', remote: '$.TotalAmt', direction: 'inbound' },
  { local: 'balance', remote: '$.Balance', direction: 'inbound' },
]);

export const paymentMappings: readonly QuickBooksFieldMapping[] = frozen([
  { local: 'customerId', remote: '$.CustomerRef.value', required: true },
  { local: 'amount', remote: '$.TotalAmt', required: true },
  { local: 'date', remote: '$.TxnDate' },
  { local: 'appliedTo', remote: '$.Line' },
]);

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
  {
    local: 'status',
    remote: '$.Active',
    transform: { type: 'lookup', map: { true: 'active', false: 'archived' } },
  },
]);
