export { missingRow, uniqueViolation } from './errors.js';
export { memoryStorage } from './memory/memory-storage.js';
export type {
  CheckpointStore,
  FieldMappingStore,
  IntegrationStore,
  OAuthStateStore,
  StorageAdapter,
  StorageTransaction,
  SyncConfigStore,
  SyncLogStore,
  SyncRecordStore,
  WebhookEventStore,
  WebhookRegistrationStore,
} from './storage-adapter.js';
