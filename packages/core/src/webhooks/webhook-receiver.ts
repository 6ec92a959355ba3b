import type { Connector, ParsedWebhookEvent, WebhookRequest } from '../connector/connector.js';
import type { WebhookRegistration } from '../domain/webhook.js';
import type { Logger } from '../logging/logger.js';
import type { StorageAdapter } from '../storage/storage-adapter.js';

/** Decrypts stored webhook secrets (core's vault satisfies it). */
export interface SecretOpener {
  decrypt<T = unknown>(ciphertext: string): Promise<T>;
}

/** What the host passes to `webhooks.receive`: the raw bytes exactly as they arrived. */
export interface WebhookDelivery {
  provider: string;
  headers: Readonly<Record<string, string | string[] | undefined>> | Headers;
  /** The raw body: a string or the bytes. Never a parsed-and-reserialised object (signatures would fail). */
  body: string | Uint8Array;
  /** Route to this integration instead of by the payload's account. */
  integrationId?: string;
}

/** What the host sends back to the provider. */
export interface WebhookReply {
  status: number;
  body?: { received?: number; duplicates?: number; error?: string };
}

/** Counters of deliveries turned away, for metrics (never the payloads). */
export interface WebhookRejections {
  unknownProvider: number;
  tooLarge: number;
  badSignature: number;
  malformed: number;
}

/** How long a process reuses the registrations it read (a registration made elsewhere shows up after this). */
const REGISTRATION_CACHE_MS = 1_000;

export interface ReceiverDeps {
  storage: StorageAdapter;
  connectors: ReadonlyMap<string, Connector>;
  secrets: SecretOpener;
  logger: Logger;
  maxBodyBytes: number;
  now(): Date;
  /** Called after events were stored, to process them asynchronously. */
  onStored(): void;
}

