/**
 * An in-process lock per key. `run` waits for the key, `tryRun` gives up at once when it is held.
 * Keys with no holder and no waiter are forgotten, so the map does not grow with the key space.
 */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();

  isHeld(key: string): boolean {
    return this.#tails.has(key);
  }

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key);
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous ? previous.then(() => done) : done;
    this.#tails.set(key, tail);
    try {
      if (previous) await previous;
      return await fn();
    } finally {
      release();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }

  async tryRun<T>(
    key: string,
    fn: () => Promise<T>,
  ): Promise<{ acquired: true; value: T } | { acquired: false }> {
    if (this.#tails.has(key)) return { acquired: false };
    return { acquired: true, value: await this.run(key, fn) };
  }
}
