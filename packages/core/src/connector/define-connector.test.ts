import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isConfigError } from '../errors/index.js';
import { apiKey } from './auth-spec.js';
import type { ConnectorDefinition } from './connector.js';
import { defineConnector } from './define-connector.js';

const auth = apiKey({
  credentials: z.object({ apiKey: z.string() }),
  apply: (headers, c) => headers.set('Authorization', `Bearer ${c.apiKey}`),
});

const entity = {
  schema: z.object({ id: z.string(), updated: z.number() }),
  id: (r: { id: string }) => r.id,
  updatedAt: (r: { updated: number }) => new Date(r.updated),
  async *list() {},
};

describe('defineConnector', () => {
  it('derives capabilities from the methods each entity has, with overrides', () => {
    const connector = defineConnector({
      provider: 'acme',
      category: 'crm',
      auth,
      baseUrl: 'https://api.acme.test',
      entities: {
        contact: { ...entity, create: async () => ({ id: '1', updated: 0 }), delete: async () => {} },
        bank_line: entity,
        tag: { ...entity, update: async () => ({ id: '1', updated: 0 }) },
      },
      capabilities: { entities: { tag: { delete: 'deactivate' } } },
    });
    expect(connector.displayName).toBe('acme');
    expect(connector.capabilities).toEqual({
      changeFeed: false,
      webhooks: false,
      entities: {
        contact: { inbound: true, outbound: true, incremental: false, delete: 'delete' },
        bank_line: { inbound: true, outbound: false, incremental: false, delete: 'none' },
        tag: { inbound: true, outbound: true, incremental: false, delete: 'deactivate' },
      },
    });
    expect(Object.isFrozen(connector)).toBe(true);
  });

  it('rejects a malformed definition with a ConfigError listing every problem', () => {
    let error: unknown;
    try {
      defineConnector({
        provider: 'Bad Name',
        category: 'social',
        auth,
        baseUrl: 'not a url',
        entities: { contact: { schema: entity.schema } },
      } as unknown as ConnectorDefinition);
    } catch (e) {
      error = e;
    }
    expect(isConfigError(error)).toBe(true);
    const problems = (error as { problems: string[] }).problems.join('\n');
    expect(problems).toMatch(/provider/);
    expect(problems).toMatch(/category/);
    expect(problems).toMatch(/baseUrl/);
    expect(problems).toMatch(/entities\.contact\.id/);
    expect(problems).toMatch(/entities\.contact\.list/);
  });
});
