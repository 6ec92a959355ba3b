import { randomBytes } from 'node:crypto';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ApiKeyCredentials, apiKey, oauth2 } from '../connector/auth-spec.js';
import { defineConnector } from '../connector/define-connector.js';
import { type AuthError, isAuthError } from '../errors/auth-error.js';
import { type ConfigError, isConfigError } from '../errors/config-error.js';
import { isNotFoundError } from '../errors/not-found-error.js';
import { isValidationError, type ValidationError } from '../errors/validation-error.js';
import { memoryStorage } from '../storage/memory/memory-storage.js';
import { createVault } from '../vault/vault.js';
import { createAuthManager } from './create-auth-manager.js';

const API = 'https://api.basic.test';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

// HTTP Basic credentials typed in by the user, with a rate limit per account derived from them.
const basic = defineConnector({
  provider: 'basicco',
  displayName: 'BasicCo',
  category: 'erp',
  auth: apiKey({
    credentials: z.object({ username: z.string().min(3), password: z.string().min(8) }),
    apply: (headers, c) => headers.set('authorization', `Basic ${btoa(`${c.username}:${c.password}`)}`),
  }),
  baseUrl: (integration) => `${API}/${integration.organizationId}`,
  rateLimit: (_integration, credentials) => ({
    requests: 10,
    intervalMs: 1000,
    scope: `account:${(credentials as ApiKeyCredentials).username}`,
  }),
  entities: {},
  test: async (ctx) => {
    await ctx.http.request({ method: 'GET', path: '/whoami' });
  },
});

function setup() {
  const storage = memoryStorage();
  const vault = createVault([{ kid: 'k1', key: randomBytes(32) }]);
  return { storage, vault, auth: createAuthManager({ storage, vault, connectors: [basic] }) };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: Error) => error,
  );
}

describe('API-key and Basic credentials', () => {
  it('stores validated credentials encrypted and authenticates requests with them', async () => {
    const { auth, vault } = setup();
    const integration = await auth.connectApiKey({
      organizationId: 'org_1',
      provider: 'basicco',
      credentials: { username: 'ada', password: 'correct horse' },
      name: 'Main account',
    });
    expect(integration).toMatchObject({ status: 'connected', name: 'Main account' });
    expect(integration.credentials).not.toContain('correct horse');
    expect(await vault.decrypt(integration.credentials as string)).toEqual({
      type: 'apiKey',
      username: 'ada',
      password: 'correct horse',
    });
    const seen: string[] = [];
    server.use(
      http.get(`${API}/org_1/whoami`, ({ request }) => {
        seen.push(request.headers.get('authorization') ?? '');
        return HttpResponse.json({ user: 'ada' });
      }),
    );
    await auth.test(integration.id);
    expect(seen).toEqual([`Basic ${btoa('ada:correct horse')}`]);
  });

  it('rejects invalid credentials with a ValidationError that names fields but never values', async () => {
    const { auth, storage } = setup();
    const error = (await failure(
      auth.connectApiKey({
        organizationId: 'org_1',
        provider: 'basicco',
        credentials: { username: 'ad', password: 'hunter2' },
      }),
    )) as ValidationError;
    expect(isValidationError(error)).toBe(true);
    expect(error.issues.map((i) => i.path.join('.'))).toEqual(['username', 'password']);
    expect(error.message).toContain('invalid BasicCo credentials');
    expect(`${error.message}${JSON.stringify(error)}`).not.toMatch(/hunter2|"ad"/);
    expect(await storage.integrations.list()).toEqual([]);
  });

  it('fails test() with an AuthError when the provider rejects the credentials', async () => {
    const { auth } = setup();
    const integration = await auth.connectApiKey({
      organizationId: 'org_1',
      provider: 'basicco',
      credentials: { username: 'ada', password: 'wrong password' },
    });
    server.use(
      http.get(`${API}/org_1/whoami`, () =>
        HttpResponse.json({ message: 'bad credentials' }, { status: 401 }),
      ),
    );
    const error = (await failure(auth.test(integration.id))) as AuthError;
    expect(isAuthError(error)).toBe(true);
    expect(error.message).toBe(
      'BasicCo GET /org_1/whoami failed with 401 (bad credentials). The credentials were rejected. Reconnect the integration.',
    );
  });

  it('refuses contexts for disconnected or unknown integrations and unknown providers', async () => {
    const { auth } = setup();
    const integration = await auth.connectApiKey({
      organizationId: 'org_1',
      provider: 'basicco',
      credentials: { username: 'ada', password: 'correct horse' },
    });
    await auth.disconnect(integration.id);
    const disconnected = (await failure(auth.context(integration.id))) as AuthError;
    expect(disconnected.code).toBe('AUTH_FAILED');
    expect(disconnected.message).toContain('is not connected');
    expect(isNotFoundError(await failure(auth.context('missing')))).toBe(true);
    const unknown = await failure(auth.authorizeUrl({ organizationId: 'org_1', provider: 'nope' }));
    expect(isConfigError(unknown)).toBe(true);
    expect(unknown.message).toContain('registered: basicco');
    expect(
      isConfigError(await failure(auth.authorizeUrl({ organizationId: 'org_1', provider: 'basicco' }))),
    ).toBe(true);
  });

  it('rejects two connectors with the same provider and broken OAuth specs at construction', () => {
    const { storage, vault } = setup();
    expect(() => createAuthManager({ storage, vault, connectors: [basic, basic] })).toThrow(
      /registered twice/,
    );
    const broken = defineConnector({
      provider: 'broken',
      category: 'crm',
      auth: oauth2({
        authorizeUrl: '/relative',
        tokenUrl: 'https://auth.test/token',
        clientId: 'id',
        clientSecret: '',
        redirectUri: 'https://app.test/cb',
        scopes: [],
      }),
      baseUrl: 'https://api.test',
      entities: {},
    });
    let error: unknown;
    try {
      createAuthManager({ storage, vault, connectors: [broken] });
    } catch (e) {
      error = e;
    }
    expect(isConfigError(error)).toBe(true);
    expect((error as ConfigError).problems).toEqual([
      'connectors.broken.auth.authorizeUrl: not an absolute URL',
      'connectors.broken.auth.clientSecret: required',
    ]);
  });
});
