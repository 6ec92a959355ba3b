import { z } from 'zod';
import { idSchema } from './common.js';

/**
 * A sync cursor, written with optimistic concurrency: every write names the version it read,
 * and a write against a stale version is rejected, so two workers cannot both advance it.
 */
export const checkpointSchema = z.object({
  syncConfigId: idSchema,
  /** Which cursor: `full`, `incremental`, `outbound`… */
  key: z.string().min(1).max(255),
  value: z.unknown(),
  version: z.number().int().positive(),
  updatedAt: z.date(),
});
export type Checkpoint = z.infer<typeof checkpointSchema>;

export const checkpointWriteSchema = z
  .object({
    syncConfigId: idSchema,
    key: z.string().min(1).max(255),
    value: z.unknown(),
    /** The version read before; null when the checkpoint is believed not to exist yet. */
    expectedVersion: z.number().int().positive().nullable(),
  })
  .strict();
export type CheckpointWrite = z.input<typeof checkpointWriteSchema>;
