import type { SyncLog } from '../domain/sync-log.js';

type Drain = (localEntity: string, ids: string[]) => Promise<SyncLog[]>;

interface EntityQueue {
  pending: Set<string>;
  waiters: { resolve: (logs: SyncLog[]) => void; reject: (error: unknown) => void }[];
  running: Promise<void> | null;
}

/**
 * Coalesces `changes.notify` calls: ids notified while a push of the same entity is running
 * are merged and pushed together in the next round, so a burst of notifications for one record
 * makes one provider write. Each `notify` resolves when the round that carried its ids is done.
 */
export class NotifyQueue {
  readonly #queues = new Map<string, EntityQueue>();
  readonly #drain: Drain;

  constructor(drain: Drain) {
    this.#drain = drain;
  }

  notify(localEntity: string, ids: readonly string[]): Promise<SyncLog[]> {
    if (ids.length === 0) return Promise.resolve([]);
    let queue = this.#queues.get(localEntity);
    if (!queue) {
      queue = { pending: new Set(), waiters: [], running: null };
      this.#queues.set(localEntity, queue);
    }
    for (const id of ids) queue.pending.add(id);
    const done = new Promise<SyncLog[]>((resolve, reject) => queue.waiters.push({ resolve, reject }));
    if (!queue.running) queue.running = this.#loop(localEntity, queue);
    return done;
  }

  /** Resolves when nothing is queued or running. */
  async idle(): Promise<void> {
    while ([...this.#queues.values()].some((q) => q.running)) {
      await Promise.all([...this.#queues.values()].map((q) => q.running));
    }
  }

  async #loop(localEntity: string, queue: EntityQueue): Promise<void> {
    // Let the notifications of the current tick join this round.
    await new Promise((resolve) => setImmediate(resolve));
    while (queue.pending.size > 0) {
      const ids = [...queue.pending];
      const waiters = queue.waiters.splice(0);
      queue.pending.clear();
      try {
        const logs = await this.#drain(localEntity, ids);
        for (const w of waiters) w.resolve(logs);
      } catch (error) {
        for (const w of waiters) w.reject(error);
      }
    }
    queue.running = null;
    // Nothing can be left waiting: every waiter arrived with ids, which the loop drained.
    for (const w of queue.waiters.splice(0)) w.resolve([]);
  }
}
