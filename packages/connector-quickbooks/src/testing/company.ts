import { withoutNulls } from '../without-nulls.js';
import { qboTime } from './clock.js';
import {
  duplicateName,
  invalidReference,
  objectNotFound,
  QboFault,
  queryValidation,
  requiredParam,
  staleObject,
  validation,
} from './faults.js';
import type { Condition, ParsedQuery } from './query-parser.js';

export type QboRecord = Record<string, unknown> & { Id: string; SyncToken: string };

/** Entities the fake serves, by their API name. */
export const ENTITY_NAMES = ['Customer', 'Invoice', 'Payment', 'Item', 'Account', 'TaxCode'] as const;
export type FakeEntityName = (typeof ENTITY_NAMES)[number];

/** Name lists cannot be deleted, only made inactive; queries return active ones unless asked. */
export const NAME_LISTS: ReadonlySet<string> = new Set(['Customer', 'Item', 'Account', 'TaxCode']);
const READ_ONLY: ReadonlySet<string> = new Set(['Account', 'TaxCode']);

export type ChangeOperation = 'Create' | 'Update' | 'Delete' | 'Merge' | 'Void';

/** One entry of the company's change log (feeds webhooks). */
export interface ChangeLogEntry {
  readonly seq: number;
  readonly realmId: string;
  readonly entity: string;
  readonly id: string;
  readonly operation: ChangeOperation;
  readonly at: Date;
  readonly deletedId?: string;
}

interface Tombstone {
  readonly id: string;
  readonly at: Date;
}

/** What the company needs from its owner: the time and a place to log changes. */
export interface CompanyHost {
  now(): Date;
  /** Called before every write so each write gets a later timestamp. */
  tick(): Date;
  log(entry: Omit<ChangeLogEntry, 'seq'>): void;
}

export function canonicalEntity(name: string): FakeEntityName | undefined {
  return ENTITY_NAMES.find((e) => e.toLowerCase() === name.toLowerCase());
}

function getPath(record: Record<string, unknown>, path: string): unknown {
  // The query language says `Metadata`; the JSON says `MetaData`.
  const parts = path.split('.').map((p) => (p.toLowerCase() === 'metadata' ? 'MetaData' : p));
  let value: unknown = record;
  for (const part of parts) {
    if (typeof value !== 'object' || value === null) return undefined;
    const obj = value as Record<string, unknown>;
    const key = Object.keys(obj).find((k) => k.toLowerCase() === part.toLowerCase());
    value = key === undefined ? undefined : obj[key];
  }
  return value;
}

function comparable(field: string, value: unknown): number | string | boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (/time$|date$/i.test(field) && typeof value === 'string') {
    const t = Date.parse(value);
    return Number.isNaN(t) ? value : t;
  }
  if (field.toLowerCase() === 'id') return Number(value);
  return value as number | string | boolean;
}

function matches(record: QboRecord, condition: Condition): boolean {
  const actual = comparable(condition.field, getPath(record, condition.field));
  const expected = condition.values.map((v) => comparable(condition.field, v));
  if (actual === undefined) return false;
  const first = expected[0];
  switch (condition.op) {
    case '=':
      return typeof actual === 'string' && typeof first === 'string'
        ? actual.toLowerCase() === first.toLowerCase()
        : actual === first;
    case '!=':
      return actual !== first;
    case 'IN':
      return expected.some((e) => e === actual);
    case 'LIKE': {
      if (typeof actual !== 'string' || typeof first !== 'string') return false;
      const pattern = first
        .split('%')
        .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*');
      return new RegExp(`^${pattern}$`, 'i').test(actual);
    }
    default: {
      if (first === undefined || typeof first === 'boolean') return false;
      const [a, b] = [actual as number | string, first];
      if (condition.op === '<') return a < b;
      if (condition.op === '<=') return a <= b;
      if (condition.op === '>') return a > b;
      return a >= b;
    }
  }
}

const SUPPORTED_FIELDS =
  /^(Id|Active|DisplayName|Name|Metadata\.LastUpdatedTime|Metadata\.CreateTime|CustomerRef|TxnDate|DocNumber|Type|Balance|TotalAmt|GivenName|FamilyName|CompanyName|PrimaryEmailAddr)$/i;

