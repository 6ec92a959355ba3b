import { z } from 'zod';
import { idSchema, jsonObjectSchema, syncDirectionSchema } from './common.js';

/**
 * How a conflict is settled. `merge` is the seed schema's spelling of `merge_fields`; both are
 * accepted and stored as given.
 */
export const conflictStrategySchema = z.enum([
  'last_write_wins',
  'source_priority',
  'manual_review',
  'merge_fields',
  'merge',
]);
export type ConflictStrategy = z.infer<typeof conflictStrategySchema>;

export const prioritySourceSchema = z.enum(['local', 'remote']);
export type PrioritySource = z.infer<typeof prioritySourceSchema>;

/** One entity pair synced for an integration (the seed's `sync_configs`). */
export const syncConfigSchema = z.object({
  id: idSchema,
  integrationId: idSchema,
  localEntity: z.string().min(1).max(100),
  remoteEntity: z.string().min(1).max(100),
  direction: syncDirectionSchema,
  conflictResolution: conflictStrategySchema,
  /** For `merge_fields`: how a field changed on both sides is settled. */
  conflictFallback: conflictStrategySchema.nullable(),
  prioritySource: prioritySourceSchema.nullable(),
  /** Provider-side filter handed to the connector's list (e.g. `{ active: true }`). */
  syncFilter: jsonObjectSchema.nullable(),
  enabled: z.boolean(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type SyncConfig = z.infer<typeof syncConfigSchema>;

export const newSyncConfigSchema = z.object({
  id: idSchema.optional(),
  integrationId: idSchema,
  localEntity: z.string().min(1).max(100),
  remoteEntity: z.string().min(1).max(100),
  direction: syncDirectionSchema.default('bidirectional'),
  conflictResolution: conflictStrategySchema.default('last_write_wins'),
  conflictFallback: conflictStrategySchema.nullable().default(null),
  prioritySource: prioritySourceSchema.nullable().default(null),
  syncFilter: jsonObjectSchema.nullable().default(null),
  enabled: z.boolean().default(true),
});
export type NewSyncConfig = z.input<typeof newSyncConfigSchema>;

export const syncConfigPatchSchema = newSyncConfigSchema
  .omit({ id: true, integrationId: true, localEntity: true, remoteEntity: true })
  .extend({
    direction: syncDirectionSchema,
    conflictResolution: conflictStrategySchema,
    conflictFallback: conflictStrategySchema.nullable(),
    prioritySource: prioritySourceSchema.nullable(),
    syncFilter: jsonObjectSchema.nullable(),
    enabled: z.boolean(),
  })
  .partial()
  .strict();
export type SyncConfigPatch = z.input<typeof syncConfigPatchSchema>;
