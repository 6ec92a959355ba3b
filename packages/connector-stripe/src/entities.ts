import {
  type ConnectorContext,
  type EntityDefinition,
  isNotFoundError,
  isProviderError,
  type JsonObject,
  type Page,
  parseWith,
  type QueryValue,
  type WriteOptions,
} from '@syncbridge/core';
import { z } from 'zod';
import { encodeStripeForm, type StripeParamValue } from './form-encoding.js';
import {
  balanceTransactionSchema,
  chargeSchema,
  customerSchema,
  invoiceSchema,
  listSchema,
  paymentIntentSchema,
  payoutSchema,
  priceSchema,
  productSchema,
  refundSchema,
} from './schemas.js';

/**
 * Stripe objects (customers, invoices, …) have no `updated` time; the event that carried one
 * does. The change feed and webhooks put the event's `created` under this key of the record they
 * hand on, and `updatedAt` reads it, so a conflict resolved by last-write-wins compares the host's
 * time with when Stripe's change happened. No mapping reads it; it never reaches the host.
 */
export const EVENT_TIME_FIELD = '__stripe_event_created';

/** Stripe's largest page. */
export const PAGE_SIZE = 100;

/** Balance transactions move from `pending` to `available` within days: incremental lists look back 14 days. */
export const BALANCE_SETTLEMENT_WINDOW_MS = 14 * 86_400_000;

type StripeRecord = { id: string; [key: string]: unknown };

const pageSchema = listSchema(z.unknown());

function listQuery(
  cursor: string | null,
  since: Date | null,
  filter: JsonObject | null,
): Record<string, QueryValue> {
  const query: Record<string, QueryValue> = { limit: PAGE_SIZE };
  if (cursor) query.starting_after = cursor;
  if (since) query['created[gte]'] = Math.floor(since.getTime() / 1000);
  for (const [k, v] of Object.entries(filter ?? {})) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') query[k] = v;
  }
  return query;
}

/**
 * Streams `GET /v1/<resource>?limit=100&starting_after=<last id>` to the end. Each page's cursor
 * is its last id, so a list resumes exactly after the last committed page. Records are handed on
 * as Stripe sent them; the engine validates each with the entity's schema. `since` becomes
 * `created[gte]`: callers pass it only where creation time bounds what changed (see
 * `createdWindow`); Stripe has no "updated since" filter.
 */
export async function* listPages(
  ctx: ConnectorContext,
  path: string,
  params: { cursor: string | null; since: Date | null; filter: JsonObject | null },
): AsyncIterable<Page<StripeRecord>> {
  let cursor = params.cursor;
  for (;;) {
    ctx.signal.throwIfAborted();
    const res = await ctx.http.request<unknown>({
      method: 'GET',
      path,
      query: listQuery(cursor, params.since, params.filter),
      signal: ctx.signal,
    });
    const page = parseWith(pageSchema, res.data, `stripe GET ${path}`);
    const records = page.data as StripeRecord[];
    const last = records.at(-1);
    const next = page.has_more && last ? last.id : null;
    yield { records, cursor: next };
    if (next === null) return;
    cursor = next;
  }
}

async function post<R>(
  ctx: ConnectorContext,
  path: string,
  schema: z.ZodType<R>,
  data: JsonObject,
  options: WriteOptions,
): Promise<R> {
  const res = await ctx.http.request<unknown>({
    method: 'POST',
    path,
    form: encodeStripeForm(data as Record<string, StripeParamValue>),
    headers: { 'Idempotency-Key': options.idempotencyKey },
    idempotencyKey: options.idempotencyKey,
    signal: ctx.signal,
  });
  return parseWith(schema, res.data, `stripe POST ${path}`);
}

async function getOne<R>(ctx: ConnectorContext, path: string, schema: z.ZodType<R>): Promise<R | null> {
  try {
    const res = await ctx.http.request<unknown>({ method: 'GET', path, signal: ctx.signal });
    return parseWith(schema, res.data, `stripe GET ${path}`);
  } catch (error) {
    if (isNotFoundError(error)) return null;
    throw error;
  }
}