/** One QuickBooks company (realm): records, tombstones and the rules of writes. */
export class Company {
  readonly records = new Map<string, Map<string, QboRecord>>();
  readonly tombstones = new Map<string, Map<string, Tombstone>>();
  private nextId = 1;

  constructor(
    readonly realmId: string,
    readonly companyName: string,
    private readonly host: CompanyHost,
  ) {
    for (const name of ENTITY_NAMES) {
      this.records.set(name, new Map());
      this.tombstones.set(name, new Map());
    }
  }

  table(entity: string): Map<string, QboRecord> {
    return this.records.get(entity) as Map<string, QboRecord>;
  }

  find(entity: string, id: string): QboRecord | undefined {
    return this.table(entity).get(id);
  }

  /** Reads one record; a missing or deleted one is Intuit's 610 Object Not Found. */
  read(entity: FakeEntityName, id: string): QboRecord {
    const record = this.find(entity, id);
    if (record === undefined) throw objectNotFound(entity, id);
    return structuredClone(record);
  }

  private stamp(record: Record<string, unknown>, at: Date, created: boolean): void {
    const meta = (record.MetaData as Record<string, unknown> | undefined) ?? {};
    record.MetaData = {
      ...meta,
      CreateTime: created ? qboTime(at) : (meta.CreateTime ?? qboTime(at)),
      LastUpdatedTime: qboTime(at),
    };
  }

  private refValue(ref: unknown): string | undefined {
    if (typeof ref !== 'object' || ref === null) return undefined;
    const value = (ref as Record<string, unknown>).value;
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  }

  private requireRef(record: Record<string, unknown>, field: string, entity: FakeEntityName): string {
    const id = this.refValue(record[field]);
    if (id === undefined) throw requiredParam(field);
    if (this.find(entity, id) === undefined) throw invalidReference(field, id);
    return id;
  }

  private checkUniqueName(entity: FakeEntityName, record: Record<string, unknown>, selfId?: string): void {
    const field = entity === 'Customer' ? 'DisplayName' : entity === 'Item' ? 'Name' : undefined;
    if (field === undefined) return;
    const name = record[field];
    if (typeof name !== 'string') return;
    for (const other of this.table(entity).values()) {
      if (other.Id === selfId) continue;
      const otherName = other[field];
      if (typeof otherName === 'string' && otherName.toLowerCase() === name.toLowerCase())
        throw duplicateName(name, other.Id);
    }
  }

