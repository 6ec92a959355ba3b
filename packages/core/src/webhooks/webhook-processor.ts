import type { Change } from '../connector/connector.js';
import type { WebhookEvent } from '../domain/webhook.js';
import type { EventBus } from '../events/event-bus.js';
import type { Logger } from '../logging/logger.js';
import type { StorageAdapter } from '../storage/storage-adapter.js';
import type { BridgeEvents } from '../sync/bridge-events.js';
import type { SyncEngine } from '../sync/engine.js';

export interface ProcessorOptions {
  /** Attempts before an event is `failed` (dead letter). Default 8. */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt with full jitter, capped at `maxDelayMs`. Default 5 s. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A claimed event not finished in this time is claimed again (a crashed worker). Default 60 s. */
  leaseMs?: number;
  /** Events per claim. Default 50. */
  batchSize?: number;
}

interface StoredPayload {
  changes?: Change[];
}

/**
 * Processes the webhook inbox: claims due events (pending, or processing with a lapsed lease
 * after a crash), hands their changes to the engine, and records the outcome on each event:
 * `processed`, `ignored` (nothing we sync), or back to `pending` with a backoff until the
 * attempts run out and it is `failed`, with its error kept for `webhooks.replay`.
 */
export class WebhookProcessor {
  readonly #options: Required<ProcessorOptions>;
  #draining: Promise<void> | null = null;
  #again = false;
  #closed = false;
  #timer: NodeJS.Timeout | null = null;
  readonly #wakeups = new Set<NodeJS.Timeout>();

  constructor(
    private readonly storage: StorageAdapter,
    private readonly engine: SyncEngine,
    private readonly events: EventBus<BridgeEvents>,
    private readonly logger: Logger,
    private readonly now: () => Date,
    options: ProcessorOptions = {},
  ) {
    this.#options = {
      maxAttempts: options.maxAttempts ?? 8,
      baseDelayMs: options.baseDelayMs ?? 5_000,
      maxDelayMs: options.maxDelayMs ?? 3_600_000,
      leaseMs: options.leaseMs ?? 60_000,
      batchSize: options.batchSize ?? 50,
    };
  }

  /** Processes everything due now; concurrent calls share one drain (and trigger one more pass). */
  drain(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#draining) {
      this.#again = true;
      return this.#draining;
    }
    this.#draining = this.#drain().finally(() => {
      this.#draining = null;
    });
    return this.#draining;
  }

  /**
   * Drains without a caller to report to: a failure (storage down) is logged, never left as an
   * unhandled rejection that would end the host's process. The next drain retries.
   */
  drainInBackground(): void {
    this.drain().catch((error: unknown) =>
      this.logger.error({ error: (error as Error)?.message }, 'webhook processing failed; will retry'),
    );
  }

  /** Drains every `intervalMs` so retries whose backoff has passed get their turn. */
  startPolling(intervalMs = 5_000): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setInterval(() => this.drainInBackground(), intervalMs);
    this.#timer.unref();
  }

  /** Drains again when a retry's backoff has passed, without waiting for a poll (the timer does not hold the process open). */
  #wakeAt(delayMs: number): void {
    if (this.#closed) return;
    const timer = setTimeout(() => {
      this.#wakeups.delete(timer);
      this.drainInBackground();
    }, delayMs + 1);
    timer.unref();
    this.#wakeups.add(timer);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#wakeups) clearTimeout(timer);
    this.#wakeups.clear();
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#draining;
  }

  async #drain(): Promise<void> {
    do {
      this.#again = false;
      for (;;) {
        const batch = await this.storage.webhookEvents.claim({
          limit: this.#options.batchSize,
          leaseMs: this.#options.leaseMs,
          now: this.now(),
        });
        if (batch.length === 0) break;
        await this.#processBatch(batch);
        if (this.#closed) return;
      }
    } while (this.#again && !this.#closed);
  }

  /**
   * Events of one integration are applied together: their records are fetched in one batch
   * (QuickBooks `Id IN (...)`), not one request per event.
   */
  async #processBatch(batch: readonly WebhookEvent[]): Promise<void> {
    const groups = new Map<string, WebhookEvent[]>();
    for (const event of batch) {
      const changes = (event.payload as StoredPayload | null)?.changes ?? [];
      if (!event.integrationId || changes.length === 0) {
        await this.#finish(event, 'ignored', null);
        continue;
      }
      const group = groups.get(event.integrationId) ?? [];
      group.push(event);
      groups.set(event.integrationId, group);
    }
    for (const [integrationId, events] of groups) {
      const changes = events.flatMap((e) => (e.payload as StoredPayload).changes ?? []);
      try {
        const log = await this.engine.applyChanges(
          integrationId,
          changes,
          `webhook:${events.length} event(s)`,
        );
        if (log && (log.status === 'failed' || log.recordsFailed > 0)) {
          throw new Error(log.errorMessage ?? log.errors.map((e) => e.message).join('; '));
        }
        for (const event of events) await this.#finish(event, log ? 'processed' : 'ignored', null);
      } catch (error) {
        for (const event of events) await this.#retryOrFail(event, error);
      }
    }
  }

  async #retryOrFail(event: WebhookEvent, error: unknown): Promise<void> {
    const attempts = event.retryCount + 1;
    const message = error instanceof Error ? error.message : String(error);
    if (attempts >= this.#options.maxAttempts) {
      await this.#finish(event, 'failed', message, attempts);
      return;
    }
    const ceiling = Math.min(this.#options.maxDelayMs, this.#options.baseDelayMs * 2 ** (attempts - 1));
    const delay = Math.round(Math.random() * ceiling);
    await this.storage.webhookEvents.update(event.id, {
      status: 'pending',
      retryCount: attempts,
      error: message,
      lockedUntil: null,
      nextAttemptAt: new Date(this.now().getTime() + delay),
    });
    this.logger.warn(
      { provider: event.provider, eventId: event.eventId, attempts },
      `webhook event will be retried: ${message}`,
    );
    this.#wakeAt(delay);
  }

  async #finish(
    event: WebhookEvent,
    status: 'processed' | 'ignored' | 'failed',
    error: string | null,
    retryCount = event.retryCount,
  ) {
    await this.storage.webhookEvents.update(event.id, {
      status,
      error,
      retryCount,
      lockedUntil: null,
      nextAttemptAt: null,
      processedAt: this.now(),
    });
    if (event.webhookId && status !== 'ignored') {
      await this.storage.webhooks
        .recordDelivery(event.webhookId, status === 'processed' ? { processed: 1 } : { failed: 1 })
        .catch(() => {});
    }
    this.events.emit('webhook.processed', {
      provider: event.provider,
      eventId: event.eventId,
      status,
      ...(error ? { error } : {}),
    });
  }
}
