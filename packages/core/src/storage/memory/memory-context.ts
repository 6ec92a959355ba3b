import type { Journal, MemoryState } from './memory-state.js';

/** What every memory store works on: the tables, and the undo log when inside a transaction. */
export interface MemoryContext {
  readonly state: MemoryState;
  readonly journal?: Journal;
}