  /** Fills in what QuickBooks derives and checks what it requires, per entity. */
  private normalise(entity: FakeEntityName, record: Record<string, unknown>, selfId?: string): void {
    switch (entity) {
      case 'Customer': {
        if (typeof record.DisplayName !== 'string' || record.DisplayName.trim() === '') {
          const parts = ['Title', 'GivenName', 'MiddleName', 'FamilyName', 'Suffix']
            .map((f) => record[f])
            .filter((v): v is string => typeof v === 'string' && v !== '');
          if (parts.length === 0) throw requiredParam('DisplayName');
          record.DisplayName = parts.join(' ');
        }
        record.Active ??= true;
        record.Balance ??= 0;
        record.FullyQualifiedName = record.DisplayName;
        this.checkUniqueName(entity, record, selfId);
        break;
      }
      case 'Item': {
        if (typeof record.Name !== 'string' || record.Name === '') throw requiredParam('Name');
        const type = record.Type ?? 'Service';
        if (type !== 'Service' && type !== 'Inventory' && type !== 'NonInventory')
          throw validation(
            '2010',
            'Request has invalid or unsupported property',
            `Invalid Type ${String(type)}`,
            'Type',
          );
        record.Type = type;
        this.requireRef(record, 'IncomeAccountRef', 'Account');
        if (type === 'Inventory') {
          this.requireRef(record, 'AssetAccountRef', 'Account');
          this.requireRef(record, 'ExpenseAccountRef', 'Account');
          if (typeof record.QtyOnHand !== 'number') throw requiredParam('QtyOnHand');
          if (typeof record.InvStartDate !== 'string') throw requiredParam('InvStartDate');
          record.TrackQtyOnHand = true;
        }
        record.Active ??= true;
        record.FullyQualifiedName = record.Name;
        this.checkUniqueName(entity, record, selfId);
        break;
      }
      case 'Invoice': {
        this.requireRef(record, 'CustomerRef', 'Customer');
        const lines = record.Line;
        if (!Array.isArray(lines) || lines.length === 0) throw requiredParam('Line');
        let total = 0;
        lines.forEach((line: Record<string, unknown>, index: number) => {
          if (typeof line.Amount !== 'number') throw requiredParam(`Line[${index}].Amount`);
          if (line.DetailType === 'SalesItemLineDetail') {
            const detail = line.SalesItemLineDetail as Record<string, unknown> | undefined;
            if (detail === undefined) throw requiredParam(`Line[${index}].SalesItemLineDetail`);
            this.requireRef(detail, 'ItemRef', 'Item');
          } else if (line.DetailType !== 'SubTotalLineDetail' && line.DetailType !== 'DescriptionOnly') {
            throw requiredParam(`Line[${index}].DetailType`);
          }
          if (line.DetailType !== 'SubTotalLineDetail') total += line.Amount;
          line.Id ??= String(index + 1);
          line.LineNum ??= index + 1;
        });
        const paid =
          typeof record.TotalAmt === 'number' && typeof record.Balance === 'number'
            ? record.TotalAmt - record.Balance
            : 0;
        record.TotalAmt = Math.round(total * 100) / 100;
        record.Balance = Math.round((total - paid) * 100) / 100;
        record.TxnDate ??= qboTime(this.host.now()).slice(0, 10);
        break;
      }
      case 'Payment': {
        this.requireRef(record, 'CustomerRef', 'Customer');
        if (typeof record.TotalAmt !== 'number') throw requiredParam('TotalAmt');
        const lines = Array.isArray(record.Line) ? record.Line : [];
        for (const line of lines as Record<string, unknown>[]) {
          const linked = Array.isArray(line.LinkedTxn) ? (line.LinkedTxn as Record<string, unknown>[]) : [];
          for (const txn of linked) {
            if (txn.TxnType === 'Invoice' && this.find('Invoice', String(txn.TxnId)) === undefined)
              throw invalidReference('LinkedTxn', String(txn.TxnId));
          }
        }
        record.Line = lines;
        record.UnappliedAmt ??= 0;
        record.TxnDate ??= qboTime(this.host.now()).slice(0, 10);
        break;
      }
      default:
        break;
    }
  }

  /** Applies a payment's linked invoices: their Balance drops, and they count as updated. */
  private applyPayment(payment: Record<string, unknown>, sign: 1 | -1): void {
    for (const line of (payment.Line as Record<string, unknown>[]) ?? []) {
      const linked = Array.isArray(line.LinkedTxn) ? (line.LinkedTxn as Record<string, unknown>[]) : [];
      for (const txn of linked) {
        if (txn.TxnType !== 'Invoice') continue;
        const invoice = this.find('Invoice', String(txn.TxnId));
        if (invoice === undefined || typeof line.Amount !== 'number') continue;
        invoice.Balance = Math.round(((invoice.Balance as number) - sign * line.Amount) * 100) / 100;
        this.bump('Invoice', invoice, 'Update');
      }
    }
  }

  private bump(entity: string, record: QboRecord, operation: ChangeOperation): void {
    const at = this.host.tick();
    record.SyncToken = String(Number(record.SyncToken) + 1);
    this.stamp(record, at, false);
    this.host.log({ realmId: this.realmId, entity, id: record.Id, operation, at });
  }

