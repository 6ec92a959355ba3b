/** A listener; may be async. Its errors (thrown or rejected) never reach the emitter. */
export type Listener<P> = (payload: P) => void | Promise<void>;

/** Called with every error a listener throws; by default they are dropped after this. */
export type ListenerErrorHandler = (error: unknown, event: string) => void;

/**
 * A typed event bus. `emit` calls every listener and returns at once; a listener that throws or
 * rejects cannot break the code that emitted (a sync), its error goes to `onListenerError`.
 *
 * ```ts
 * const bus = new EventBus<{ 'sync.progress': { processed: number } }>();
 * const off = bus.on('sync.progress', (e) => bar.update(e.processed));
 * off();
 * ```
 */
export class EventBus<Events extends { [K in keyof Events]: unknown }> {
  readonly #listeners = new Map<keyof Events, Set<Listener<never>>>();
  readonly #onListenerError: ListenerErrorHandler;

  constructor(options: { onListenerError?: ListenerErrorHandler } = {}) {
    this.#onListenerError = options.onListenerError ?? (() => {});
  }

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as Listener<never>);
    return () => this.off(event, listener);
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    this.#listeners.get(event)?.delete(listener as Listener<never>);
  }

  /** Adds a listener that is removed after its first call. */
  once<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const off = this.on(event, (payload) => {
      off();
      return listener(payload);
    });
    return off;
  }

  /** How many listeners an event has (0 lets emitters skip building a payload). */
  listenerCount<K extends keyof Events>(event: K): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        const result = (listener as Listener<Events[K]>)(payload);
        if (result && typeof (result as Promise<void>).then === 'function') {
          (result as Promise<void>).then(undefined, (error: unknown) => this.#report(error, event));
        }
      } catch (error) {
        this.#report(error, event);
      }
    }
  }

  removeAllListeners(): void {
    this.#listeners.clear();
  }

  #report(error: unknown, event: keyof Events): void {
    try {
      this.#onListenerError(error, String(event));
    } catch {
      // The error handler itself failed; there is nobody left to tell.
    }
  }
}
