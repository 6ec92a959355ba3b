import type { StorageAdapter } from '@syncbridge/core';

/** A storage whose link writes can be made to "kill the process" (throw), as a crash would. */
export interface Crashable extends StorageAdapter {
  /** The next link write (`syncRecords.upsert`) throws and writes nothing. */
  crashNextLinkWrite(): void;
  /** The link write after `n` more successful ones throws. */
  crashLinkWriteAfter(n: number): void;
  disarm(): void;
  /** How many link writes were refused. */
  readonly crashes: number;
}

export function crashable(
  storage: StorageAdapter,
  options: {
    /** Link writes the crash passes over (it stays armed for the next one). */
    spare?: (rows: Parameters<StorageAdapter['syncRecords']['upsert']>[0]) => Promise<boolean>;
  } = {},
): Crashable {
  let countdown: number | null = null;
  let crashes = 0;
  const syncRecords = {
    ...storage.syncRecords,
    upsert: async (...args: Parameters<StorageAdapter['syncRecords']['upsert']>) => {
      if (countdown === 0 && (await options.spare?.(args[0]))) return storage.syncRecords.upsert(...args);
      if (countdown !== null && countdown-- <= 0) {
        countdown = null;
        crashes++;
        throw new Error('process killed before the link write (injected)');
      }
      return storage.syncRecords.upsert(...args);
    },
  };
  return {
    ...storage,
    syncRecords,
    crashNextLinkWrite() {
      countdown = 0;
    },
    crashLinkWriteAfter(n: number) {
      countdown = n;
    },
    disarm() {
      countdown = null;
    },
    get crashes() {
      return crashes;
    },
  };
}
