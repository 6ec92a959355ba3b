import { z } from 'zod';
import { dateSchema, idSchema } from './common.js';

export const syncTypeSchema = z.enum(['full', 'incremental', 'manual', 'webhook']);
export type SyncType = z.infer<typeof syncTypeSchema>;

export const syncLogStatusSchema = z.enum(['pending', 'running', 'completed', 'failed', 'partial']);
/** `partial`: the run finished but some records failed (they are listed in `errors`). */
export type SyncLogStatus = z.infer<typeof syncLogStatusSchema>;

/** A record that failed in a run, with its reason. */
export const syncErrorEntrySchema = z.object({
  localId: z.string().nullable().optional(),
  remoteId: z.string().nullable().optional(),
  code: z.string(),
  message: z.string(),
  at: dateSchema.optional(),
});
export type SyncErrorEntry = z.infer<typeof syncErrorEntrySchema>;

/** One run of a sync (the seed's `sync_logs`), with the five record counters. */
export const syncLogSchema = z.object({
  id: idSchema,
  integrationId: idSchema,
  syncConfigId: idSchema.nullable(),
  syncType: syncTypeSchema,
  status: syncLogStatusSchema,
  recordsProcessed: z.number().int().nonnegative(),
  recordsCreated: z.number().int().nonnegative(),
  recordsUpdated: z.number().int().nonnegative(),
  recordsSkipped: z.number().int().nonnegative(),
  recordsFailed: z.number().int().nonnegative(),
  errors: z.array(syncErrorEntrySchema),
  errorMessage: z.string().nullable(),
  startedAt: z.date(),
  completedAt: z.date().nullable(),
  durationMs: z.number().int().nonnegative().nullable(),
  /** Who started it: `scheduler`, `webhook`, `user:<id>`, `api`… */
  triggeredBy: z.string().nullable(),
});
export type SyncLog = z.infer<typeof syncLogSchema>;

export const newSyncLogSchema = z.object({
  id: idSchema.optional(),
  integrationId: idSchema,
  syncConfigId: idSchema.nullable().default(null),
  syncType: syncTypeSchema,
  status: syncLogStatusSchema.default('pending'),
  startedAt: dateSchema.optional(),
  triggeredBy: z.string().nullable().default(null),
});
export type NewSyncLog = z.input<typeof newSyncLogSchema>;

const counter = z.number().int().nonnegative();
export const syncLogPatchSchema = z
  .object({
    status: syncLogStatusSchema,
    recordsProcessed: counter,
    recordsCreated: counter,
    recordsUpdated: counter,
    recordsSkipped: counter,
    recordsFailed: counter,
    errors: z.array(syncErrorEntrySchema),
    errorMessage: z.string().nullable(),
    completedAt: dateSchema.nullable(),
    durationMs: counter.nullable(),
  })
  .partial()
  .strict();
export type SyncLogPatch = z.input<typeof syncLogPatchSchema>;

export const syncLogFilterSchema = z
  .object({
    integrationId: idSchema,
    syncConfigId: idSchema,
    status: syncLogStatusSchema,
    limit: z.number().int().positive().max(10_000),
  })
  .partial()
  .strict();
export type SyncLogFilter = z.input<typeof syncLogFilterSchema>;
