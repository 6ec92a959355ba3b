import type { SqlClient, SqlResult } from '../driver/sql-client.js';
import { type StatementContext, toStorageError } from '../errors.js';
import { quoteIdent } from '../migrations/migrations.js';
import { type ColumnSpec, recordset, recordsetColumns, snake } from './columns.js';

/** Qualified, quoted names of the adapter's tables in the configured schema. */
export interface Tables {
  readonly integrations: string;
  readonly syncConfigs: string;
  readonly fieldMappings: string;
  readonly syncLogs: string;
  readonly syncRecords: string;
  readonly webhooks: string;
  readonly webhookEvents: string;
  readonly oauthStates: string;
  readonly checkpoints: string;
  readonly localRecords: string;
}

export function tablesIn(schema: string): Tables {
  const t = (name: string) => `${quoteIdent(schema)}.${name}`;
  return {
    integrations: t('integrations'),
    syncConfigs: t('sync_configs'),
    fieldMappings: t('field_mappings'),
    syncLogs: t('sync_logs'),
    syncRecords: t('sync_records'),
    webhooks: t('integration_webhooks'),
    webhookEvents: t('webhook_events'),
    oauthStates: t('oauth_states'),
    checkpoints: t('checkpoints'),
    localRecords: t('local_records'),
  };
}

/**
 * What every store works on: where to send statements (the pool, or an open transaction),
 * the table names, and how to run several statements atomically.
 */
export interface StoreContext {
  readonly tables: Tables;
  /** Runs one statement; driver errors become typed SyncBridge errors naming the operation. */
  run<R = Record<string, unknown>>(
    context: StatementContext,
    text: string,
    params?: readonly unknown[],
  ): Promise<SqlResult<R>>;
  /** Runs `fn` in a transaction, or directly when this context already is one. */
  atomic<T>(operation: string, fn: (ctx: StoreContext) => Promise<T>): Promise<T>;
}

export function storeContext(
  client: SqlClient,
  tables: Tables,
  transaction: (<T>(fn: (client: SqlClient) => Promise<T>) => Promise<T>) | undefined,
): StoreContext {
  const ctx: StoreContext = {
    tables,
    async run<R>(context: StatementContext, text: string, params: readonly unknown[] = []) {
      try {
        return await client.query<R>(text, params);
      } catch (error) {
        throw toStorageError(error, context);
      }
    },
    async atomic(operation, fn) {
      if (!transaction) return fn(ctx);
      try {
        return await transaction((tx) => fn(storeContext(tx, tables, undefined)));
      } catch (error) {
        throw toStorageError(error, { operation });
      }
    },
  };
  return ctx;
}

/**
 * `INSERT INTO table (fields…) SELECT … FROM json_to_recordset($1)`: one statement for any
 * number of rows. `values` may override a field with an SQL expression (e.g. a timestamp).
 */
export function insertSql(
  table: string,
  spec: ColumnSpec,
  fields: readonly string[],
  values: Readonly<Record<string, string>> = {},
): string {
  const columns = [...fields, ...Object.keys(values)];
  const select = columns.map((f) => values[f] ?? `x.${snake(f)}`).join(', ');
  return `INSERT INTO ${table} (${columns.map(snake).join(', ')}) SELECT ${select} FROM json_to_recordset($1::text::json) AS x(${recordsetColumns(spec, fields)})`;
}

/**
 * `UPDATE table SET (present fields…) FROM json_to_record($2) WHERE key = $1 RETURNING *`.
 * Only the fields of the patch are written; `extra` adds SQL assignments such as `updated_at`.
 */
export function updateSql(
  table: string,
  spec: ColumnSpec,
  fields: readonly string[],
  keyColumn: string,
  extra: readonly string[] = [],
): string {
  const sets = [...fields.map((f) => `${snake(f)} = x.${snake(f)}`), ...extra];
  // An empty patch still returns the row (and bumps updated_at where the table has one).
  if (sets.length === 0) sets.push(`${keyColumn} = t.${keyColumn}`);
  const from = fields.length
    ? ` FROM json_to_record($2::text::json) AS x(${recordsetColumns(spec, fields)})`
    : '';
  return `UPDATE ${table} AS t SET ${sets.join(', ')}${from} WHERE t.${keyColumn} = $1 RETURNING t.*`;
}

/** The patch's defined fields, and the one-row JSON parameter for `updateSql`. */
export function patchParams(spec: ColumnSpec, patch: object): { fields: string[]; json: string } {
  const fields = Object.keys(patch).filter(
    (f) => (patch as Record<string, unknown>)[f] !== undefined && f in spec,
  );
  return { fields, json: recordset(fields, [patch]).slice(1, -1) };
}

/**
 * ` WHERE a = $1 AND b = $2` for the filters that are set (undefined ones are left out), with
 * their parameters; an empty string when none is set.
 */
export function equalityWhere(filters: readonly (readonly [column: string, value: unknown])[]): {
  sql: string;
  params: unknown[];
} {
  const where: string[] = [];
  const params: unknown[] = [];
  for (const [column, value] of filters) {
    if (value === undefined) continue;
    params.push(value);
    where.push(`${column} = $${params.length}`);
  }
  return { sql: where.length ? ` WHERE ${where.join(' AND ')}` : '', params };
}
