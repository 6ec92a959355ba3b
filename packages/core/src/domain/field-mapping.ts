import { z } from 'zod';
import { idSchema, jsonObjectSchema, syncDirectionSchema } from './common.js';

export const transformTypeSchema = z.enum(['direct', 'format', 'lookup', 'compute', 'constant']);
export type TransformType = z.infer<typeof transformTypeSchema>;

/** One field of a sync config's mapping (the seed's `field_mappings`), kept in `position` order. */
export const fieldMappingSchema = z.object({
  id: idSchema,
  syncConfigId: idSchema,
  /** Field of the host record (dotted path). */
  localField: z.string().min(1).max(255),
  /** JSONPath into the provider record, e.g. `$.BillAddr.Line1`. */
  remoteField: z.string().min(1).max(500),
  transformType: transformTypeSchema,
  transformConfig: jsonObjectSchema.nullable(),
  direction: syncDirectionSchema,
  isRequired: z.boolean(),
  /** Used when the source value is missing; any JSON value. */
  defaultValue: z.unknown(),
  position: z.number().int().nonnegative(),
  createdAt: z.date(),
});
export type FieldMapping = z.infer<typeof fieldMappingSchema>;

export const newFieldMappingSchema = z.object({
  id: idSchema.optional(),
  localField: z.string().min(1).max(255),
  remoteField: z.string().min(1).max(500),
  transformType: transformTypeSchema.default('direct'),
  transformConfig: jsonObjectSchema.nullable().default(null),
  direction: syncDirectionSchema.default('bidirectional'),
  isRequired: z.boolean().default(false),
  defaultValue: z.unknown().default(null),
});
export type NewFieldMapping = z.input<typeof newFieldMappingSchema>;
