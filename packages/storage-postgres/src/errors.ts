import { NotFoundError, StorageError, type StorageFailure, uniqueViolation } from '@syncbridge/core';

/** What a failed statement is about, so the error can name it without echoing SQL parameters. */
export interface StatementContext {
  /** The adapter operation, e.g. `syncRecords.upsert`. */
  readonly operation: string;
  /**
   * The parent rows this statement references, by resource (`integration`, `sync config`…),
   * with their ids where known. A foreign-key violation then becomes a `NotFoundError` naming
   * the missing parent; without it, a plain `StorageError`.
   */
  readonly parents?: Readonly<Record<string, string | null | undefined>>;
}

/** Foreign keys by name → the resource a violation says is missing. */
const PARENT_OF: Record<string, string> = {
  sync_configs_integration_fkey: 'integration',
  field_mappings_sync_config_fkey: 'sync config',
  sync_logs_integration_fkey: 'integration',
  sync_logs_sync_config_fkey: 'sync config',
  sync_records_sync_config_fkey: 'sync config',
  integration_webhooks_integration_fkey: 'integration',
  webhook_events_integration_fkey: 'integration',
  webhook_events_webhook_fkey: 'webhook registration',
  checkpoints_sync_config_fkey: 'sync config',
};

/** Unique constraints by name, described as the memory storage describes the same rule. */
const UNIQUE_RULES: Record<string, string> = {
  integrations_pkey: 'an integration with that id',
  integrations_organization_provider_key: 'an integration for that organization and provider',
  sync_configs_pkey: 'a sync config with that id',
  sync_configs_entities_key: 'a sync config for that integration and entity pair',
  field_mappings_pkey: 'a field mapping with that id',
  sync_logs_pkey: 'a sync log with that id',
  sync_records_pkey: 'a sync record with that id',
  sync_records_local_key: 'a sync record with that localId in that sync config',
  sync_records_remote_key: 'a sync record with that remoteId in that sync config',
  integration_webhooks_pkey: 'a webhook registration with that id',
  webhook_events_pkey: 'a webhook event with that id',
  webhook_events_event_key: 'a webhook event with that provider event id',
  oauth_states_pkey: 'an OAuth state with that value',
  checkpoints_pkey: 'a checkpoint with that key',
};

interface DriverError {
  code?: unknown;
  constraint?: unknown;
  errno?: unknown;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ETIMEDOUT',
]);

function classify(code: string, message: string): { failure: StorageFailure; reason: string } {
  if (CONNECTION_CODES.has(code))
    return {
      failure: 'connection',
      reason: `could not reach PostgreSQL (${code}). Check that the server is running and that the pool's host, port and credentials are right`,
    };
  if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300')
    return {
      failure: 'connection',
      reason: `the connection to PostgreSQL failed (SQLSTATE ${code}). Retry; if it persists, check the server and its connection limit`,
    };
  if (code === '40001' || code === '40P01')
    return {
      failure: 'serialization',
      reason: `PostgreSQL aborted the transaction (SQLSTATE ${code}: ${code === '40P01' ? 'deadlock' : 'serialization failure'}). It is safe to retry`,
    };
  if (code === '57014' || code === '55P03' || code === '25P03')
    return {
      failure: 'timeout',
      reason: `the statement was cancelled or timed out waiting (SQLSTATE ${code}). Retry, or raise statement_timeout / lock_timeout`,
    };
  if (code === '42P01' || code === '3F000' || code === '42703')
    return {
      failure: 'unknown',
      reason: `the SyncBridge tables are missing or outdated (SQLSTATE ${code}). Run \`await storage.migrate()\` (or apply the shipped migrations) before using the storage`,
    };
  if (code === '22P05' || code === '22021')
    return {
      failure: 'unknown',
      reason: `a value contains a character PostgreSQL cannot store (SQLSTATE ${code}, e.g. a NUL \\u0000 in text or JSON). Remove it before writing`,
    };
  if (code === '22003')
    return { failure: 'unknown', reason: 'a number is out of range for its column (SQLSTATE 22003)' };
  // pg reports its own client-side timeouts with plain errors and no code.
  if (code === '' && /timeout exceeded when trying to connect|Query read timeout/i.test(message))
    return {
      failure: 'timeout',
      reason:
        'timed out waiting for a connection or a reply. The server may be unreachable, or the pool exhausted (each held withLock keeps one connection): raise the pool size or the timeout',
    };
  // pg signals a dropped connection with plain errors and no code; PGlite a closed instance.
  if (
    code === '' &&
    /Connection terminated|connection (is )?closed|Client has encountered a connection error|PGlite is closed/i.test(
      message,
    )
  )
    return {
      failure: 'connection',
      reason: 'the connection to PostgreSQL was lost. Retry; if it persists, check the server',
    };
  return {
    failure: 'unknown',
    reason: code ? `PostgreSQL rejected the statement (SQLSTATE ${code})` : 'the database driver failed',
  };
}

