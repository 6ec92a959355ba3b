import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import {
  type Change,
  type ParsedWebhookEvent,
  ValidationError,
  type WebhookRequest,
  type WebhookSpec,
} from '@syncbridge/core';

/** Entities whose QuickBooks name is not just the capitalised CloudEvents segment. */
const ENTITY_CASE: Record<string, string> = {
  billpayment: 'BillPayment',
  creditmemo: 'CreditMemo',
  journalentry: 'JournalEntry',
  journalcode: 'JournalCode',
  paymentmethod: 'PaymentMethod',
  purchaseorder: 'PurchaseOrder',
  refundreceipt: 'RefundReceipt',
  salesreceipt: 'SalesReceipt',
  taxagency: 'TaxAgency',
  taxcode: 'TaxCode',
  taxrate: 'TaxRate',
  timeactivity: 'TimeActivity',
  vendorcredit: 'VendorCredit',
  recurringtransaction: 'RecurringTransaction',
  companycurrency: 'CompanyCurrency',
};

/** `journalentry` (a CloudEvents type segment) → `JournalEntry`. */
export function entityFromSegment(segment: string): string {
  const lower = segment.toLowerCase();
  return ENTITY_CASE[lower] ?? lower.charAt(0).toUpperCase() + lower.slice(1);
}

/** `intuit-signature` = base64(HMAC-SHA256(verifier token, raw body)), compared in constant time. */
export function verifyIntuitSignature(request: WebhookRequest, verifierToken: string): boolean {
  const header = request.headers['intuit-signature'];
  if (typeof header !== 'string' || header === '' || verifierToken === '') return false;
  const expected = createHmac('sha256', verifierToken).update(request.body, 'utf8').digest();
  let given: Buffer;
  try {
    given = Buffer.from(header, 'base64');
  } catch {
    return false;
  }
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const OPERATIONS: Record<string, 'upsert' | 'delete'> = {
  create: 'upsert',
  created: 'upsert',
  update: 'upsert',
  updated: 'upsert',
  void: 'upsert',
  voided: 'upsert',
  emailed: 'upsert',
  delete: 'delete',
  deleted: 'delete',
  merge: 'upsert',
  merged: 'upsert',
};

function changesFor(
  entity: string,
  id: string,
  operation: string,
  mergedFrom: string | undefined,
  at?: Date,
): Change[] {
  const type = OPERATIONS[operation.toLowerCase()];
  if (type === undefined) return [];
  const occurredAt = at === undefined ? {} : { occurredAt: at };
  const main: Change = {
    entity,
    id,
    type,
    ...occurredAt,
    ...(mergedFrom === undefined ? {} : { mergedFromId: mergedFrom }),
  };
  // A merge removes the merged-away record: report it as deleted too.
  return mergedFrom === undefined
    ? [main]
    : [{ entity, id: mergedFrom, type: 'delete', ...occurredAt }, main];
}

const time = (v: unknown): Date | undefined => {
  if (typeof v !== 'string') return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : new Date(t);
};
const idOf = (v: unknown): string | undefined =>
  typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;

function parseCloudEvents(events: unknown[]): ParsedWebhookEvent[] {
  return events.map((raw, index) => {
    const e = raw as Record<string, unknown>;
    const id = idOf(e?.id);
    const type = typeof e?.type === 'string' ? e.type : undefined;
    const entityId = idOf(e?.intuitentityid);
    const account = idOf(e?.intuitaccountid);
    const m = type === undefined ? null : /^qbo\.([a-z]+)\.([a-z]+)\.v\d+$/i.exec(type);
    if (id === undefined || type === undefined || m === null || entityId === undefined)
      throw new ValidationError(
        `QuickBooks CloudEvent ${index} lacks id, a qbo.<entity>.<operation>.v1 type or intuitentityid`,
        {
          issues: [{ path: [index], message: 'not a QuickBooks CloudEvent' }],
        },
      );
    const data = (e.data ?? {}) as Record<string, unknown>;
    const mergedFrom = idOf(data.deletedid ?? data.deletedId);
    const at = time(e.time);
    return {
      eventId: id,
      type,
      ...(account === undefined ? {} : { accountId: account }),
      ...(at === undefined ? {} : { occurredAt: at }),
      changes: changesFor(entityFromSegment(m[1] as string), entityId, m[2] as string, mergedFrom, at),
      payload: raw,
    };
  });
}

function parseLegacy(body: { eventNotifications: unknown }): ParsedWebhookEvent[] {
  if (!Array.isArray(body.eventNotifications))
    throw new ValidationError('QuickBooks webhook: eventNotifications is not an array');
  const out: ParsedWebhookEvent[] = [];
  for (const n of body.eventNotifications as Record<string, unknown>[]) {
    const realmId = idOf(n?.realmId);
    const entities = (n?.dataChangeEvent as { entities?: unknown } | undefined)?.entities;
    if (realmId === undefined || !Array.isArray(entities))
      throw new ValidationError(
        'QuickBooks webhook: a notification lacks realmId or dataChangeEvent.entities',
      );
    for (const raw of entities as Record<string, unknown>[]) {
      const name = typeof raw?.name === 'string' ? raw.name : undefined;
      const id = idOf(raw?.id);
      const operation = typeof raw?.operation === 'string' ? raw.operation : undefined;
      if (name === undefined || id === undefined || operation === undefined)
        throw new ValidationError('QuickBooks webhook: an entity lacks name, id or operation');
      const lastUpdated = typeof raw.lastUpdated === 'string' ? raw.lastUpdated : '';
      const eventId = createHash('sha256')
        .update([realmId, name, id, operation, lastUpdated].join('\u0000'))
        .digest('hex');
      const at = time(raw.lastUpdated);
      out.push({
        eventId,
        type: `${name}.${operation}`,
        accountId: realmId,
        ...(at === undefined ? {} : { occurredAt: at }),
        changes: changesFor(name, id, operation, idOf(raw.deletedId), at),
        payload: { realmId, entity: raw },
      });
    }
  }
  return out;
}

/** Parses both payload formats: CloudEvents (a JSON array) and the legacy `eventNotifications`. */
export function parseQuickBooksWebhook(request: WebhookRequest): ParsedWebhookEvent[] {
  let body: unknown;
  try {
    body = JSON.parse(request.body);
  } catch (error) {
    throw new ValidationError('QuickBooks webhook body is not JSON', { cause: error });
  }
  if (Array.isArray(body)) return parseCloudEvents(body);
  if (body && typeof body === 'object' && 'eventNotifications' in body)
    return parseLegacy(body as { eventNotifications: unknown });
  throw new ValidationError('QuickBooks webhook body is neither a CloudEvents array nor eventNotifications');
}

/**
 * Intuit webhooks: HMAC signature check on the raw body (there is no timestamp to check), both
 * payload formats, events routed by `realmId`.
 */
export const quickBooksWebhooks: WebhookSpec = {
  verify: (request, secret) => verifyIntuitSignature(request, secret),
  parse: parseQuickBooksWebhook,
  accountConfigKey: 'realmId',
};
