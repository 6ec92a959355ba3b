export {
  type ConflictInput,
  type ConflictPolicy,
  type ConflictResolution,
  checkConflictPolicy,
  resolveConflict,
} from './resolve-conflict.js';
