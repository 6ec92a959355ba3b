// The engine's moving parts stay internal: hosts use createSyncBridge (and bridge.internals for advanced cases).
export type { BridgeEvents, RecordRef } from './bridge-events.js';
export type { ConflictDecision, SyncConflict } from './conflicts.js';
export type { EngineOptions, RunOptions, SyncEngine } from './engine.js';
export { localIdFor } from './local-ids.js';
export { SyncStoppedError } from './passes.js';
export type {
  ConflictAnswer,
  ConflictQuestion,
  MapOutcome,
  MappedRecord,
  RecordMapper,
  ResolveConflict,
} from './ports.js';
export { MAX_LOGGED_ERRORS } from './run-stats.js';
export type { Scheduler, SchedulerOptions } from './scheduler.js';
