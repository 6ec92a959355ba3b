import { z } from 'zod';
import { dateSchema, idSchema } from './common.js';

/** A webhook endpoint registered for an integration (the seed's `integration_webhooks`). */
export const webhookRegistrationSchema = z.object({
  id: idSchema,
  integrationId: idSchema,
  provider: z.string().min(1),
  /** The URL the provider delivers to, when known. */
  url: z.string().nullable(),
  events: z.array(z.string()),
  /** The signing secret, as vault ciphertext. */
  secret: z.string().nullable(),
  /** The provider's id for the endpoint, when it was registered through its API. */
  remoteId: z.string().nullable(),
  active: z.boolean(),
  totalReceived: z.number().int().nonnegative(),
  totalProcessed: z.number().int().nonnegative(),
  totalFailed: z.number().int().nonnegative(),
  lastReceivedAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type WebhookRegistration = z.infer<typeof webhookRegistrationSchema>;

export const newWebhookRegistrationSchema = z.object({
  id: idSchema.optional(),
  integrationId: idSchema,
  provider: z.string().min(1),
  url: z.string().nullable().default(null),
  events: z.array(z.string()).default([]),
  secret: z.string().nullable().default(null),
  remoteId: z.string().nullable().default(null),
  active: z.boolean().default(true),
});
export type NewWebhookRegistration = z.input<typeof newWebhookRegistrationSchema>;

export const webhookRegistrationPatchSchema = z
  .object({
    url: z.string().nullable(),
    events: z.array(z.string()),
    secret: z.string().nullable(),
    remoteId: z.string().nullable(),
    active: z.boolean(),
  })
  .partial()
  .strict();
export type WebhookRegistrationPatch = z.input<typeof webhookRegistrationPatchSchema>;

/** Counter increments applied atomically by `webhooks.recordDelivery`. */
export const webhookCountersSchema = z
  .object({
    received: z.number().int().nonnegative().default(0),
    processed: z.number().int().nonnegative().default(0),
    failed: z.number().int().nonnegative().default(0),
    lastReceivedAt: dateSchema.optional(),
  })
  .strict();
export type WebhookCounters = z.input<typeof webhookCountersSchema>;

export const webhookEventStatusSchema = z.enum(['pending', 'processing', 'processed', 'failed', 'ignored']);
export type WebhookEventStatus = z.infer<typeof webhookEventStatusSchema>;

/** One delivered event in the inbox (the seed's `webhook_events`), unique per (provider, eventId). */
export const webhookEventSchema = z.object({
  id: idSchema,
  provider: z.string().min(1),
  /** The provider's own event id; the dedupe key. */
  eventId: z.string().min(1),
  integrationId: idSchema.nullable(),
  webhookId: idSchema.nullable(),
  eventType: z.string(),
  payload: z.unknown(),
  status: webhookEventStatusSchema,
  retryCount: z.number().int().nonnegative(),
  /** When a pending or failed-and-retrying event may next be claimed. */
  nextAttemptAt: z.date().nullable(),
  /** While `processing`: the claim lapses after this, so a crashed worker's events are picked up. */
  lockedUntil: z.date().nullable(),
  error: z.string().nullable(),
  receivedAt: z.date(),
  processedAt: z.date().nullable(),
});
export type WebhookEvent = z.infer<typeof webhookEventSchema>;

export const newWebhookEventSchema = z.object({
  id: idSchema.optional(),
  provider: z.string().min(1),
  eventId: z.string().min(1),
  integrationId: idSchema.nullable().default(null),
  webhookId: idSchema.nullable().default(null),
  eventType: z.string().default(''),
  payload: z.unknown(),
  status: webhookEventStatusSchema.default('pending'),
  receivedAt: dateSchema.optional(),
});
export type NewWebhookEvent = z.input<typeof newWebhookEventSchema>;

export const webhookEventPatchSchema = z
  .object({
    status: webhookEventStatusSchema,
    retryCount: z.number().int().nonnegative(),
    nextAttemptAt: dateSchema.nullable(),
    lockedUntil: dateSchema.nullable(),
    error: z.string().nullable(),
    processedAt: dateSchema.nullable(),
    integrationId: idSchema.nullable(),
  })
  .partial()
  .strict();
export type WebhookEventPatch = z.input<typeof webhookEventPatchSchema>;

export const webhookEventFilterSchema = z
  .object({
    provider: z.string(),
    integrationId: idSchema,
    status: webhookEventStatusSchema,
    limit: z.number().int().positive().max(10_000),
  })
  .partial()
  .strict();
export type WebhookEventFilter = z.input<typeof webhookEventFilterSchema>;

export const webhookClaimSchema = z
  .object({
    limit: z.number().int().positive().max(10_000).default(100),
    /** Lease length; a claim not finished by then is claimable again. */
    leaseMs: z.number().int().positive().default(60_000),
    now: dateSchema.optional(),
  })
  .strict();
export type WebhookClaim = z.input<typeof webhookClaimSchema>;
