export type { BridgeEvents, RecordRef } from './bridge-events.js';
export { type ConflictDecision, listConflicts, resolveConflictById, type SyncConflict } from './conflicts.js';
export { type EngineOptions, type RunOptions, SyncEngine } from './engine.js';
export { localIdFor } from './local-ids.js';
export { NotifyQueue } from './notify-queue.js';
export { SyncStoppedError } from './passes.js';
export type {
  ConflictAnswer,
  ConflictQuestion,
  EngineDeps,
  MapOutcome,
  MappedRecord,
  RecordMapper,
  ResolveConflict,
} from './ports.js';
export { MAX_LOGGED_ERRORS, RunStats } from './run-stats.js';
export { Scheduler, type SchedulerOptions } from './scheduler.js';
