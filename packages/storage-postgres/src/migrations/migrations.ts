/**
 * One versioned step of the schema. `sql(schema)` is the script for a schema name (a plain
 * lower-case identifier; the schema itself must exist).
 *
 * ```ts
 * const first: Migration = migrations[0]!;
 * const script = first.sql('syncbridge');
 * ```
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  sql(schema: string): string;
}

/** Quotes an identifier for SQL. Schema names are validated at construction; this only adds quotes. */
export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

const inList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
const DIRECTIONS = inList(['inbound', 'outbound', 'bidirectional']);
const STRATEGIES = inList(['last_write_wins', 'source_priority', 'manual_review', 'merge_fields', 'merge']);

/*
 * The seed's tables. Frozen once released: a change is a new migration, never an edit here
 * (hosts that applied version 1 will not run it again).
 */
const initial: Migration = {
  version: 1,
  name: 'initial schema',
  sql: (schema) => {
    const s = quoteIdent(schema);
    return `
CREATE TABLE ${s}.integrations (
  id text NOT NULL,
  organization_id text NOT NULL,
  provider text NOT NULL,
  name text,
  status text NOT NULL DEFAULT 'disconnected'
    CONSTRAINT integrations_status_check CHECK (status IN (${inList(['disconnected', 'connecting', 'connected', 'error', 'expired'])})),
  credentials text,
  config jsonb NOT NULL DEFAULT '{}'::jsonb,
  sync_direction text NOT NULL DEFAULT 'bidirectional'
    CONSTRAINT integrations_sync_direction_check CHECK (sync_direction IN (${DIRECTIONS})),
  sync_frequency_minutes integer CONSTRAINT integrations_sync_frequency_check CHECK (sync_frequency_minutes > 0),
  last_sync_at timestamptz,
  next_sync_at timestamptz,
  last_error text,
  last_error_at timestamptz,
  error_count integer NOT NULL DEFAULT 0 CONSTRAINT integrations_error_count_check CHECK (error_count >= 0),
  created_by text,
  created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
  updated_at timestamptz NOT NULL DEFAULT statement_timestamp(),
  CONSTRAINT integrations_pkey PRIMARY KEY (id),
  CONSTRAINT integrations_organization_provider_key UNIQUE (organization_id, provider)
);
CREATE INDEX integrations_next_sync_at_idx ON ${s}.integrations (next_sync_at) WHERE next_sync_at IS NOT NULL;
CREATE INDEX integrations_created_at_idx ON ${s}.integrations (created_at, id);

CREATE TABLE ${s}.sync_configs (
  id text NOT NULL,
  integration_id text NOT NULL,
  local_entity text NOT NULL,
  remote_entity text NOT NULL,
  direction text NOT NULL DEFAULT 'bidirectional'
    CONSTRAINT sync_configs_direction_check CHECK (direction IN (${DIRECTIONS})),
  conflict_resolution text NOT NULL DEFAULT 'last_write_wins'
    CONSTRAINT sync_configs_conflict_resolution_check CHECK (conflict_resolution IN (${STRATEGIES})),
  conflict_fallback text CONSTRAINT sync_configs_conflict_fallback_check CHECK (conflict_fallback IN (${STRATEGIES})),
  priority_source text CONSTRAINT sync_configs_priority_source_check CHECK (priority_source IN ('local', 'remote')),
  sync_filter jsonb,
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
  updated_at timestamptz NOT NULL DEFAULT statement_timestamp(),
  CONSTRAINT sync_configs_pkey PRIMARY KEY (id),
  CONSTRAINT sync_configs_entities_key UNIQUE (integration_id, local_entity, remote_entity),
  CONSTRAINT sync_configs_integration_fkey FOREIGN KEY (integration_id)
    REFERENCES ${s}.integrations (id) ON DELETE CASCADE
);

CREATE TABLE ${s}.field_mappings (
  id text NOT NULL,
  sync_config_id text NOT NULL,
  local_field text NOT NULL,
  remote_field text NOT NULL,
  transform_type text NOT NULL DEFAULT 'direct'
    CONSTRAINT field_mappings_transform_type_check CHECK (transform_type IN (${inList(['direct', 'format', 'lookup', 'compute', 'constant'])})),
  transform_config jsonb,
  direction text NOT NULL DEFAULT 'bidirectional'
    CONSTRAINT field_mappings_direction_check CHECK (direction IN (${DIRECTIONS})),
  is_required boolean NOT NULL DEFAULT false,
  default_value jsonb,
  position integer NOT NULL CONSTRAINT field_mappings_position_check CHECK (position >= 0),
  created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
  CONSTRAINT field_mappings_pkey PRIMARY KEY (id),
  CONSTRAINT field_mappings_position_key UNIQUE (sync_config_id, position),
  CONSTRAINT field_mappings_sync_config_fkey FOREIGN KEY (sync_config_id)
    REFERENCES ${s}.sync_configs (id) ON DELETE CASCADE
);

CREATE TABLE ${s}.sync_logs (
  id text NOT NULL,
  integration_id text NOT NULL,
  sync_config_id text,
  sync_type text NOT NULL
    CONSTRAINT sync_logs_sync_type_check CHECK (sync_type IN (${inList(['full', 'incremental', 'manual', 'webhook'])})),
  status text NOT NULL DEFAULT 'pending'
    CONSTRAINT sync_logs_status_check CHECK (status IN (${inList(['pending', 'running', 'completed', 'failed', 'partial'])})),
  records_processed bigint NOT NULL DEFAULT 0,
  records_created bigint NOT NULL DEFAULT 0,
  records_updated bigint NOT NULL DEFAULT 0,
  records_skipped bigint NOT NULL DEFAULT 0,
  records_failed bigint NOT NULL DEFAULT 0,
  errors jsonb NOT NULL DEFAULT '[]'::jsonb,
  error_message text,
  started_at timestamptz NOT NULL DEFAULT statement_timestamp(),
  completed_at timestamptz,
  duration_ms bigint,
  triggered_by text,
  CONSTRAINT sync_logs_pkey PRIMARY KEY (id),
  CONSTRAINT sync_logs_counters_check CHECK (
    records_processed >= 0 AND records_created >= 0 AND records_updated >= 0
    AND records_skipped >= 0 AND records_failed >= 0 AND (duration_ms IS NULL OR duration_ms >= 0)
  ),
  CONSTRAINT sync_logs_integration_fkey FOREIGN KEY (integration_id)
    REFERENCES ${s}.integrations (id) ON DELETE CASCADE,
  CONSTRAINT sync_logs_sync_config_fkey FOREIGN KEY (sync_config_id)
    REFERENCES ${s}.sync_configs (id) ON DELETE SET NULL
);
CREATE INDEX sync_logs_integration_idx ON ${s}.sync_logs (integration_id, started_at DESC, id DESC);
CREATE INDEX sync_logs_sync_config_idx ON ${s}.sync_logs (sync_config_id) WHERE sync_config_id IS NOT NULL;
CREATE INDEX sync_logs_started_at_idx ON ${s}.sync_logs (started_at DESC, id DESC);

-- fillfactor: room on each page for HOT updates, since every sync rewrites its links.
CREATE TABLE ${s}.sync_records (
  -- Byte order, as the memory storage compares ids: keyset paging is the same on any database collation.
  id text COLLATE "C" NOT NULL,
  sync_config_id text NOT NULL,
  local_id text,
  remote_id text,
  base jsonb,
  base_hash text,
  local_hash text,
  remote_hash text,
  remote_version text,
  local_updated_at timestamptz,
  remote_updated_at timestamptz,
  last_synced_at timestamptz,
  sync_status text NOT NULL DEFAULT 'synced'
    CONSTRAINT sync_records_sync_status_check CHECK (sync_status IN (${inList(['synced', 'pending_outbound', 'pending_inbound', 'conflict', 'error'])})),
  generation bigint NOT NULL DEFAULT 0 CONSTRAINT sync_records_generation_check CHECK (generation >= 0),
  error_message text,
  pending jsonb,
  deleted_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
  updated_at timestamptz NOT NULL DEFAULT statement_timestamp(),
  CONSTRAINT sync_records_pkey PRIMARY KEY (id),
  -- Checked at the end of each statement, so one upsert may swap or move ids between links.
  CONSTRAINT sync_records_local_key UNIQUE (sync_config_id, local_id) DEFERRABLE INITIALLY IMMEDIATE,
  CONSTRAINT sync_records_remote_key UNIQUE (sync_config_id, remote_id) DEFERRABLE INITIALLY IMMEDIATE,
  CONSTRAINT sync_records_sync_config_fkey FOREIGN KEY (sync_config_id)
    REFERENCES ${s}.sync_configs (id) ON DELETE CASCADE
) WITH (fillfactor = 85);
-- Keyset paging (list with after) and the cascade from sync_configs.
CREATE INDEX sync_records_page_idx ON ${s}.sync_records (sync_config_id, id);
CREATE INDEX sync_records_status_idx ON ${s}.sync_records (sync_config_id, sync_status);

CREATE TABLE ${s}.integration_webhooks (
  id text NOT NULL,
  integration_id text NOT NULL,
  provider text NOT NULL,
  url text,
  events jsonb NOT NULL DEFAULT '[]'::jsonb,
  secret text,
  remote_id text,
  active boolean NOT NULL DEFAULT true,
  total_received bigint NOT NULL DEFAULT 0,
  total_processed bigint NOT NULL DEFAULT 0,
  total_failed bigint NOT NULL DEFAULT 0,
  last_received_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
  updated_at timestamptz NOT NULL DEFAULT statement_timestamp(),
  CONSTRAINT integration_webhooks_pkey PRIMARY KEY (id),
  CONSTRAINT integration_webhooks_integration_fkey FOREIGN KEY (integration_id)
    REFERENCES ${s}.integrations (id) ON DELETE CASCADE
);
CREATE INDEX integration_webhooks_integration_idx ON ${s}.integration_webhooks (integration_id, created_at, id);

CREATE TABLE ${s}.webhook_events (
  id text NOT NULL,
  provider text NOT NULL,
  event_id text NOT NULL,
  integration_id text,
  webhook_id text,
  event_type text NOT NULL DEFAULT '',
  payload jsonb,
  status text NOT NULL DEFAULT 'pending'
    CONSTRAINT webhook_events_status_check CHECK (status IN (${inList(['pending', 'processing', 'processed', 'failed', 'ignored'])})),
  retry_count integer NOT NULL DEFAULT 0 CONSTRAINT webhook_events_retry_count_check CHECK (retry_count >= 0),
  next_attempt_at timestamptz,
  locked_until timestamptz,
  error text,
  received_at timestamptz NOT NULL DEFAULT statement_timestamp(),
  processed_at timestamptz,
  CONSTRAINT webhook_events_pkey PRIMARY KEY (id),
  CONSTRAINT webhook_events_event_key UNIQUE (provider, event_id),
  -- The inbox is an audit trail: it outlives the integration and the registration.
  CONSTRAINT webhook_events_integration_fkey FOREIGN KEY (integration_id)
    REFERENCES ${s}.integrations (id) ON DELETE SET NULL,
  CONSTRAINT webhook_events_webhook_fkey FOREIGN KEY (webhook_id)
    REFERENCES ${s}.integration_webhooks (id) ON DELETE SET NULL
);
-- claim(): due pending events, and processing ones whose lease lapsed.
CREATE INDEX webhook_events_claim_idx ON ${s}.webhook_events (status, next_attempt_at);
CREATE INDEX webhook_events_lease_idx ON ${s}.webhook_events (status, locked_until) WHERE status = 'processing';
CREATE INDEX webhook_events_received_idx ON ${s}.webhook_events (received_at, id);
CREATE INDEX webhook_events_integration_idx ON ${s}.webhook_events (integration_id) WHERE integration_id IS NOT NULL;
CREATE INDEX webhook_events_webhook_idx ON ${s}.webhook_events (webhook_id) WHERE webhook_id IS NOT NULL;

CREATE TABLE ${s}.oauth_states (
  state text NOT NULL,
  organization_id text NOT NULL,
  provider text NOT NULL,
  user_id text,
  redirect_uri text NOT NULL,
  code_verifier text,
  scopes jsonb NOT NULL DEFAULT '[]'::jsonb,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
  CONSTRAINT oauth_states_pkey PRIMARY KEY (state)
);
CREATE INDEX oauth_states_expires_at_idx ON ${s}.oauth_states (expires_at);

CREATE TABLE ${s}.checkpoints (
  sync_config_id text NOT NULL,
  key text NOT NULL,
  value jsonb,
  version bigint NOT NULL CONSTRAINT checkpoints_version_check CHECK (version > 0),
  updated_at timestamptz NOT NULL DEFAULT statement_timestamp(),
  CONSTRAINT checkpoints_pkey PRIMARY KEY (sync_config_id, key),
  CONSTRAINT checkpoints_sync_config_fkey FOREIGN KEY (sync_config_id)
    REFERENCES ${s}.sync_configs (id) ON DELETE CASCADE
);
`;
  },
};