  create(entity: FakeEntityName, body: Record<string, unknown>): QboRecord {
    if (READ_ONLY.has(entity) && !body.__seed)
      throw validation('6000', 'Operation not supported', `${entity} is read-only in this fake`);
    // QuickBooks records hold no nulls: a null in a request means "not set".
    const record: Record<string, unknown> = withoutNulls(structuredClone(body));
    delete record.__seed;
    delete record.sparse;
    delete record.SyncToken;
    if (entity === 'Invoice') {
      // Totals are computed by QuickBooks, never taken from the request.
      delete record.TotalAmt;
      delete record.Balance;
    }
    this.normalise(entity, record);
    const at = this.host.tick();
    const id = String(this.nextId++);
    const created = { ...record, Id: id, SyncToken: '0', domain: 'QBO', sparse: false } as QboRecord;
    this.stamp(created, at, true);
    this.table(entity).set(id, created);
    this.host.log({ realmId: this.realmId, entity, id, operation: 'Create', at });
    if (entity === 'Payment') this.applyPayment(created, 1);
    return structuredClone(created);
  }

  /** Full update (omitted writable fields become null/absent) or sparse update (only what is sent). */
  update(entity: FakeEntityName, body: Record<string, unknown>): QboRecord {
    if (READ_ONLY.has(entity))
      throw validation('6000', 'Operation not supported', `${entity} is read-only in this fake`);
    const id = String(body.Id);
    const existing = this.find(entity, id);
    if (existing === undefined) throw objectNotFound(entity, id);
    if (body.SyncToken === undefined) throw requiredParam('SyncToken');
    if (String(body.SyncToken) !== existing.SyncToken) throw staleObject(id, String(body.SyncToken));
    const sparse = body.sparse === true;
    const { sparse: _s, Id: _i, SyncToken: _t, MetaData: _m, domain: _d, ...fields } = structuredClone(body);
    let next: Record<string, unknown>;
    if (sparse) {
      // A null in a sparse update clears the field.
      next = withoutNulls({ ...structuredClone(existing), ...fields });
    } else {
      // A full update replaces the object: writable fields not sent are cleared.
      next = { ...fields };
      if (entity === 'Invoice') {
        next.TotalAmt = existing.TotalAmt;
        next.Balance = existing.Balance;
      }
    }
    // Validate before any side effect, so a rejected update changes nothing.
    this.normalise(entity, next, id);
    if (entity === 'Payment') this.applyPayment(existing, -1);
    const updated = {
      ...next,
      Id: id,
      SyncToken: existing.SyncToken,
      domain: 'QBO',
      sparse: false,
      MetaData: existing.MetaData,
    } as QboRecord;
    this.table(entity).set(id, updated);
    this.bump(entity, updated, 'Update');
    if (entity === 'Payment') this.applyPayment(updated, 1);
    return structuredClone(updated);
  }

  /** `?operation=delete` on a transaction: body `{Id, SyncToken}`. */
  delete(
    entity: FakeEntityName,
    body: Record<string, unknown>,
  ): { status: 'Deleted'; domain: 'QBO'; Id: string } {
    if (NAME_LISTS.has(entity))
      throw validation(
        '6000',
        'A business validation error has occurred while processing your request',
        `Business Validation Error: ${entity} cannot be deleted; make it inactive (Active=false) instead.`,
      );
    const id = String(body.Id);
    const existing = this.find(entity, id);
    if (existing === undefined) throw objectNotFound(entity, id);
    if (body.SyncToken === undefined) throw requiredParam('SyncToken');
    if (String(body.SyncToken) !== existing.SyncToken) throw staleObject(id, String(body.SyncToken));
    if (entity === 'Payment') this.applyPayment(existing, -1);
    this.remove(entity, id, 'Delete');
    return { status: 'Deleted', domain: 'QBO', Id: id };
  }

  private remove(entity: string, id: string, operation: ChangeOperation, deletedId?: string): Date {
    const at = this.host.tick();
    this.table(entity).delete(id);
    (this.tombstones.get(entity) as Map<string, Tombstone>).set(id, { id, at });
    this.host.log({
      realmId: this.realmId,
      entity,
      id,
      operation,
      at,
      ...(deletedId === undefined ? {} : { deletedId }),
    });
    return at;
  }

