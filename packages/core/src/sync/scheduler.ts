import type { Logger } from '../logging/logger.js';
import type { StorageAdapter } from '../storage/storage-adapter.js';
import type { SyncEngine } from './engine.js';

export interface SchedulerOptions {
  /** How often to look for due integrations (ms). Default 30 s. */
  tickMs?: number;
  /** Integrations synced at once. Default 2. */
  concurrency?: number;
}

/**
 * Runs incremental syncs of connected integrations whose `nextSyncAt` has come (set from
 * `syncFrequencyMinutes` after each run). Each sync config is locked in storage for the run,
 * so several processes may run schedulers: a config is never synced twice at once.
 */
export class Scheduler {
  readonly #storage: StorageAdapter;
  readonly #engine: SyncEngine;
  readonly #logger: Logger;
  readonly #tickMs: number;
  readonly #concurrency: number;
  readonly #now: () => Date;
  #timer: NodeJS.Timeout | null = null;
  #tick: Promise<void> | null = null;
  readonly #active = new Set<string>();

  constructor(
    storage: StorageAdapter,
    engine: SyncEngine,
    logger: Logger,
    now: () => Date,
    options: SchedulerOptions = {},
  ) {
    this.#storage = storage;
    this.#engine = engine;
    this.#logger = logger;
    this.#now = now;
    this.#tickMs = options.tickMs ?? 30_000;
    this.#concurrency = options.concurrency ?? 2;
  }

  get running(): boolean {
    return this.#timer !== null;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.#tickInBackground(), this.#tickMs);
    this.#timer.unref();
    this.#tickInBackground();
  }

  #tickInBackground(): void {
    this.runDue().catch((error: unknown) =>
      this.#logger.error(
        { error: (error as Error)?.message },
        'scheduler tick failed; the next tick retries',
      ),
    );
  }

  /** Stops ticking and lets running syncs finish their current page. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#engine.stop();
    await this.#tick;
  }

  /** One scheduler tick: syncs every due integration. Exposed for tests and for hosts that bring their own timer. */
  runDue(): Promise<void> {
    if (this.#tick) return this.#tick;
    this.#tick = this.#runDue().finally(() => {
      this.#tick = null;
    });
    return this.#tick;
  }

  async #runDue(): Promise<void> {
    const due = (
      await this.#storage.integrations.list({ status: 'connected', dueBefore: this.#now() })
    ).filter((i) => i.syncFrequencyMinutes !== null && !this.#active.has(i.id));
    const queue = [...due];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        this.#active.add(next.id);
        try {
          await this.#engine.run(next.id, { type: 'incremental', triggeredBy: 'scheduler' });
        } catch (error) {
          this.#logger.error(
            { integrationId: next.id },
            `scheduled sync failed: ${(error as Error).message}`,
          );
        } finally {
          this.#active.delete(next.id);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, queue.length) }, worker));
  }
}