/**
 * Turns a driver error into SyncBridge's typed error: unique violations become
 * `STORAGE_UNIQUE_VIOLATION`, a missing parent `NotFoundError`, dropped or refused connections
 * `STORAGE_CONNECTION`, serialization failures and deadlocks `STORAGE_SERIALIZATION`. The driver
 * error travels as `cause` with anything that quotes data removed (see `redactDriverError`); its
 * text never enters the message.
 */
export function toStorageError(raw: unknown, context: StatementContext): Error {
  if (isOurs(raw)) return raw as Error;
  const error = redactDriverError(raw);
  const e = (typeof error === 'object' && error !== null ? error : {}) as DriverError;
  const code = typeof e.code === 'string' ? e.code : '';
  const { operation } = context;
  if (code === '23505') {
    const constraint = typeof e.constraint === 'string' ? e.constraint : '';
    const error_ = uniqueViolation(operation, UNIQUE_RULES[constraint] ?? 'a row with the same unique key');
    return withCause(error_, error);
  }
  if (code === '23503' && context.parents) {
    const constraint = typeof e.constraint === 'string' ? e.constraint : '';
    const resource = PARENT_OF[constraint] ?? Object.keys(context.parents)[0] ?? 'parent row';
    const id = context.parents[resource] ?? undefined;
    const message =
      id === undefined
        ? `${operation} failed: the ${resource} it references does not exist.`
        : `${operation} failed: no ${resource} with id "${id}".`;
    return new NotFoundError(message, { resource, ...(id === undefined ? {} : { id }), cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  const { failure, reason } = classify(code, message);
  return new StorageError(`${operation} failed: ${reason}.`, { operation, failure, cause: error });
}

/** Fields of a server error that describe it without quoting data. */
const SAFE_FIELDS = [
  'code',
  'severity',
  'constraint',
  'table',
  'column',
  'schema',
  'dataType',
  'routine',
] as const;

/**
 * The driver error as it may travel as `cause`. A server error can carry data: `detail`
 * ("Key (state)=(…) already exists"), `where` (a slice of the JSON parameter), the statement's
 * `params` (PGlite attaches them), and for data exceptions (SQLSTATE class 22) a message that
 * quotes the input. Those would put ciphertext, OAuth states or customer data into every log
 * that prints the error, so server errors are replaced by a copy with only the safe fields.
 * Network errors (ECONNREFUSED…) carry no data and are kept as they are.
 */
export function redactDriverError(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return error;
  const e = error as Record<string, unknown>;
  const fromServer = 'severity' in e || 'detail' in e || 'where' in e || 'params' in e || 'query' in e;
  if (!fromServer) return error;
  const code = typeof e.code === 'string' ? e.code : '';
  const message =
    code.startsWith('22') || typeof e.message !== 'string'
      ? `data exception (SQLSTATE ${code || 'unknown'}); the offending value is withheld`
      : e.message;
  const copy = new Error(message) as Error & Record<string, unknown>;
  copy.name = 'PostgresError';
  for (const field of SAFE_FIELDS) if (e[field] !== undefined) copy[field] = e[field];
  return copy;
}

const isOurs = (error: unknown) =>
  typeof error === 'object' &&
  error !== null &&
  (error as Record<symbol, unknown>)[Symbol.for('@syncbridge/error')] === true;

function withCause(target: StorageError, cause: unknown): StorageError {
  return new StorageError(target.message, {
    operation: target.operation,
    failure: target.failure,
    cause,
  });
}
