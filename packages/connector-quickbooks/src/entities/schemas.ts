import { z } from 'zod';

/** `{ value, name? }`: QuickBooks' reference to another record. */
export const refSchema = z.looseObject({ value: z.string(), name: z.string().optional() });

const metaData = z.looseObject({
  CreateTime: z.string().optional(),
  LastUpdatedTime: z.string(),
});

/** Fields every QuickBooks record has. Unknown fields pass through untouched. */
const base = {
  Id: z.string(),
  SyncToken: z.string(),
  MetaData: metaData,
  domain: z.string().optional(),
  sparse: z.boolean().optional(),
};

const address = z.looseObject({
  Line1: z.string().optional(),
  City: z.string().optional(),
  CountrySubDivisionCode: z.string().optional(),
  PostalCode: z.string().optional(),
  Country: z.string().optional(),
});

/** A Customer (name list): `DisplayName` unique across customers, vendors and employees. */
export const customerSchema = z.looseObject({
  ...base,
  DisplayName: z.string(),
  Active: z.boolean().optional(),
  GivenName: z.string().optional(),
  FamilyName: z.string().optional(),
  CompanyName: z.string().optional(),
  PrimaryEmailAddr: z.looseObject({ Address: z.string().optional() }).optional(),
  PrimaryPhone: z.looseObject({ FreeFormNumber: z.string().optional() }).optional(),
  BillAddr: address.optional(),
  Balance: z.number().optional(),
  Notes: z.string().optional(),
});
export type QboCustomer = z.infer<typeof customerSchema>;

const line = z.looseObject({
  Id: z.string().optional(),
  Amount: z.number(),
  DetailType: z.string(),
  Description: z.string().optional(),
  SalesItemLineDetail: z
    .looseObject({ ItemRef: refSchema, Qty: z.number().optional(), UnitPrice: z.number().optional() })
    .optional(),
});

/** An Invoice (transaction): `TotalAmt` and `Balance` are computed by QuickBooks. */
export const invoiceSchema = z.looseObject({
  ...base,
  CustomerRef: refSchema,
  Line: z.array(line),
  TotalAmt: z.number(),
  Balance: z.number().optional(),
  DocNumber: z.string().optional(),
  TxnDate: z.string().optional(),
  DueDate: z.string().optional(),
});
export type QboInvoice = z.infer<typeof invoiceSchema>;

/** A Payment (transaction); `Line[].LinkedTxn` applies it to invoices. */
export const paymentSchema = z.looseObject({
  ...base,
  CustomerRef: refSchema,
  TotalAmt: z.number(),
  TxnDate: z.string().optional(),
  Line: z
    .array(
      z.looseObject({
        Amount: z.number(),
        LinkedTxn: z.array(z.looseObject({ TxnId: z.string(), TxnType: z.string() })),
      }),
    )
    .optional(),
});
export type QboPayment = z.infer<typeof paymentSchema>;

/** An Item (name list): `Service`, `Inventory` or `NonInventory`. */
export const itemSchema = z.looseObject({
  ...base,
  Name: z.string(),
  Type: z.string(),
  Active: z.boolean().optional(),
  UnitPrice: z.number().optional(),
  Description: z.string().optional(),
  Sku: z.string().optional(),
  IncomeAccountRef: refSchema.optional(),
  QtyOnHand: z.number().optional(),
});
export type QboItem = z.infer<typeof itemSchema>;

/** An Account of the chart of accounts (read-only here). */
export const accountSchema = z.looseObject({
  ...base,
  Name: z.string(),
  AccountType: z.string(),
  Active: z.boolean().optional(),
});
export type QboAccount = z.infer<typeof accountSchema>;

/** A TaxCode (read-only in the API). */
export const taxCodeSchema = z.looseObject({
  ...base,
  Name: z.string(),
  Active: z.boolean().optional(),
});
export type QboTaxCode = z.infer<typeof taxCodeSchema>;