  /** `POST /invoice?operation=void`: zeroes the amounts and keeps the invoice. */
  void(entity: FakeEntityName, body: Record<string, unknown>): QboRecord {
    if (entity !== 'Invoice' && entity !== 'Payment')
      throw validation('6000', 'Operation not supported', `void is not supported for ${entity}`);
    const id = String(body.Id);
    const existing = this.find(entity, id);
    if (existing === undefined) throw objectNotFound(entity, id);
    if (String(body.SyncToken) !== existing.SyncToken) throw staleObject(id, String(body.SyncToken));
    existing.TotalAmt = 0;
    existing.Balance = 0;
    existing.PrivateNote = 'Voided';
    if (Array.isArray(existing.Line))
      for (const line of existing.Line as Record<string, unknown>[]) line.Amount = 0;
    this.bump(entity, existing, 'Void');
    return structuredClone(existing);
  }

  /** Merges `fromId` into `intoId` (as the QuickBooks UI does): `fromId` is gone. */
  merge(entity: FakeEntityName, fromId: string, intoId: string): void {
    if (this.find(entity, fromId) === undefined) throw objectNotFound(entity, fromId);
    const into = this.find(entity, intoId);
    if (into === undefined) throw objectNotFound(entity, intoId);
    this.table(entity).delete(fromId);
    (this.tombstones.get(entity) as Map<string, Tombstone>).set(fromId, { id: fromId, at: this.host.now() });
    const at = this.host.tick();
    into.SyncToken = String(Number(into.SyncToken) + 1);
    this.stamp(into, at, false);
    this.host.log({ realmId: this.realmId, entity, id: intoId, operation: 'Merge', at, deletedId: fromId });
  }

  query(q: ParsedQuery): { totalCount: number } | { records: QboRecord[] } {
    const entity = canonicalEntity(q.entity);
    if (entity === undefined) throw queryValidation(`Invalid context declaration: ${q.entity}`);
    for (const c of q.where) {
      if (!SUPPORTED_FIELDS.test(c.field))
        throw queryValidation(`Property ${c.field} not found for Entity ${entity}`);
      if (c.op === 'IN' && !/^(Id|Active|Type|DisplayName|Name)$/i.test(c.field))
        throw queryValidation(`IN is not supported for ${c.field}`);
    }
    if (q.orderBy && !SUPPORTED_FIELDS.test(q.orderBy.field))
      throw queryValidation(`Property ${q.orderBy.field} not found for Entity ${entity}`);
    const activeConstrained = q.where.some((c) => c.field.toLowerCase() === 'active');
    let rows = [...this.table(entity).values()].filter(
      (r) =>
        q.where.every((c) => matches(r, c)) &&
        (activeConstrained || !NAME_LISTS.has(entity) || r.Active !== false),
    );
    if (q.count) return { totalCount: rows.length };
    const orderField = q.orderBy?.field ?? 'Id';
    rows.sort((a, b) => {
      const x = comparable(orderField, getPath(a, orderField)) ?? '';
      const y = comparable(orderField, getPath(b, orderField)) ?? '';
      const c = x < y ? -1 : x > y ? 1 : Number(a.Id) - Number(b.Id);
      return q.orderBy?.desc ? -c : c;
    });
    rows = rows.slice(q.startPosition - 1, q.startPosition - 1 + q.maxResults);
    return { records: rows.map((r) => structuredClone(r)) };
  }

  /** Everything changed at or after `since`, oldest first; deletions as tombstones. */
  changedSince(entity: FakeEntityName, since: Date): { at: number; object: Record<string, unknown> }[] {
    const out: { at: number; object: Record<string, unknown> }[] = [];
    for (const r of this.table(entity).values()) {
      const at = Date.parse((r.MetaData as Record<string, string>).LastUpdatedTime as string);
      if (at >= since.getTime()) out.push({ at, object: structuredClone(r) });
    }
    for (const t of (this.tombstones.get(entity) as Map<string, Tombstone>).values()) {
      if (t.at.getTime() >= since.getTime())
        out.push({
          at: t.at.getTime(),
          object: {
            status: 'Deleted',
            domain: 'QBO',
            Id: t.id,
            MetaData: { LastUpdatedTime: qboTime(t.at) },
          },
        });
    }
    return out.sort((a, b) => a.at - b.at || Number(a.object.Id) - Number(b.object.Id));
  }
}

export { QboFault };