/*
 * The JSONB mirror behind postgresLocalStore(). A row per (entity, id); deletions stay as
 * tombstones (deleted = true, data = null) so changedSince can report them. `txid` is the
 * writing transaction, `seq` the order within the database: together they are the change cursor
 * (see local/postgres-local-store.ts for why the transaction id is needed).
 */
const localRecords: Migration = {
  version: 2,
  name: 'local records mirror',
  sql: (schema) => {
    const s = quoteIdent(schema);
    return `
CREATE SEQUENCE ${s}.local_records_seq AS bigint;
CREATE TABLE ${s}.local_records (
  entity text NOT NULL,
  id text NOT NULL,
  data jsonb,
  updated_at timestamptz NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  seq bigint NOT NULL DEFAULT nextval('${s.replaceAll("'", "''")}.local_records_seq'),
  txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
  CONSTRAINT local_records_pkey PRIMARY KEY (entity, id)
);
CREATE INDEX local_records_changes_idx ON ${s}.local_records (entity, txid, seq);
`;
  },
};

/**
 * Every migration, oldest first. `postgresStorage().migrate()` applies the missing ones; hosts
 * that run their own migration tool can take the SQL from here instead.
 *
 * ```ts
 * import { migrations } from '@syncbridge/storage-postgres';
 * for (const m of migrations) writeFileSync(`${m.version}_syncbridge.sql`, m.sql('syncbridge'));
 * ```
 */
export const migrations: readonly Migration[] = Object.freeze([initial, localRecords]);
