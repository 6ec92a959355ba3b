import type { StorageAdapter } from '../../storage/storage-adapter.js';

/** Wraps a storage so the next link write can be made to "kill the process" (throw), once. */
export function crashable(
  storage: StorageAdapter,
): StorageAdapter & { crashNextLinkWrite(): void; disarm(): void } {
  let armed = false;
  const syncRecords = {
    ...storage.syncRecords,
    upsert: async (...args: Parameters<StorageAdapter['syncRecords']['upsert']>) => {
      if (armed) {
        armed = false;
        throw new Error('process killed before the link write');
      }
      return storage.syncRecords.upsert(...args);
    },
  };
  return Object.assign(Object.create(storage) as StorageAdapter, storage, {
    syncRecords,
    crashNextLinkWrite() {
      armed = true;
    },
    disarm() {
      armed = false;
    },
  });
}
