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

export function crashable(storage: StorageAdapter): Crashable {
  let countdown: number | null = null;
  let crashes = 0;
  const syncRecords = {
    ...storage.syncRecords,
    upsert: async (...args: Parameters<StorageAdapter['syncRecords']['upsert']>) => {
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
