import { z } from 'zod';

/** Ids made by SyncBridge (UUIDs) and ids of the host (organizations, users): opaque non-empty strings. */
export const idSchema = z.string().min(1).max(255);

/** Any JSON object. */
export const jsonObjectSchema = z.record(z.string(), z.unknown());
export type JsonObject = Record<string, unknown>;

/** Which way data flows for an integration, a sync config or a field mapping. */
export const syncDirectionSchema = z.enum(['inbound', 'outbound', 'bidirectional']);
export type SyncDirection = z.infer<typeof syncDirectionSchema>;

/** A date, or an ISO string that is turned into one. */
export const dateSchema = z.coerce.date();
