import { z } from 'zod';
import { dateSchema, idSchema, jsonObjectSchema, syncDirectionSchema } from './common.js';

export const integrationStatusSchema = z.enum([
  'disconnected',
  'connecting',
  'connected',
  'error',
  'expired',
]);
/** `expired`: the provider no longer accepts the refresh token; the user must reconnect. */
export type IntegrationStatus = z.infer<typeof integrationStatusSchema>;

/**
 * A connection of one organization to one provider (the seed's `integrations`), unique per
 * (organizationId, provider). `credentials` is ciphertext made by core's vault: storage never
 * sees a token or key in plain text.
 */
export const integrationSchema = z.object({
  id: idSchema,
  organizationId: idSchema,
  provider: z.string().min(1).max(100),
  name: z.string().max(255).nullable(),
  status: integrationStatusSchema,
  /** Encrypted credential bundle (compact JWE), or null when not connected. */
  credentials: z.string().nullable(),
  /** Provider extras kept with the connection, e.g. QuickBooks `realmId`. */
  config: jsonObjectSchema,
  syncDirection: syncDirectionSchema,
  /** Minutes between scheduled syncs; null: manual only. */
  syncFrequencyMinutes: z.number().int().positive().nullable(),
  lastSyncAt: z.date().nullable(),
  nextSyncAt: z.date().nullable(),
  lastError: z.string().nullable(),
  lastErrorAt: z.date().nullable(),
  errorCount: z.number().int().nonnegative(),
  createdBy: idSchema.nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type Integration = z.infer<typeof integrationSchema>;

export const newIntegrationSchema = z.object({
  id: idSchema.optional(),
  organizationId: idSchema,
  provider: z.string().min(1).max(100),
  name: z.string().max(255).nullable().default(null),
  status: integrationStatusSchema.default('disconnected'),
  credentials: z.string().nullable().default(null),
  config: jsonObjectSchema.default({}),
  syncDirection: syncDirectionSchema.default('bidirectional'),
  syncFrequencyMinutes: z.number().int().positive().nullable().default(null),
  nextSyncAt: dateSchema.nullable().default(null),
  createdBy: idSchema.nullable().default(null),
});
export type NewIntegration = z.input<typeof newIntegrationSchema>;

export const integrationPatchSchema = z
  .object({
    name: z.string().max(255).nullable(),
    status: integrationStatusSchema,
    credentials: z.string().nullable(),
    config: jsonObjectSchema,
    syncDirection: syncDirectionSchema,
    syncFrequencyMinutes: z.number().int().positive().nullable(),
    lastSyncAt: dateSchema.nullable(),
    nextSyncAt: dateSchema.nullable(),
    lastError: z.string().nullable(),
    lastErrorAt: dateSchema.nullable(),
    errorCount: z.number().int().nonnegative(),
  })
  .partial()
  .strict();
export type IntegrationPatch = z.input<typeof integrationPatchSchema>;

export const integrationFilterSchema = z
  .object({
    organizationId: idSchema,
    provider: z.string(),
    status: integrationStatusSchema,
    /** Only integrations whose `nextSyncAt` is at or before this time (the scheduler's query). */
    dueBefore: dateSchema,
  })
  .partial()
  .strict();
export type IntegrationFilter = z.input<typeof integrationFilterSchema>;