function lowerHeaders(headers: WebhookDelivery['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers instanceof Headers) {
    headers.forEach((value, name) => {
      out[name.toLowerCase()] = value;
    });
    return out;
  }
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/**
 * Receives webhook deliveries: refuses unknown providers (404) and oversized bodies (413),
 * routes to the integration (by the caller's id or the payload's account), verifies the
 * signature on the raw bytes (401 on failure: nothing stored, a counter and a log line without
 * the payload), refuses malformed payloads (400), stores every event in the inbox, deduplicated
 * on the provider's event id, and only then answers 200. Processing happens afterwards.
 */
export function createWebhookReceiver(deps: ReceiverDeps) {
  const rejections: WebhookRejections = { unknownProvider: 0, tooLarge: 0, badSignature: 0, malformed: 0 };
  // Decrypted signing secrets by their ciphertext: a ciphertext always opens to the same secret,
  // so this never goes stale, and a delivery costs no decryption. Bounded; kept in memory only.
  const opened = new Map<string, string>();
  const openSecret = async (ciphertext: string): Promise<string> => {
    const known = opened.get(ciphertext);
    if (known !== undefined) return known;
    const secret = await deps.secrets.decrypt<string>(ciphertext);
    if (opened.size >= 1_000) opened.clear();
    opened.set(ciphertext, secret);
    return secret;
  };

  /** Active registrations of a provider with their integration's account, cached for a moment. */
  const cached = new Map<
    string,
    { at: number; rows: Promise<{ registration: WebhookRegistration; config: Record<string, unknown> }[]> }
  >();
  const registrationsOf = (provider: string) => {
    const hit = cached.get(provider);
    const at = Date.now();
    if (hit && at - hit.at < REGISTRATION_CACHE_MS) return hit.rows;
    const rows = (async () => {
      const out: { registration: WebhookRegistration; config: Record<string, unknown> }[] = [];
      for (const registration of await deps.storage.webhooks.list({ provider })) {
        if (!registration.active || !registration.secret) continue;
        const integration = await deps.storage.integrations.get(registration.integrationId);
        if (integration) out.push({ registration, config: integration.config });
      }
      return out;
    })();
    rows.catch(() => cached.delete(provider));
    cached.set(provider, { at, rows });
    return rows;
  };

  async function candidates(
    provider: string,
    connector: Connector,
    accountIds: string[],
    integrationId?: string,
  ) {
    const rows = await registrationsOf(provider);
    const registrations = rows.map((r) => r.registration);
    if (integrationId) return registrations.filter((r) => r.integrationId === integrationId);
    const key = connector.webhooks?.accountConfigKey;
    if (key && accountIds.length) {
      const matching = rows
        .filter((r) => accountIds.includes(String(r.config[key])))
        .map((r) => r.registration);
      if (matching.length) return matching;
    }
    return registrations;
  }

  /**
   * Which registration each event belongs to. A delivery may carry events of several accounts
   * (QuickBooks batches realms): each event goes to the integration connected to its own account,
   * never to whichever registration verified first. An event for an account no integration has
   * is kept as `ignored` (audit trail), not given to another account.
   */
  async function routeEvents(
    events: readonly ParsedWebhookEvent[],
    matched: WebhookRegistration,
    request: WebhookRequest,
    delivery: WebhookDelivery,
    connector: Connector,
    now: Date,
  ): Promise<Map<ParsedWebhookEvent, WebhookRegistration | undefined>> {
    const routes = new Map<ParsedWebhookEvent, WebhookRegistration | undefined>();
    const key = connector.webhooks?.accountConfigKey;
    if (delivery.integrationId || !key || events.every((e) => !e.accountId)) {
      for (const e of events) routes.set(e, matched);
      return routes;
    }
    const byAccount = new Map<string, WebhookRegistration>();
    const accounts = new Set(events.flatMap((e) => (e.accountId ? [e.accountId] : [])));
    for (const { registration: r, config } of await registrationsOf(delivery.provider)) {
      const account = String(config[key] ?? '');
      if (!accounts.has(account) || byAccount.has(account)) continue;
      const verified =
        r.id === matched.id || (await connector.webhooks!.verify(request, await openSecret(r.secret!), now));
      if (verified) byAccount.set(account, r);
    }
    for (const e of events) routes.set(e, e.accountId ? byAccount.get(e.accountId) : matched);
    return routes;
  }

  // Delivery counters of concurrent deliveries are added up and written together: every delivery
  // updating the same registration row one at a time would queue them all behind that row.
  const counts = new Map<string, { received: number; lastReceivedAt: Date }>();
  let writing: Promise<void> | null = null;
  let next: Promise<void> | null = null;
  const writeCounts = async () => {
    const batch = [...counts];
    counts.clear();
    for (const [id, c] of batch) await deps.storage.webhooks.recordDelivery(id, c);
  };
  const flushCounts = (): Promise<void> => {
    if (!writing) {
      writing = writeCounts().finally(() => {
        writing = null;
      });
      return writing;
    }
    next ??= writing.then(
      () => {
        next = null;
        return flushCounts();
      },
      () => {
        next = null;
        return flushCounts();
      },
    );
    return next;
  };
  async function countDeliveries(perRegistration: Map<string, number>, at: Date): Promise<void> {
    if (perRegistration.size === 0) return;
    for (const [id, n] of perRegistration) {
      const c = counts.get(id);
      counts.set(id, {
        received: (c?.received ?? 0) + n,
        lastReceivedAt: c && c.lastReceivedAt > at ? c.lastReceivedAt : at,
      });
    }
    await flushCounts();
  }

  async function receive(delivery: WebhookDelivery): Promise<WebhookReply> {
    const connector = deps.connectors.get(delivery.provider);
    if (!connector?.webhooks) {
      rejections.unknownProvider++;
      return { status: 404, body: { error: `no webhook receiver for provider "${delivery.provider}"` } };
    }
    const bytes =
      typeof delivery.body === 'string' ? Buffer.byteLength(delivery.body) : delivery.body.byteLength;
    if (bytes > deps.maxBodyBytes) {
      rejections.tooLarge++;
      return {
        status: 413,
        body: { error: `body of ${bytes} bytes is over the ${deps.maxBodyBytes}-byte limit` },
      };
    }
    const request: WebhookRequest = {
      headers: lowerHeaders(delivery.headers),
      body: typeof delivery.body === 'string' ? delivery.body : Buffer.from(delivery.body).toString('utf8'),
    };
    // Peek at the payload for routing only; nothing of it is trusted before the signature checks out.
    let parsed: ParsedWebhookEvent[] | null = null;
    let parseError: unknown = null;
    try {
      parsed = connector.webhooks.parse(request);
    } catch (error) {
      parseError = error;
    }
    const accounts = [...new Set((parsed ?? []).flatMap((e) => (e.accountId ? [e.accountId] : [])))];
    const now = deps.now();
    let matched: WebhookRegistration | undefined;
    for (const registration of await candidates(
      delivery.provider,
      connector,
      accounts,
      delivery.integrationId,
    )) {
      const secret = await openSecret(registration.secret!);
      if (await connector.webhooks.verify(request, secret, now)) {
        matched = registration;
        break;
      }
    }
    if (!matched) {
      rejections.badSignature++;
      deps.logger.warn(
        { provider: delivery.provider, bytes },
        'webhook rejected: no registered secret verifies its signature',
      );
      return { status: 401, body: { error: 'signature verification failed' } };
    }
    if (!parsed) {
      rejections.malformed++;
      deps.logger.warn(
        { provider: delivery.provider, bytes },
        `webhook rejected: malformed payload (${(parseError as Error)?.message})`,
      );
      return { status: 400, body: { error: 'malformed payload' } };
    }
    const targets = await routeEvents(parsed, matched, request, delivery, connector, now);
    let received = 0;
    let duplicates = 0;
    const perRegistration = new Map<string, number>();
    for (const event of parsed) {
      const target = targets.get(event);
      const { inserted } = await deps.storage.webhookEvents.insert({
        provider: delivery.provider,
        eventId: event.eventId,
        integrationId: target?.integrationId ?? null,
        webhookId: target?.id ?? null,
        eventType: event.type,
        payload: { event: event.payload, changes: event.changes, accountId: event.accountId ?? null },
        ...(target ? {} : { status: 'ignored' as const }),
        receivedAt: now,
      });
      if (!inserted) {
        duplicates++;
        continue;
      }
      received++;
      if (target) perRegistration.set(target.id, (perRegistration.get(target.id) ?? 0) + 1);
      else {
        deps.logger.warn(
          { provider: delivery.provider, eventId: event.eventId, accountId: event.accountId },
          'webhook event kept as ignored: no integration is connected to its account',
        );
      }
    }
    await countDeliveries(perRegistration, now);
    if (received > 0) deps.onStored();
    return { status: 200, body: { received, duplicates } };
  }

  /** Forgets cached registrations (after one was added, changed or removed). */
  const invalidate = () => cached.clear();
  return { receive, rejections, invalidate };
}
