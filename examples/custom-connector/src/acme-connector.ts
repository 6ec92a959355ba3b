import { timingSafeEqual } from 'node:crypto';
import {
  apiKey,
  ConflictError,
  type ConnectorContext,
  defineConnector,
  isNotFoundError,
  type Page,
  ValidationError,
} from '@syncbridge/core';
import { z } from 'zod';
import { signAcmeWebhook } from './acme-signature.js';

/** An Acme contact as the API returns it; every record the connector reads is checked against it. */
export const acmeContactSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  company: z.string().nullable(),
  version: z.number().int(),
  updated_at: z.string(),
});
export type AcmeContact = z.infer<typeof acmeContactSchema>;

const pageSchema = z.object({ data: z.array(z.unknown()), next: z.string().nullable() });
const webhookSchema = z.object({
  id: z.string().min(1),
  type: z.enum(['contact.updated', 'contact.deleted']),
  contact_id: z.string().min(1),
});
const path = (id: string) => `/v1/contacts/${encodeURIComponent(id)}`;

async function* listContacts(
  ctx: ConnectorContext,
  params: { cursor: string | null; since: Date | null },
): AsyncIterable<Page<AcmeContact>> {
  let after = params.cursor;
  for (;;) {
    const res = await ctx.http.request<unknown>({
      method: 'GET',
      path: '/v1/contacts',
      query: { limit: 50, after, updated_since: params.since?.toISOString() },
      signal: ctx.signal,
    });
    const page = pageSchema.parse(res.data);
    // Records are handed on as sent; the engine validates each one with the schema and counts failures.
    yield { records: page.data as AcmeContact[], cursor: page.next };
    if (page.next === null) return;
    after = page.next;
  }
}

/**
 * The Acme CRM connector: API-key auth, one entity (`contact`) with every operation, a stale
 * version mapped to `ConflictError('STALE_VERSION')`, and signed webhooks. There is no change
 * feed, so incremental syncs list with `updated_since`.
 *
 * ```ts
 * createSyncBridge({ connectors: [acme({ baseUrl: 'https://api.acme.example' })], ... });
 * ```
 */
export const acme = (options: { baseUrl?: string } = {}) =>
  defineConnector({
    provider: 'acme',
    displayName: 'Acme CRM',
    category: 'crm',
    auth: apiKey({
      credentials: z.object({ apiKey: z.string().min(8) }),
      apply: (headers, c) => headers.set('Authorization', `Bearer ${c.apiKey}`),
    }),
    baseUrl: options.baseUrl ?? 'https://api.acme.example',
    rateLimit: { requests: 20, intervalMs: 1000, concurrency: 4 },
    entities: {
      contact: {
        schema: acmeContactSchema,
        id: (c: AcmeContact) => c.id,
        updatedAt: (c: AcmeContact) => new Date(c.updated_at),
        version: (c: AcmeContact) => String(c.version),
        list: listContacts,
        async get(ctx, id) {
          try {
            return (
              await ctx.http.request<AcmeContact>({ method: 'GET', path: path(id), signal: ctx.signal })
            ).data;
          } catch (error) {
            if (isNotFoundError(error)) return null;
            throw error;
          }
        },
        async create(ctx, data, { idempotencyKey }) {
          const res = await ctx.http.request<AcmeContact>({
            method: 'POST',
            path: '/v1/contacts',
            json: data,
            headers: { 'Idempotency-Key': idempotencyKey },
            idempotencyKey, // tells the client the POST is safe to retry
            signal: ctx.signal,
          });
          return res.data;
        },
        async update(ctx, id, changes, { version }) {
          const res = await ctx.http.request<AcmeContact>({
            method: 'PATCH',
            path: path(id),
            json: changes,
            headers: version === undefined ? {} : { 'If-Match': version },
            signal: ctx.signal,
          });
          return res.data;
        },
        async delete(ctx, id) {
          try {
            await ctx.http.request({
              method: 'DELETE',
              path: path(id),
              responseType: 'text',
              signal: ctx.signal,
            });
          } catch (error) {
            if (!isNotFoundError(error)) throw error; // already gone: the delete happened
          }
        },
      },
    },
    // Only what is specific to Acme; everything else gets core's default mapping (401, 404, 429 + Retry-After, 5xx…).
    mapError(response) {
      const code = (response.json as { error?: { code?: string } } | null)?.error?.code;
      if (response.status === 409 && code === 'version_conflict')
        return new ConflictError(
          `Acme CRM ${response.method} ${response.path}: the contact changed since the version we sent.`,
          { code: 'STALE_VERSION' },
        );
      return undefined;
    },
    async test(ctx) {
      await ctx.http.request({
        method: 'GET',
        path: '/v1/contacts',
        query: { limit: 1 },
        signal: ctx.signal,
      });
    },
    webhooks: {
      verify(request, secret) {
        const given = Buffer.from(request.headers['acme-signature'] ?? '');
        const expected = Buffer.from(signAcmeWebhook(request.body, secret));
        return given.length === expected.length && timingSafeEqual(given, expected);
      },
      parse(request) {
        let body: unknown;
        try {
          body = JSON.parse(request.body);
        } catch {
          throw new ValidationError('Acme CRM webhook: the body is not JSON');
        }
        const parsed = webhookSchema.safeParse(body);
        if (!parsed.success) throw new ValidationError('Acme CRM webhook: not a contact event');
        const e = parsed.data;
        return [
          {
            eventId: e.id,
            type: e.type,
            changes: [
              {
                entity: 'contact',
                id: e.contact_id,
                type: e.type === 'contact.deleted' ? 'delete' : 'upsert',
              },
            ],
            payload: e,
          },
        ];
      },
    },
  });
