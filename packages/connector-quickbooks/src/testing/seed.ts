import type { Company, QboRecord } from './company.js';

/** A new company's chart of accounts and tax codes, as a sandbox company has them. */
export function seedChartOfAccounts(c: Company): void {
  const accounts = [
    { Name: 'Sales of Product Income', AccountType: 'Income', AccountSubType: 'SalesOfProductIncome' },
    { Name: 'Services', AccountType: 'Income', AccountSubType: 'ServiceFeeIncome' },
    { Name: 'Inventory Asset', AccountType: 'Other Current Asset', AccountSubType: 'Inventory' },
    {
      Name: 'Cost of Goods Sold',
      AccountType: 'Cost of Goods Sold',
      AccountSubType: 'SuppliesMaterialsCogs',
    },
    { Name: 'Undeposited Funds', AccountType: 'Other Current Asset', AccountSubType: 'UndepositedFunds' },
  ];
  for (const a of accounts)
    c.create('Account', {
      ...a,
      FullyQualifiedName: a.Name,
      Active: true,
      Classification: 'Revenue',
      CurrentBalance: 0,
      __seed: true,
    });
  c.create('TaxCode', { Name: 'TAX', Description: 'Taxable', Taxable: true, Active: true, __seed: true });
  c.create('TaxCode', {
    Name: 'NON',
    Description: 'Non-Taxable',
    Taxable: false,
    Active: true,
    __seed: true,
  });
}

/** Helpers that fill a company with realistic records (written as if through the UI: they log changes). */
export interface Seeder {
  customers(count: number, overrides?: (i: number) => Record<string, unknown>, realmId?: string): QboRecord[];
  items(count: number, overrides?: (i: number) => Record<string, unknown>, realmId?: string): QboRecord[];
  /** Invoices for `customerId` (default: a new customer), each with one sales line of a new or given item. */
  invoices(
    count: number,
    options?: { customerId?: string; itemId?: string; amount?: number; realmId?: string },
  ): QboRecord[];
  /** Payments that pay `invoiceId` (default: a new invoice) in full. */
  payments(count: number, options?: { invoiceId?: string; realmId?: string }): QboRecord[];
}

export function createSeeder(company: (realmId?: string) => Company): Seeder {
  let n = 0;
  const incomeAccount = (c: Company) =>
    [...c.table('Account').values()].find((a) => a.AccountType === 'Income') as QboRecord;
  const byType = (c: Company, sub: string) =>
    [...c.table('Account').values()].find((a) => a.AccountSubType === sub) as QboRecord;

  const seeder: Seeder = {
    customers(count, overrides, realmId) {
      const c = company(realmId);
      return Array.from({ length: count }, (_, i) => {
        n++;
        return c.create('Customer', {
          DisplayName: `Customer ${n}`,
          GivenName: 'Test',
          FamilyName: `Customer ${n}`,
          PrimaryEmailAddr: { Address: `customer${n}@example.com` },
          ...overrides?.(i),
        });
      });
    },
    items(count, overrides, realmId) {
      const c = company(realmId);
      return Array.from({ length: count }, (_, i) => {
        n++;
        const extra = overrides?.(i) ?? {};
        const inventory = extra.Type === 'Inventory';
        return c.create('Item', {
          Name: `Item ${n}`,
          Type: 'Service',
          UnitPrice: 100,
          IncomeAccountRef: { value: incomeAccount(c).Id, name: incomeAccount(c).Name },
          ...(inventory
            ? {
                AssetAccountRef: { value: byType(c, 'Inventory').Id },
                ExpenseAccountRef: { value: byType(c, 'SuppliesMaterialsCogs').Id },
                QtyOnHand: 10,
                InvStartDate: '2026-01-01',
              }
            : {}),
          ...extra,
        });
      });
    },
    invoices(count, options = {}) {
      const c = company(options.realmId);
      return Array.from({ length: count }, () => {
        const customerId =
          options.customerId ?? (seeder.customers(1, undefined, options.realmId)[0] as QboRecord).Id;
        const itemId = options.itemId ?? (seeder.items(1, undefined, options.realmId)[0] as QboRecord).Id;
        const amount = options.amount ?? 150;
        return c.create('Invoice', {
          CustomerRef: { value: customerId },
          Line: [
            {
              Amount: amount,
              DetailType: 'SalesItemLineDetail',
              SalesItemLineDetail: { ItemRef: { value: itemId }, Qty: 1, UnitPrice: amount },
            },
          ],
        });
      });
    },
    payments(count, options = {}) {
      const c = company(options.realmId);
      return Array.from({ length: count }, () => {
        const invoice =
          options.invoiceId === undefined
            ? (seeder.invoices(1, {
                ...(options.realmId ? { realmId: options.realmId } : {}),
              })[0] as QboRecord)
            : c.read('Invoice', options.invoiceId);
        const amount = invoice.Balance as number;
        return c.create('Payment', {
          CustomerRef: invoice.CustomerRef,
          TotalAmt: amount,
          Line: [{ Amount: amount, LinkedTxn: [{ TxnId: invoice.Id, TxnType: 'Invoice' }] }],
        });
      });
    },
  };
  return seeder;
}
