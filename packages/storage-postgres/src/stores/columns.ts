/*
 * Column specs: one place that says how each domain field is stored, so rows are written with
 * one set-based statement (json_to_recordset) and read back with one mapper, for every table.
 * Column names are the snake_case of the field names.
 */

/** How a field is stored: text, JSONB, timestamptz, integer, bigint (read back as number) or boolean. */
export type ColumnKind = 'text' | 'json' | 'date' | 'int' | 'bigint' | 'bool';

/** Field name → storage kind, for one table. */
export type ColumnSpec = Readonly<Record<string, ColumnKind>>;

const SQL_TYPE: Record<ColumnKind, string> = {
  text: 'text',
  json: 'jsonb',
  date: 'timestamptz',
  int: 'integer',
  bigint: 'bigint',
  bool: 'boolean',
};

/** `organizationId` → `organization_id`. */
export const snake = (field: string): string => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The `AS x(col type, …)` list of a recordset holding `fields`. */
export function recordsetColumns(spec: ColumnSpec, fields: readonly string[]): string {
  return fields.map((f) => `${snake(f)} ${SQL_TYPE[spec[f]!]}`).join(', ');
}

/**
 * Encodes rows as one JSON text parameter for `json_to_recordset($n::text::json)`: one
 * parameter however many rows (no 65,535-parameter limit), the same on pg and PGlite.
 */
export function recordset(fields: readonly string[], rows: readonly object[]): string {
  const encoded = rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      const value = (row as Record<string, unknown>)[f];
      out[snake(f)] = value instanceof Date ? value.toISOString() : value === undefined ? null : value;
    }
    return out;
  });
  return JSON.stringify(encoded);
}

/** Each spec's (field, column, kind) triples, computed once: reading rows is on the hot path. */
const compiled = new WeakMap<ColumnSpec, [string, string, ColumnKind][]>();

/** Reads a row written with `spec` back into a domain object (bigint as number, dates as Date). */
export function fromRow<T>(spec: ColumnSpec, row: Record<string, unknown>): T {
  let columns = compiled.get(spec);
  if (!columns) {
    columns = Object.entries(spec).map(([field, kind]) => [field, snake(field), kind]);
    compiled.set(spec, columns);
  }
  const out: Record<string, unknown> = {};
  for (const [field, column, kind] of columns) {
    const value = row[column];
    if (value === null || value === undefined) out[field] = null;
    else if (kind === 'bigint' || kind === 'int') out[field] = Number(value);
    else if (kind === 'date') out[field] = value instanceof Date ? value : new Date(String(value));
    else out[field] = value;
  }
  return out as T;
}

export const INTEGRATION: ColumnSpec = {
  id: 'text',
  organizationId: 'text',
  provider: 'text',
  name: 'text',
  status: 'text',
  credentials: 'text',
  config: 'json',
  syncDirection: 'text',
  syncFrequencyMinutes: 'int',
  lastSyncAt: 'date',
  nextSyncAt: 'date',
  lastError: 'text',
  lastErrorAt: 'date',
  errorCount: 'int',
  createdBy: 'text',
  createdAt: 'date',
  updatedAt: 'date',
};

export const SYNC_CONFIG: ColumnSpec = {
  id: 'text',
  integrationId: 'text',
  localEntity: 'text',
  remoteEntity: 'text',
  direction: 'text',
  conflictResolution: 'text',
  conflictFallback: 'text',
  prioritySource: 'text',
  syncFilter: 'json',
  enabled: 'bool',
  createdAt: 'date',
  updatedAt: 'date',
};

export const FIELD_MAPPING: ColumnSpec = {
  id: 'text',
  syncConfigId: 'text',
  localField: 'text',
  remoteField: 'text',
  transformType: 'text',
  transformConfig: 'json',
  direction: 'text',
  isRequired: 'bool',
  defaultValue: 'json',
  position: 'int',
  createdAt: 'date',
};

export const SYNC_LOG: ColumnSpec = {
  id: 'text',
  integrationId: 'text',
  syncConfigId: 'text',
  syncType: 'text',
  status: 'text',
  recordsProcessed: 'bigint',
  recordsCreated: 'bigint',
  recordsUpdated: 'bigint',
  recordsSkipped: 'bigint',
  recordsFailed: 'bigint',
  errors: 'json',
  errorMessage: 'text',
  startedAt: 'date',
  completedAt: 'date',
  durationMs: 'bigint',
  triggeredBy: 'text',
};

export const SYNC_RECORD: ColumnSpec = {
  id: 'text',
  syncConfigId: 'text',
  localId: 'text',
  remoteId: 'text',
  base: 'json',
  baseHash: 'text',
  localHash: 'text',
  remoteHash: 'text',
  remoteVersion: 'text',
  localUpdatedAt: 'date',
  remoteUpdatedAt: 'date',
  lastSyncedAt: 'date',
  syncStatus: 'text',
  generation: 'bigint',
  errorMessage: 'text',
  pending: 'json',
  deletedAt: 'date',
  createdAt: 'date',
  updatedAt: 'date',
};

export const WEBHOOK: ColumnSpec = {
  id: 'text',
  integrationId: 'text',
  provider: 'text',
  url: 'text',
  events: 'json',
  secret: 'text',
  remoteId: 'text',
  active: 'bool',
  totalReceived: 'bigint',
  totalProcessed: 'bigint',
  totalFailed: 'bigint',
  lastReceivedAt: 'date',
  createdAt: 'date',
  updatedAt: 'date',
};

export const WEBHOOK_EVENT: ColumnSpec = {
  id: 'text',
  provider: 'text',
  eventId: 'text',
  integrationId: 'text',
  webhookId: 'text',
  eventType: 'text',
  payload: 'json',
  status: 'text',
  retryCount: 'int',
  nextAttemptAt: 'date',
  lockedUntil: 'date',
  error: 'text',
  receivedAt: 'date',
  processedAt: 'date',
};

export const OAUTH_STATE: ColumnSpec = {
  state: 'text',
  organizationId: 'text',
  provider: 'text',
  userId: 'text',
  redirectUri: 'text',
  codeVerifier: 'text',
  scopes: 'json',
  expiresAt: 'date',
  createdAt: 'date',
};

export const CHECKPOINT: ColumnSpec = {
  syncConfigId: 'text',
  key: 'text',
  value: 'json',
  version: 'bigint',
  updatedAt: 'date',
};
