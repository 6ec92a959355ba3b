import {
  ConfigError,
  type ConnectorContext,
  type EntityDefinition,
  isNotFoundError,
  type JsonObject,
  type Page,
  ValidationError,
  type WriteOptions,
} from '@syncbridge/core';
import type { z } from 'zod';
import { qboDateTime, qboLiteral, selectQuery } from '../query.js';
import { withoutNulls } from '../without-nulls.js';
import { parseRecord, qboRequest, requestIdFor } from './request.js';

/** Records per query page (QuickBooks' maximum). */
export const PAGE_SIZE = 1000;
/** Ids per `Id IN (...)` query, keeping the URL short. */
export const GET_MANY_BATCH = 100;

export interface QboEntityOptions<S extends z.ZodType> {
  readonly name: string;
  readonly schema: S;
  /** Name lists (Customer, Item, Account, TaxCode): not deletable, inactive ones hidden from queries. */
  readonly nameList: boolean;
  readonly readOnly?: boolean;
  readonly minorVersion: number;
}

type QboRecord = { Id: string; SyncToken: string; MetaData: { LastUpdatedTime: string } };

/** Where a list resumes: the last `LastUpdatedTime` seen and the ids already read at that time. */
interface ListCursor {
  readonly v: 1;
  readonly since: string | null;
  readonly at: string | null;
  readonly seen: readonly string[];
}

function decodeCursor(cursor: string | null, since: Date | null): ListCursor {
  if (cursor === null) return { v: 1, since: since ? qboDateTime(since) : null, at: null, seen: [] };
  try {
    const parsed = JSON.parse(cursor) as ListCursor;
    if (parsed.v === 1 && Array.isArray(parsed.seen)) return parsed;
  } catch {}
  throw new ValidationError(`QuickBooks list cursor is not one this connector wrote: ${cursor.slice(0, 40)}`);
}

const FIELD_PATH = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/;
type Scalar = string | number | boolean;
const isScalar = (v: unknown): v is Scalar =>
  typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean';

/**
 * A sync config's `filter` as query conditions, ANDed: `{ CompanyName: "O'Brien" }` →
 * `CompanyName = 'O\'Brien'`, an array → `IN (…)`. Values are always escaped literals; field
 * names must be plain paths. QuickBooks has no OR. Throws `ConfigError` for anything else.
 */
export function filterConditions(entity: string, filter: JsonObject | null): string[] {
  if (filter === null) return [];
  const problems: string[] = [];
  const where: string[] = [];
  for (const [field, value] of Object.entries(filter)) {
    if (!FIELD_PATH.test(field)) problems.push(`${field}: not a QuickBooks field path`);
    else if (isScalar(value)) where.push(`${field} = ${qboLiteral(value)}`);
    else if (Array.isArray(value) && value.length > 0 && value.every(isScalar))
      where.push(`${field} IN (${value.map((v) => qboLiteral(v)).join(', ')})`);
    else problems.push(`${field}: use a string, number, boolean or a non-empty array of them`);
  }
  if (problems.length)
    throw new ConfigError(`QuickBooks ${entity} sync filter is not usable: ${problems.join('; ')}`, {
      problems,
    });
  return where;
}

/**
 * Builds an entity on the query endpoint and the write endpoints.
 *
 * Listing pages by time, not by offset: `WHERE Metadata.LastUpdatedTime >= <last seen>` and
 * skipping the ids already read at that instant. Offset paging over a changing table skips
 * records when one is edited mid-list (it moves to the end and the rest shift back); keyset
 * paging cannot.
 */
