import { z } from 'zod';
import { dateSchema, idSchema } from './common.js';

export const syncRecordStatusSchema = z.enum([
  'synced',
  'pending_outbound',
  'pending_inbound',
  'conflict',
  'error',
]);
/**
 * `pending_outbound`: a create or update was decided and is (or was, before a crash) on its way
 * to the provider; `conflict`: held for manual review, sync of this link pauses.
 */
export type SyncRecordStatus = z.infer<typeof syncRecordStatusSchema>;

/**
 * The link between one host record and one provider record (the seed's `sync_records`).
 * Unique per sync config on `localId` and on `remoteId` (either may be null while a create is
 * in flight). `base` is the mapped record both sides agreed on at the last sync: the common
 * ancestor for three-way conflict detection.
 */
export const syncRecordSchema = z.object({
  id: idSchema,
  syncConfigId: idSchema,
  localId: z.string().min(1).nullable(),
  remoteId: z.string().min(1).nullable(),
  base: z.record(z.string(), z.unknown()).nullable(),
  baseHash: z.string().nullable(),
  /** Hash of the local record as last seen (mapped). */
  localHash: z.string().nullable(),
  /** Hash of the remote record as last seen (mapped). */
  remoteHash: z.string().nullable(),
  /** Provider version: QuickBooks `SyncToken`, Stripe event time… */
  remoteVersion: z.string().nullable(),
  localUpdatedAt: z.date().nullable(),
  remoteUpdatedAt: z.date().nullable(),
  lastSyncedAt: z.date().nullable(),
  syncStatus: syncRecordStatusSchema,
  /** The full-sync pass that last saw the remote record (delete detection). */
  generation: z.number().int().nonnegative(),
  errorMessage: z.string().nullable(),
  /** For `conflict`: both versions and the fields in conflict; for `pending_outbound`: the intent. */
  pending: z.record(z.string(), z.unknown()).nullable(),
  deletedAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type SyncRecord = z.infer<typeof syncRecordSchema>;

/** Input of `syncRecords.upsert`: insert when `id` is new or absent, replace when it exists. */
export const syncRecordInputSchema = z.object({
  id: idSchema.optional(),
  syncConfigId: idSchema,
  localId: z.string().min(1).nullable().default(null),
  remoteId: z.string().min(1).nullable().default(null),
  base: z.record(z.string(), z.unknown()).nullable().default(null),
  baseHash: z.string().nullable().default(null),
  localHash: z.string().nullable().default(null),
  remoteHash: z.string().nullable().default(null),
  remoteVersion: z.string().nullable().default(null),
  localUpdatedAt: dateSchema.nullable().default(null),
  remoteUpdatedAt: dateSchema.nullable().default(null),
  lastSyncedAt: dateSchema.nullable().default(null),
  syncStatus: syncRecordStatusSchema.default('synced'),
  generation: z.number().int().nonnegative().default(0),
  errorMessage: z.string().nullable().default(null),
  pending: z.record(z.string(), z.unknown()).nullable().default(null),
  deletedAt: dateSchema.nullable().default(null),
});
export type SyncRecordInput = z.input<typeof syncRecordInputSchema>;

export const syncRecordFilterSchema = z
  .object({
    syncConfigId: idSchema,
    status: z.union([syncRecordStatusSchema, z.array(syncRecordStatusSchema)]).optional(),
    /** Only links whose generation is below this number (not seen by the current full pass). */
    generationBelow: z.number().int().optional(),
    /** Keyset paging: only ids greater than this, in id order. */
    after: idSchema.optional(),
    limit: z.number().int().positive().max(10_000).default(1_000),
  })
  .strict();
export type SyncRecordFilter = z.input<typeof syncRecordFilterSchema>;
