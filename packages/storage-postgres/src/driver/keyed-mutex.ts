/**
 * An in-process lock per key. Keys nobody holds or waits for are forgotten, so the map does not
 * grow with the key space. Waiters are served in arrival order.
 */
export interface KeyedMutex {
  run<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /** Runs `fn` only if nobody holds or waits for `key`; `undefined` means it was busy. */
  tryRun<T>(key: string, fn: () => Promise<T>): Promise<{ value: T } | undefined>;
}

export function keyedMutex(): KeyedMutex {
  const tails = new Map<string, Promise<void>>();
  const run = async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const previous = tails.get(key);
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous ? previous.then(() => done) : done;
    tails.set(key, tail);
    try {
      if (previous) await previous;
      return await fn();
    } finally {
      release();
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
  return {
    run,
    async tryRun(key, fn) {
      if (tails.has(key)) return undefined;
      return { value: await run(key, fn) };
    },
  };
}
