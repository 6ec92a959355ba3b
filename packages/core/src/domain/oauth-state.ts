import { z } from 'zod';
import { dateSchema, idSchema } from './common.js';

/**
 * A pending OAuth authorization (the seed's `oauth_states`): one-time, expiring, bound to the
 * organization, provider, user and redirect URI. `codeVerifier` (PKCE) is vault ciphertext.
 */
export const oauthStateSchema = z.object({
  state: z.string().min(16).max(255),
  organizationId: idSchema,
  provider: z.string().min(1),
  userId: idSchema.nullable(),
  redirectUri: z.string().min(1),
  codeVerifier: z.string().nullable(),
  scopes: z.array(z.string()),
  expiresAt: z.date(),
  createdAt: z.date(),
});
export type OAuthState = z.infer<typeof oauthStateSchema>;

export const newOAuthStateSchema = oauthStateSchema.omit({ createdAt: true }).extend({
  userId: idSchema.nullable().default(null),
  codeVerifier: z.string().nullable().default(null),
  scopes: z.array(z.string()).default([]),
  expiresAt: dateSchema,
});
export type NewOAuthState = z.input<typeof newOAuthStateSchema>;
