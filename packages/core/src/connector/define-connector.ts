import { z } from 'zod';
import { ConfigError } from '../errors/config-error.js';
import type { Connector, ConnectorDefinition, EntityCapabilities } from './connector.js';

const definitionShape = z.object({
  provider: z
    .string()
    .regex(/^[a-z][a-z0-9_-]*$/, 'lower-case letters, digits, "-" and "_", starting with a letter'),
  category: z.enum([
    'erp',
    'crm',
    'accounting',
    'ecommerce',
    'banking',
    'shipping',
    'payments',
    'communication',
  ]),
  auth: z.object({ type: z.enum(['oauth2', 'apiKey']) }).loose(),
  baseUrl: z.union([z.url(), z.function()]),
  entities: z.record(
    z.string(),
    z.object({ schema: z.any(), id: z.function(), updatedAt: z.function(), list: z.function() }).loose(),
  ),
});

/**
 * Declares a connector: checks its shape once, fills in defaults and derives its capabilities
 * from the methods it has, so adding an optional capability later breaks no one.
 *
 * ```ts
 * export const acme = (options: AcmeOptions) => defineConnector({
 *   provider: 'acme',
 *   category: 'crm',
 *   auth: apiKey({ credentials: z.object({ apiKey: z.string() }), apply: (h, c) => h.set('X-Api-Key', c.apiKey) }),
 *   baseUrl: 'https://api.acme.test',
 *   entities: { contact: { schema: contactSchema, id: (c) => c.id, updatedAt: (c) => new Date(c.updated), list: listContacts } },
 * });
 * ```
 */
export function defineConnector(definition: ConnectorDefinition): Connector {
  const result = definitionShape.safeParse(definition);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(
      `defineConnector(${JSON.stringify(definition?.provider ?? '?')}): invalid connector. ${problems.join('; ')}`,
      { problems },
    );
  }
  const overrides = definition.capabilities?.entities ?? {};
  const entities: Record<string, EntityCapabilities> = {};
  for (const [name, entity] of Object.entries(definition.entities)) {
    entities[name] = {
      inbound: true,
      outbound: entity.create !== undefined || entity.update !== undefined,
      incremental: definition.changes !== undefined,
      delete: entity.delete !== undefined ? 'delete' : 'none',
      ...overrides[name],
    };
  }
  const { capabilities: _ignored, ...rest } = definition;
  return Object.freeze({
    ...rest,
    displayName: definition.displayName ?? definition.provider,
    capabilities: Object.freeze({
      changeFeed: definition.changes !== undefined,
      webhooks: definition.webhooks !== undefined,
      entities: Object.freeze(entities),
    }),
  });
}
