import type { z } from 'zod';
import type { JsonObject } from '../domain/common.js';
import type { SyncBridgeError } from '../errors/syncbridge-error.js';
import type { ErrorResponse, HttpClient } from '../http/http-client.js';
import type { Logger } from '../logging/logger.js';
import type { AuthSpec, Credentials } from './auth-spec.js';

export type ConnectorCategory =
  | 'erp'
  | 'crm'
  | 'accounting'
  | 'ecommerce'
  | 'banking'
  | 'shipping'
  | 'payments'
  | 'communication';

/** What a connector may know of the integration it works for. */
export interface IntegrationInfo {
  readonly id: string;
  readonly organizationId: string;
  readonly provider: string;
  /** Provider extras captured at connect time (QuickBooks `realmId`). */
  readonly config: Readonly<JsonObject>;
}

/** Everything a connector method gets: an authenticated client, who it works for, a logger, a signal. */
export interface ConnectorContext {
  readonly http: HttpClient;
  readonly integration: IntegrationInfo;
  readonly logger: Logger;
  readonly signal: AbortSignal;
}

/** One page of a list. `cursor` resumes the list after this page; null when it was the last one. */
export interface Page<R> {
  readonly records: readonly R[];
  readonly cursor: string | null;
  /** Total records when the provider tells (progress bars). */
  readonly total?: number;
}

export interface ListParams {
  /** Resume after this cursor (from a checkpoint); null: from the start. */
  readonly cursor: string | null;
  /** Only records changed since this time (incremental list), when the entity supports it. */
  readonly since: Date | null;
  /** The sync config's `syncFilter`. */
  readonly filter: JsonObject | null;
}

export interface WriteOptions {
  /** Derived from the sync intent; the same for every retry of one logical write. */
  readonly idempotencyKey: string;
  /** The provider version the write is based on (QuickBooks `SyncToken`); a stale one must fail with `ConflictError` code `STALE_VERSION`. */
  readonly version?: string | undefined;
}

/** One entity a connector syncs, with the operations the provider allows. */
export interface EntityDefinition<R = JsonObject> {
  /** Validates every record the provider returns; a record that fails is counted, not dropped silently. */
  readonly schema: z.ZodType<R>;
  id(record: R): string;
  updatedAt(record: R): Date | undefined;
  /** Provider version for optimistic writes (QuickBooks `SyncToken`). */
  version?(record: R): string | undefined;
  /** True for a tombstone (Stripe `deleted: true`, QuickBooks `status: "Deleted"`). */
  isDeleted?(record: R): boolean;
  /** Streams every record (or those changed since `params.since`), page by page. */
  list(ctx: ConnectorContext, params: ListParams): AsyncIterable<Page<R>>;
  /** One record by id; null when the provider has none. */
  get?(ctx: ConnectorContext, id: string): Promise<R | null>;
  /** Several records by id in as few requests as the provider allows (QuickBooks `Id IN (…)`). Missing ids are absent. */
  getMany?(ctx: ConnectorContext, ids: readonly string[]): Promise<R[]>;
  create?(ctx: ConnectorContext, data: JsonObject, options: WriteOptions): Promise<R>;
  /** Sends only `changes` (a sparse/partial update). */
  update?(ctx: ConnectorContext, id: string, changes: JsonObject, options: WriteOptions): Promise<R>;
  /** Deletes, or deactivates where the provider cannot delete (see capabilities). */
  delete?(ctx: ConnectorContext, id: string, options: WriteOptions): Promise<void>;
}

/** One change from a change feed or a webhook. */
export interface Change {
  readonly entity: string;
  readonly id: string;
  readonly type: 'upsert' | 'delete';
  /** The full record when the feed carries it; otherwise the engine fetches it. */
  readonly record?: unknown;
  /** Provider version or event time, to drop out-of-order changes. */
  readonly version?: string;
  readonly occurredAt?: Date;
  /** For a merge (QuickBooks): the id that was merged away and is now gone. */
  readonly mergedFromId?: string;
}

export interface ChangePage {
  readonly changes: readonly Change[];
  /** Resume after this page. */
  readonly cursor: string;
}