export function qboEntity<S extends z.ZodType<QboRecord & JsonObject>>(
  options: QboEntityOptions<S>,
): EntityDefinition<z.output<S>> {
  const { name, schema, nameList, minorVersion } = options;
  const resource = name.toLowerCase();
  const activeAll = nameList ? ['Active IN (true, false)'] : [];

  const query = async (ctx: ConnectorContext, text: string): Promise<unknown[]> => {
    const data = await qboRequest<{ QueryResponse?: Record<string, unknown> }>(ctx, minorVersion, {
      method: 'GET',
      resource: 'query',
      query: { query: text },
    });
    const rows = data.QueryResponse?.[name];
    if (rows === undefined) return [];
    if (!Array.isArray(rows))
      throw new ValidationError(`QuickBooks query for ${name} returned a non-array ${name} field`);
    return rows;
  };

  async function* list(
    ctx: ConnectorContext,
    params: { cursor: string | null; since: Date | null; filter?: JsonObject | null },
  ): AsyncIterable<Page<z.output<S>>> {
    let state = decodeCursor(params.cursor, params.since);
    const filter = params.filter ?? null;
    const filtered = filterConditions(name, filter);
    // A filter on Active replaces the "active and inactive" default of name lists.
    const base =
      filter !== null && Object.keys(filter).some((k) => k.toLowerCase() === 'active') ? [] : activeAll;
    for (;;) {
      const where = [...base, ...filtered];
      if (state.at !== null) where.push(`Metadata.LastUpdatedTime >= ${qboLiteral(state.at)}`);
      else if (state.since !== null) where.push(`Metadata.LastUpdatedTime > ${qboLiteral(state.since)}`);
      // A tie group bigger than a page cannot be re-read whole: skip into it by position.
      const start = state.seen.length >= PAGE_SIZE ? state.seen.length + 1 : 1;
      const rows = await query(
        ctx,
        selectQuery({
          entity: name,
          where,
          orderBy: 'Metadata.LastUpdatedTime',
          startPosition: start,
          maxResults: PAGE_SIZE,
        }),
      );
      const records = rows.map((r) => parseRecord(schema, r, `quickbooks.${name}.list`));
      const seen = new Set(state.seen);
      const atTime = state.at === null ? Number.NaN : Date.parse(state.at);
      const fresh = records.filter(
        (r) => !(Date.parse(r.MetaData.LastUpdatedTime) === atTime && seen.has(r.Id)),
      );
      const last = records.at(-1);
      if (last !== undefined) {
        const lastAt = last.MetaData.LastUpdatedTime;
        const lastTime = Date.parse(lastAt);
        const tie = records
          .filter((r) => Date.parse(r.MetaData.LastUpdatedTime) === lastTime)
          .map((r) => r.Id);
        const carried = lastTime === atTime ? [...state.seen, ...tie.filter((id) => !seen.has(id))] : tie;
        state = { v: 1, since: state.since, at: lastAt, seen: carried };
      }
      const done = rows.length < PAGE_SIZE;
      yield { records: fresh, cursor: done ? null : JSON.stringify(state) };
      if (done) return;
    }
  }

  const get = async (ctx: ConnectorContext, id: string): Promise<z.output<S> | null> => {
    try {
      const data = await qboRequest<Record<string, unknown>>(ctx, minorVersion, {
        method: 'GET',
        resource: `${resource}/${encodeURIComponent(id)}`,
      });
      return parseRecord(schema, data[name], `quickbooks.${name}.get`);
    } catch (error) {
      if (isNotFoundError(error)) return null;
      throw error;
    }
  };

  const getMany = async (ctx: ConnectorContext, ids: readonly string[]): Promise<z.output<S>[]> => {
    const unique = [...new Set(ids)];
    const out: z.output<S>[] = [];
    for (let i = 0; i < unique.length; i += GET_MANY_BATCH) {
      const batch = unique.slice(i, i + GET_MANY_BATCH);
      const rows = await query(
        ctx,
        selectQuery({
          entity: name,
          where: [`Id IN (${batch.map((id) => qboLiteral(id)).join(', ')})`, ...activeAll],
          maxResults: PAGE_SIZE,
        }),
      );
      for (const r of rows) out.push(parseRecord(schema, r, `quickbooks.${name}.getMany`));
    }
    return out;
  };

  const write = async (
    ctx: ConnectorContext,
    operation: string,
    body: JsonObject,
    idempotencyKey: string,
    extra: Record<string, string> = {},
  ): Promise<Record<string, unknown>> =>
    qboRequest<Record<string, unknown>>(ctx, minorVersion, {
      method: 'POST',
      resource,
      query: { ...extra, requestid: requestIdFor(idempotencyKey, name, operation) },
      json: body,
      idempotencyKey,
    });

  /** The SyncToken to write against: the caller's version, or the current one when none was given. */
  const versionOf = async (ctx: ConnectorContext, id: string, options: WriteOptions): Promise<string> => {
    if (options.version !== undefined) return options.version;
    const current = await get(ctx, id);
    if (current === null) return '0';
    return current.SyncToken;
  };

  const definition: EntityDefinition<z.output<S>> = {
    schema: schema as unknown as z.ZodType<z.output<S>>,
    id: (r) => r.Id,
    updatedAt: (r) => {
      const t = Date.parse(r.MetaData.LastUpdatedTime);
      return Number.isNaN(t) ? undefined : new Date(t);
    },
    version: (r) => r.SyncToken,
    isDeleted: (r) => (r as { status?: unknown }).status === 'Deleted',
    list: (ctx, params) => list(ctx, params),
    get,
    getMany,
  };
  if (options.readOnly) return definition;

  return {
    ...definition,
    create: async (ctx, data, options) => {
      const { Id: _id, SyncToken: _token, sparse: _sparse, ...fields } = data;
      // Unset host fields arrive as null from the mapping; QuickBooks records have no nulls.
      const res = await write(ctx, 'create', withoutNulls(fields), options.idempotencyKey);
      return parseRecord(schema, res[name], `quickbooks.${name}.create`);
    },
    update: async (ctx, id, changes, options) => {
      const { Id: _id, SyncToken: _token, sparse: _sparse, ...fields } = changes;
      const syncToken = await versionOf(ctx, id, options);
      const res = await write(
        ctx,
        `update:${syncToken}`,
        { ...fields, Id: id, SyncToken: syncToken, sparse: true },
        options.idempotencyKey,
      );
      return parseRecord(schema, res[name], `quickbooks.${name}.update`);
    },
    delete: async (ctx, id, options) => {
      const syncToken = await versionOf(ctx, id, options);
      if (nameList) {
        // Name lists cannot be deleted in QuickBooks: deactivate.
        await write(
          ctx,
          `deactivate:${syncToken}`,
          { Id: id, SyncToken: syncToken, sparse: true, Active: false },
          options.idempotencyKey,
        );
        return;
      }
      try {
        await write(ctx, `delete:${syncToken}`, { Id: id, SyncToken: syncToken }, options.idempotencyKey, {
          operation: 'delete',
        });
      } catch (error) {
        // Already gone (610): the delete has happened, which is what was asked.
        if (isNotFoundError(error)) return;
        throw error;
      }
    },
  };
}
