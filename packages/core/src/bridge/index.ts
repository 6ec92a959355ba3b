export {
  type ConfiguredSync,
  createSyncBridge,
  type SyncBridge,
  type SyncConfigureInput,
  type SyncStatus,
} from './create-sync-bridge.js';
export type { SyncBridgeOptions } from './options.js';