/** A webhook delivery as the host received it: raw body bytes, headers lower-cased. */
export interface WebhookRequest {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** One event of a delivery, in provider-neutral form. */
export interface ParsedWebhookEvent {
  /** The provider's event id: the inbox dedupe key. */
  readonly eventId: string;
  readonly type: string;
  /** The provider account it is about (QuickBooks realm, Stripe `account`), for routing. */
  readonly accountId?: string;
  readonly occurredAt?: Date;
  readonly changes: readonly Change[];
  readonly payload: unknown;
}

export interface WebhookSpec {
  /** Verifies the signature on the raw body, in constant time. Must not throw for a bad signature: return false. */
  verify(request: WebhookRequest, secret: string, now: Date): boolean | Promise<boolean>;
  /** Parses a verified body into events; throws `ValidationError` for a malformed one. */
  parse(request: WebhookRequest): ParsedWebhookEvent[];
  /** Which integration config key holds the account id events are routed by (QuickBooks `realmId`). */
  readonly accountConfigKey?: string;
  /**
   * Registers an endpoint through the provider's API (Stripe `POST /v1/webhook_endpoints`) and
   * returns its id and signing secret. Providers that only offer a dashboard leave it out.
   */
  register?(
    ctx: ConnectorContext,
    endpoint: { url: string; events: readonly string[] },
  ): Promise<{ remoteId: string; secret: string }>;
  /** Removes an endpoint registered with `register`. */
  unregister?(ctx: ConnectorContext, remoteId: string): Promise<void>;
}

/** Operations that are not entity sync (create a shipment, send a message). */
export interface ActionDefinition<I = unknown, O = unknown> {
  readonly input: z.ZodType<I>;
  readonly output: z.ZodType<O>;
  run(ctx: ConnectorContext, input: I): Promise<O>;
}

/** Requests per interval and concurrency, for one scope (one QuickBooks realm, one Stripe key). */
export interface RateLimitSpec {
  readonly requests: number;
  readonly intervalMs: number;
  readonly concurrency?: number;
  /** Requests sharing a scope share the limit. Default: the integration id. */
  readonly scope?: string;
}

/** What an entity supports; defaults are derived from the methods it has. */
export interface EntityCapabilities {
  readonly inbound: boolean;
  readonly outbound: boolean;
  readonly incremental: boolean;
  /** `delete`: really deleted; `deactivate`: marked inactive (QuickBooks name lists); `none`. */
  readonly delete: 'delete' | 'deactivate' | 'none';
}

export interface ConnectorCapabilities {
  readonly changeFeed: boolean;
  readonly webhooks: boolean;
  readonly entities: Readonly<Record<string, EntityCapabilities>>;
}

/** What `defineConnector` accepts. */
export interface ConnectorDefinition {
  readonly provider: string;
  readonly displayName?: string;
  readonly category: ConnectorCategory;
  readonly auth: AuthSpec;
  readonly baseUrl: string | ((integration: IntegrationInfo) => string);
  readonly defaultHeaders?: Readonly<Record<string, string>>;
  readonly rateLimit?:
    | RateLimitSpec
    | ((integration: IntegrationInfo, credentials: Credentials) => RateLimitSpec);
  // biome-ignore lint/suspicious/noExplicitAny: entity record types vary per entity; each is checked by its own schema.
  readonly entities: Readonly<Record<string, EntityDefinition<any>>>;
  /**
   * The change feed from `cursor` on. A null cursor means "from as far back as the feed keeps"
   * (Stripe: 30 days of events; QuickBooks: 29 days of CDC); the engine avoids it by asking
   * `initialChangeCursor` when a full pass starts. A cursor the feed no longer covers throws a
   * `SyncBridgeError` with code `CURSOR_EXPIRED` (the engine then runs a full pass).
   */
  changes?(
    ctx: ConnectorContext,
    params: { cursor: string | null; entities: readonly string[] },
  ): AsyncIterable<ChangePage>;
  /** A cursor at the current end of the change feed; taken when a full pass starts, used after it completes. */
  initialChangeCursor?(ctx: ConnectorContext, entities: readonly string[]): Promise<string>;
  readonly webhooks?: WebhookSpec;
  // biome-ignore lint/suspicious/noExplicitAny: each action has its own input and output types.
  readonly actions?: Readonly<Record<string, ActionDefinition<any, any>>>;
  /** Turns a provider error response into a typed error; return undefined for the default mapping. Called for 2xx too (a QuickBooks 200 can carry a Fault). */
  mapError?(response: ErrorResponse): SyncBridgeError | undefined;
  /** A cheap authenticated call that proves the credentials work. */
  test?(ctx: ConnectorContext): Promise<void>;
  /** Capability overrides; the rest are derived. */
  readonly capabilities?: {
    readonly entities?: Readonly<Record<string, Partial<EntityCapabilities>>>;
  };
}

/** A connector as core uses it: the definition with every default filled in. */
export interface Connector extends Omit<ConnectorDefinition, 'capabilities'> {
  readonly displayName: string;
  readonly capabilities: ConnectorCapabilities;
}
