import type { StorageAdapter } from '@syncbridge/core';

/**
 * A storage whose process "dies": the first call of `at` (default the link write,
 * `syncRecords.upsert`) for which `dies()` is true throws, and from then on every storage call
 * throws, as nothing runs after a crash. A new bridge on the unwrapped storage is the restarted
 * process.
 */
export function mortal(
  storage: StorageAdapter,
  dies: () => boolean,
  at: `${string}.${string}` = 'syncRecords.upsert',
): StorageAdapter & { readonly dead: boolean } {
  let dead = false;
  const killed = () => new Error('the process died (injected crash)');
  const wrapStore = <S extends object>(store: S, name: string): S =>
    Object.fromEntries(
      Object.entries(store).map(([key, fn]) => [
        key,
        typeof fn !== 'function'
          ? fn
          : async (...args: unknown[]) => {
              if (dead) throw killed();
              if (`${name}.${key}` === at && dies()) {
                dead = true;
                throw killed();
              }
              return (fn as (...a: unknown[]) => unknown).apply(store, args);
            },
      ]),
    ) as S;
  const wrapped: Record<string, unknown> = { ...storage };
  for (const [name, value] of Object.entries(storage)) {
    if (typeof value === 'object' && value !== null) wrapped[name] = wrapStore(value, name);
  }
  for (const name of ['transaction', 'withLock', 'tryWithLock'] as const) {
    const fn = storage[name] as ((...a: unknown[]) => Promise<unknown>) | undefined;
    if (fn)
      wrapped[name] = async (...args: unknown[]) => {
        if (dead) throw killed();
        return fn.apply(storage, args);
      };
  }
  Object.defineProperty(wrapped, 'dead', { get: () => dead });
  return wrapped as unknown as StorageAdapter & { readonly dead: boolean };
}