function isHash(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function deepMerge(base: unknown, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = isHash(base) ? { ...base } : {};
  for (const [k, v] of Object.entries(patch)) out[k] = isHash(v) ? deepMerge(out[k], v) : v;
  return out;
}

/**
 * Stripe replaces a nested hash (`address`, `shipping`, `invoice_settings`) as a whole on update:
 * fields not sent are cleared. A sparse change such as `{ address: { city } }` is therefore
 * completed from the current object first, so an update never silently erases the other fields.
 * `metadata` is merged key by key by Stripe itself and is sent as is.
 */
export async function completeNestedChanges(
  ctx: ConnectorContext,
  path: string,
  changes: JsonObject,
): Promise<JsonObject> {
  const nested = Object.keys(changes).filter((k) => k !== 'metadata' && isHash(changes[k]));
  if (nested.length === 0) return changes;
  const res = await ctx.http.request<Record<string, unknown>>({ method: 'GET', path, signal: ctx.signal });
  const completed: JsonObject = { ...changes };
  for (const key of nested)
    completed[key] = deepMerge(res.data?.[key], changes[key] as Record<string, unknown>);
  return completed;
}

function seconds(value: unknown): Date | undefined {
  return typeof value === 'number' ? new Date(value * 1000) : undefined;
}

interface ResourceOptions<R> {
  readonly path: string;
  readonly schema: z.ZodType<R>;
  readonly writable?: boolean;
  /**
   * How far before `since` an incremental list must look back, for objects that only change for
   * a while after creation (balance transactions settle within days). Absent: Stripe objects can
   * change at any time and have no "updated since" filter, so `since` is ignored and the list is
   * complete; the Events API change feed is the incremental path.
   */
  readonly createdWindowMs?: number;
}

/** Read (and optionally create/update) operations shared by every Stripe resource. */
function resource<R extends StripeRecord>(options: ResourceOptions<R>): EntityDefinition<R> {
  const base = `/v1/${options.path}`;
  const id = (r: R) => r.id;
  const path = (recordId: string) => `${base}/${encodeURIComponent(recordId)}`;
  const definition: EntityDefinition<R> = {
    schema: options.schema,
    id,
    // Stripe objects carry no modification time except products' `updated`; a record that came
    // with an event carries the event's time (see EVENT_TIME_FIELD), so last-write-wins can compare.
    updatedAt: (r) => seconds(r.updated) ?? seconds(r[EVENT_TIME_FIELD]),
    isDeleted: (r) => r.deleted === true,
    list: (ctx, params) => {
      const window = options.createdWindowMs;
      const since = window !== undefined && params.since ? new Date(params.since.getTime() - window) : null;
      return listPages(ctx, base, { ...params, since }) as AsyncIterable<Page<R>>;
    },
    get: (ctx, recordId) => getOne(ctx, path(recordId), options.schema),
  };
  if (!options.writable) return definition;
  return {
    ...definition,
    create: (ctx, data, writeOptions) => post(ctx, base, options.schema, data, writeOptions),
    update: async (ctx, recordId, changes, writeOptions) =>
      post(
        ctx,
        path(recordId),
        options.schema,
        await completeNestedChanges(ctx, path(recordId), changes),
        writeOptions,
      ),
  };
}

const isStripeRecord = <R>(schema: z.ZodType<R>) => schema as unknown as z.ZodType<R & StripeRecord>;

/** Customers: full CRUD; a deleted customer reads back as `{ id, deleted: true }` (isDeleted). */
const customer: EntityDefinition<StripeRecord> = {
  ...resource({ path: 'customers', schema: isStripeRecord(customerSchema), writable: true }),
  async delete(ctx, id) {
    try {
      await ctx.http.request({
        method: 'DELETE',
        path: `/v1/customers/${encodeURIComponent(id)}`,
        signal: ctx.signal,
      });
    } catch (error) {
      // Already gone (a retry after a crash): the delete has happened.
      if (!isNotFoundError(error)) throw error;
    }
  },
};

/** Products: deleted when Stripe allows it; a product with prices cannot be, so it is archived (`active=false`). */
const product: EntityDefinition<StripeRecord> = {
  ...resource({ path: 'products', schema: isStripeRecord(productSchema), writable: true }),
  async delete(ctx, id, options) {
    const path = `/v1/products/${encodeURIComponent(id)}`;
    try {
      await ctx.http.request({ method: 'DELETE', path, signal: ctx.signal });
    } catch (error) {
      if (isNotFoundError(error)) return;
      if (!(isProviderError(error) && error.status === 400)) throw error;
      await post(ctx, path, productSchema, { active: false }, options);
    }
  },
};

/** Prices cannot be deleted at Stripe: `delete` deactivates (`active=false`). */
const price: EntityDefinition<StripeRecord> = {
  ...resource({ path: 'prices', schema: isStripeRecord(priceSchema), writable: true }),
  async delete(ctx, id, options) {
    await post(ctx, `/v1/prices/${encodeURIComponent(id)}`, priceSchema, { active: false }, options);
  },
};

type Lines = { object: 'list'; data: { id: string }[]; has_more: boolean; url?: string };

/**
 * Stripe embeds only the first 10 lines of an invoice (`lines.has_more`); this reads the rest
 * from `/v1/invoices/:id/lines`, so a synced invoice never silently misses lines.
 */
export async function completeInvoiceLines<R extends StripeRecord>(
  ctx: ConnectorContext,
  invoice: R,
): Promise<R> {
  const lines = invoice.lines as Lines | undefined;
  if (!lines?.has_more || invoice.deleted === true) return invoice;
  const data = [...lines.data];
  for await (const page of listPages(ctx, `/v1/invoices/${encodeURIComponent(invoice.id)}/lines`, {
    cursor: data.at(-1)?.id ?? null,
    since: null,
    filter: null,
  })) {
    data.push(...(page.records as { id: string }[]));
  }
  return { ...invoice, lines: { ...lines, data, has_more: false } };
}

async function* withCompleteLines(
  ctx: ConnectorContext,
  pages: AsyncIterable<Page<StripeRecord>>,
): AsyncIterable<Page<StripeRecord>> {
  for await (const page of pages) {
    const records: StripeRecord[] = [];
    for (const record of page.records) records.push(await completeInvoiceLines(ctx, record));
    yield { ...page, records };
  }
}

const invoiceBase = resource({ path: 'invoices', schema: isStripeRecord(invoiceSchema), writable: true });

/**
 * Invoices, with every line (beyond Stripe's embedded 10). Drafts are deleted, open (or
 * uncollectible) ones voided, void ones left alone; a paid invoice cannot be undone and the
 * delete fails with Stripe's own error.
 */
const invoice: EntityDefinition<StripeRecord> = {
  ...invoiceBase,
  list: (ctx, params) => withCompleteLines(ctx, invoiceBase.list(ctx, params)),
  get: async (ctx, id) => {
    const found = await invoiceBase.get?.(ctx, id);
    return found ? completeInvoiceLines(ctx, found) : null;
  },
  create: async (ctx, data, options) =>
    completeInvoiceLines(
      ctx,
      await (invoiceBase.create as NonNullable<typeof invoiceBase.create>)(ctx, data, options),
    ),
  update: async (ctx, id, changes, options) =>
    completeInvoiceLines(
      ctx,
      await (invoiceBase.update as NonNullable<typeof invoiceBase.update>)(ctx, id, changes, options),
    ),
  async delete(ctx, id, options) {
    const path = `/v1/invoices/${encodeURIComponent(id)}`;
    const current = await getOne(ctx, path, invoiceSchema);
    if (current === null || current.deleted === true || current.status === 'void') return;
    if (current.status === 'draft') {
      await ctx.http.request({ method: 'DELETE', path, signal: ctx.signal });
      return;
    }
    await post(ctx, `${path}/void`, invoiceSchema, {}, options);
  },
};

/** Every entity the connector syncs, keyed by the name used in sync configs. */
export const stripeEntities = {
  customer,
  product,
  price,
  invoice,
  payment_intent: resource({ path: 'payment_intents', schema: isStripeRecord(paymentIntentSchema) }),
  charge: resource({ path: 'charges', schema: isStripeRecord(chargeSchema) }),
  refund: resource({ path: 'refunds', schema: isStripeRecord(refundSchema) }),
  balance_transaction: resource({
    path: 'balance_transactions',
    schema: isStripeRecord(balanceTransactionSchema),
    createdWindowMs: BALANCE_SETTLEMENT_WINDOW_MS,
  }),
  payout: resource({ path: 'payouts', schema: isStripeRecord(payoutSchema) }),
} as const;

/** Stripe `object` names → entity names (they coincide; kept explicit for the change feed). */
export const OBJECT_TO_ENTITY: Readonly<Record<string, keyof typeof stripeEntities>> = {
  customer: 'customer',
  product: 'product',
  price: 'price',
  invoice: 'invoice',
  payment_intent: 'payment_intent',
  charge: 'charge',
  refund: 'refund',
  balance_transaction: 'balance_transaction',
  payout: 'payout',
};
